import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { vendorFromHost } from '../src/cli/init.js';
import { root, tempDir } from './cli-process.js';
import { mainSays } from './main-in-process.js';

/** `conformance init` in-process (test/cli.test.ts runs the real CLI against the sandbox and a hostile document). */
async function init(args: string[]): Promise<{ code: number; said: string }> {
  const { code, out, err } = await mainSays(['init', ...args]);
  return { code, said: `${out}\n${err}` };
}

describe('conformance init', () => {
  let sandbox: Sandbox;
  let other: ReturnType<typeof createServer>;
  let notMetadata: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    // JSON, but a document of another kind: an error object a gateway answers at any path.
    other = createServer((_, res) => res.setHeader('content-type', 'application/json').end('{"status":"ok","version":"1.2.3"}'));
    await new Promise<void>((ready) => other.listen(0, '127.0.0.1', ready));
    notMetadata = `http://127.0.0.1:${(other.address() as AddressInfo).port}/.well-known/openid-configuration`;
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((done) => other.close(done));
  });

  it('names the vendor from the host: its registered name, never a number', () => {
    expect(vendorFromHost('login.acme.com')).toBe('acme');
    expect(vendorFromHost('acme.com')).toBe('acme');
    expect(vendorFromHost('id.acme.co.uk')).toBe('acme');
    for (const host of ['127.0.0.1', '[::1]', 'localhost']) expect(vendorFromHost(host)).toBe('vendor');
  });

  it('writes into a folder it makes, naming the schema by its path from there; the vendor from the host when not given', async () => {
    const out = join(await tempDir(), 'deep', 'er', 'suite.yaml');
    const { code, said } = await init(['--discovery', sandbox.variables.SANDBOX_DISCOVERY_URL!, '--out', out]);
    expect(code, said).toBe(0);
    const text = await readFile(out, 'utf8');
    const schema = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1];
    expect(resolve(dirname(out), schema!)).toBe(join(root, 'schemas/suite.schema.json'));
    expect(text).toMatch(/^vendor: vendor$/m);
    expect(text).toContain('VENDOR_CLIENT_ID:');
  });

  it('refuses a JSON document that is not metadata, and a vendor name without a letter, with the fix', async () => {
    const out = join(await tempDir(), 'x.yaml');
    const refused = await init(['--discovery', notMetadata, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.said).toContain('answered JSON that is not authorization server metadata: it has none of issuer, token_endpoint, authorization_endpoint');
    const numbered = await init(['--discovery', sandbox.variables.SANDBOX_DISCOVERY_URL!, '--vendor', '0', '--out', out]);
    expect(numbered).toMatchObject({ code: 2, said: expect.stringContaining('--vendor 0: a vendor name needs a letter') });
  });
});
