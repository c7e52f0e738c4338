import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Directories this test file made under the system's temp directory: removeTempDirs() deletes them. */
const dirs: string[] = [];

export function made(dir: string): string {
  dirs.push(dir);
  return dir;
}

/** A fresh directory, removed once the test file has run (test/setup.ts). */
export async function tempDir(): Promise<string> {
  return made(await mkdtemp(join(tmpdir(), 'conformance-test-')));
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
