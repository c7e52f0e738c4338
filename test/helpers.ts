import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../sandbox/index.js';
import { startChecks, type RunOptions } from '../src/engine/evaluate.js';
import { addSecret } from '../src/secrets.js';
import { resolveSuite } from '../src/suite/load.js';
import { readSuite } from '../src/suite/read.js';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs the local suite's checks in-process against a started sandbox: check id, subject, outcome. */
export async function runLocalSuite(sandbox: Sandbox, options: RunOptions = {}, deviations?: Record<string, string>) {
  const suite = { ...resolveSuite(await readSuite(join(root, 'suites/local.yaml')), sandbox.variables), ...(deviations && { deviations }) };
  suite.secrets.forEach(addSecret);
  const started = startChecks([suite], options);
  return Promise.all(started.map(async (s) => ({ id: s.check.id, subject: s.subject, outcome: await s.outcome })));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, as a user would. */
export function cli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/conformance.js'), ...args], {
      cwd: options.cwd ?? root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'conformance-test-'));
}
