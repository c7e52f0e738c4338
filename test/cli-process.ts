/** Running the real CLI as a user would, and reading what it wrote. Light: no engine, no sandbox in the test's process. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { findChromium, INSTALL_CHROMIUM } from '../src/browser/chromium.js';
import { CLI_SLOTS, made, spawned, tempDir } from './cleanup.js';

export { tempDir };

export const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The suites the product ships in suites/. A user's own there (written by `conformance init`) are theirs: the tests
 * judge only these.
 */
export const SHIPPED_SUITES = ['1uphealth', 'bwell', 'generic-oidc', 'local-browser', 'local', 'medplum-browser', 'medplum', 'smart-backend'];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From start to exit: the run's own time, not its wait for a slot. */
  durationMs: number;
  /** When the process started and exited (epoch ms). */
  startedAt: number;
  endedAt: number;
}

/** What a run said, for an assertion's message: why it exited as it did is on stdout (the broken rules) or stderr. */
export function said(run: CliResult): string {
  return `${run.stderr}\n${run.stdout}`;
}

/**
 * Runs the real CLI in a child process, as a user would: by default in a fresh directory, so concurrent runs never
 * share the default reports/ (two runs appending to one history file at once would interleave its lines).
 */
export async function cli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return cliAs(clone(args), options);
}

/**
 * Runs the CLI as `command` starts it (the clone's, or `npx conformance` where it is installed as a package), taking a
 * slot like every CLI run.
 */
export async function cliAs(command: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  const release = await cliSlot();
  try {
    return await new Promise((resolve, reject) => {
      const started = Date.now();
      const child = spawnCli(command, options);
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => {
        const endedAt = Date.now();
        resolve({ code, stdout, stderr, durationMs: endedAt - started, startedAt: started, endedAt });
      });
    });
  } finally {
    await release();
  }
}

/**
 * A slot among the few CLI runs that may go at once, across every test worker (a directory made in the run's temp
 * directory is the lock). A CLI run is a process with a worker thread and often a server: with a run per concurrent
 * test of each worker, a 2-core machine ran fifteen at once, and runs slowed past their own request timeouts.
 */
async function cliSlot(): Promise<() => Promise<void>> {
  const slots = join(tmpdir(), CLI_SLOTS);
  for (;;) {
    for (let i = 0; i < availableParallelism() + 1; i++) {
      const slot = join(slots, String(i));
      const taken = await mkdir(slot).then(
        () => true,
        (error: unknown) => {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
          throw error;
        },
      );
      if (taken) return () => rmdir(slot);
    }
    await sleep(50);
  }
}

/**
 * Starts a command that serves until interrupted (`conformance sandbox`) and resolves once its stdout says `ready`;
 * stop() interrupts it as Ctrl-C does and resolves with its exit code.
 */
export function serveCli(args: string[], ready: string, options: { cwd?: string } = {}): Promise<{ stdout: string; stop(): Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(clone(args), options);
    const closed = new Promise<number | null>((done) => child.on('close', done));
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (!stdout.includes(ready)) return;
      resolve({
        stdout,
        stop: () => {
          child.kill('SIGINT');
          return closed;
        },
      });
    });
    child.on('error', reject);
    void closed.then((code) => reject(new Error(`conformance ${args.join(' ')} exited ${code} before saying "${ready}":\n${stdout}${stderr}`)));
  });
}

/** The CLI of this clone, with these arguments. */
const clone = (args: string[]) => [process.execPath, join(root, 'bin/conformance.js'), ...args];

function spawnCli([program, ...args]: string[], options: { env?: Record<string, string>; cwd?: string }) {
  return spawned(
    spawn(program!, args, {
      cwd: options.cwd ?? made(mkdtempSync(join(tmpdir(), 'conformance-cwd-'))),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

export const JWT = /eyJ[A-Za-z0-9_-]{10,}\.eyJ/;
// A credential parameter whose value is not a fingerprint, nor a word of a vocabulary (a FHIR issue's "code": "login",
// shown as JSON in an attachment): credentials are random strings.
export const CLEAR_CREDENTIAL = /(code|code_verifier|client_secret|access_token|refresh_token)(=|": ?")(?!\[redacted:)(?![a-z-]{1,20}")/;

/**
 * The options that put every output of a run in `dir`: --out, and each output's own option naming the place --out
 * gives it (so a refusal names the option of the folder it refuses).
 */
export function outputArgs(dir: string): string[] {
  const args = ['--results-dir', join(dir, 'allure-results'), '--report-dir', join(dir, 'html'), '--junit', join(dir, 'junit.xml')];
  return ['--out', dir, ...args, '--summary', join(dir, 'summary.md')];
}

/** Output paths of one run, in a fresh directory. */
export async function reportArgs() {
  const dir = await tempDir();
  const paths = { dir, results: join(dir, 'allure-results'), html: join(dir, 'html'), junit: join(dir, 'junit.xml'), summary: join(dir, 'summary.md') };
  return { paths, args: outputArgs(dir) };
}

/** Every file a run wrote, as text, with its path. */
export async function reportFiles(dir: string): Promise<Array<{ path: string; text: string }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => ({ path: join(e.parentPath, e.name), text: await readFile(join(e.parentPath, e.name), 'utf8') })),
  );
}

/**
 * A beforeEach hook for tests that need Chromium: without it they are skipped, and the run says (once per file) how to
 * install it. `.ci/run` installs it, so CI runs them.
 */
export function skipWithoutChromium(): (ctx: { skip: (note?: string) => void }) => void {
  const installed = findChromium();
  const note = `browser tests skipped: Chromium is not installed; ${INSTALL_CHROMIUM}`;
  if (!installed) console.warn(note);
  return (ctx) => {
    if (!installed) ctx.skip(note);
  };
}
