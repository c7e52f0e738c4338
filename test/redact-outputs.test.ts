import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { redactOutputs } from '../src/report/redact-outputs.js';
import { addSecret, fingerprint, registeredSince } from '../src/secrets.js';
import { tempDir } from './cli-process.js';

describe('the runner redacts what the worker wrote', () => {
  it('replaces secrets learned after a file was written, keeping JSON readable and binary files as they were', async () => {
    const dir = await tempDir();
    const secret = 'late-learned "quoted" token';
    const result = join(dir, 'result.json');
    const text = join(dir, 'attachment.txt');
    const image = join(dir, 'screenshot.png');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, ...Buffer.from(secret)]);
    await writeFile(result, JSON.stringify({ name: 'check', message: `server said ${secret}` }));
    await writeFile(text, `Authorization: Basic ${Buffer.from(`client:${secret}`).toString('base64')}`);
    await writeFile(image, png);
    addSecret(secret);
    await redactOutputs([dir]);
    const json = JSON.parse(await readFile(result, 'utf8')) as { message: string };
    expect(json.message).toBe(`server said ${fingerprint(secret)}`);
    expect(await readFile(text, 'utf8')).not.toContain(Buffer.from(secret).toString('base64').slice(4, 16));
    expect(await readFile(image)).toEqual(png);
  });

  it('writes a file again only when it held a secret', async () => {
    const dir = await tempDir();
    const file = join(dir, 'plain.json');
    await writeFile(file, '{ "compact":true }');
    await redactOutputs([dir, join(dir, 'missing.json')]);
    expect(await readFile(file, 'utf8')).toBe('{ "compact":true }');
  });
});

describe('secrets between the runner and its worker', () => {
  it('hands back each registered value once, in order', () => {
    const start = registeredSince(0).next;
    addSecret('handed-back-one');
    addSecret('handed-back-one');
    addSecret('handed-back-two');
    const first = registeredSince(start);
    expect(first.values).toEqual(['handed-back-one', 'handed-back-two']);
    expect(registeredSince(first.next).values).toEqual([]);
  });

  it('fingerprints a value alike in a worker thread, so runner and worker outputs agree', async () => {
    const secrets = new URL('../src/secrets.ts', import.meta.url).href;
    const code = `import('tsx/esm/api').then(({ register }) => register()).then(() => import('${secrets}')).then(({ fingerprint }) => require('node:worker_threads').parentPort.postMessage(fingerprint('same-value-in-both')))`;
    const worker = new Worker(code, { eval: true });
    const inWorker = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    expect(inWorker).toBe(fingerprint('same-value-in-both'));
  });
});
