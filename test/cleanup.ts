import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folder of test/cli-process.ts's slots, in the run's temp directory (made by global-setup.ts). */
export const CLI_SLOTS = 'cli-slots';

/** What this test file started and made that outlives a test: cleanUp() ends and deletes it once the file has run. */
const children: ChildProcess[] = [];
const dirs: string[] = [];

export function spawned<T extends ChildProcess>(child: T): T {
  children.push(child);
  return child;
}

/**
 * Processes that outlive test files (test/cli-process.ts's warm CLI processes): `working()` names those still running a
 * command when a file ends, a command of a test that failed or timed out; they are ended like the file's own.
 */
const longLived: Array<() => ChildProcess[]> = [];
export function endWhenWorking(working: () => ChildProcess[]): void {
  longLived.push(working);
}

export function made(dir: string): string {
  dirs.push(dir);
  return dir;
}

/** A fresh directory under the temp directory, removed once the test file has run. */
export async function tempDir(): Promise<string> {
  return made(await mkdtemp(join(tmpdir(), 'conformance-test-')));
}

/**
 * Ends the CLI processes still running (a test that failed or timed out before stopping the sandbox it served), then
 * deletes the directories, which those processes may still have been writing to.
 */
export async function cleanUp(): Promise<void> {
  const running = [...children.splice(0), ...longLived.flatMap((working) => working())].filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(running.map((child) => new Promise((ended) => child.once('close', ended).kill('SIGKILL'))));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
