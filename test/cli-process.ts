/** Running the real CLI as a user would, and reading what it wrote. Light: no engine, no sandbox in the test's process. */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { findChromium, INSTALL_CHROMIUM } from '../src/browser/chromium.js';
import { CLI_SLOTS, endWhenWorking, made, spawned, tempDir } from './cleanup.js';

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

type CliOptions = { env?: Record<string, string>; cwd?: string };

/**
 * Runs the CLI's main() with these arguments in a process of its own, as bin/conformance.js does, and by default in a
 * fresh directory, so concurrent runs never share the default reports/ (two runs appending to one history file at once
 * would interleave its lines). The process is a warm one (test/cli-host.mjs) that loaded the CLI once and runs one
 * command at a time with the command's own directory and environment: loading vitest, oidc-provider and the sources
 * took ~1.5 s of CPU per run, most of the tests' CPU. What only the binary does (exit, signals, a closed pipe) is
 * tested with cliProcess().
 */
export async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  // Node 20 reads `--env-file` as the process starts, even after the script's name (nodejs/node#54232).
  if (args.some((arg) => arg === '--env-file' || arg.startsWith('--env-file='))) return cliProcess(args, options);
  const release = await cliSlot();
  try {
    const host = takeHost(startVariables(options.env));
    working.add(host);
    try {
      return await host.run(args, { cwd: options.cwd ?? freshDir(), env: { ...process.env, ...options.env } });
    } finally {
      working.delete(host);
      if (host.alive) idleHosts(host.started).push(host);
    }
  } finally {
    await release();
  }
}

/**
 * Node's own variables among a command's (NODE_OPTIONS, NODE_EXTRA_CA_CERTS): Node reads them as a process starts, so
 * the command runs in a host started with them.
 */
function startVariables(env: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('NODE_')));
}

/** The CLI binary itself in a new process, with these arguments, as a user starts it. */
export async function cliProcess(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return cliAs(clone(args), options);
}

/** This test worker's warm CLI processes that are not running a command, by the variables they started with; those that are. */
const idle = new Map<string, Host[]>();
function idleHosts(started: Record<string, string>): Host[] {
  const key = JSON.stringify(started);
  const hosts = idle.get(key) ?? [];
  idle.set(key, hosts);
  return hosts;
}
const working = new Set<Host>();
endWhenWorking(() => [...working].map((host) => host.child));

/** An idle warm process of this worker started with these variables (one that crashed while idle is dropped), or a new one. */
function takeHost(started: Record<string, string>): Host {
  const hosts = idleHosts(started);
  for (let host = hosts.pop(); host; host = hosts.pop()) if (host.alive) return host;
  return new Host(started);
}

class Host {
  /** What the host writes on stdout and stderr after each command's output. */
  private readonly end = `[end of command ${randomUUID()}]`;
  readonly child: ChildProcess;
  private readonly ready: Promise<unknown>;
  private stdout = '';
  private stderr = '';
  private done?: (code: number | null) => void;
  alive = true;

  constructor(readonly started: Record<string, string>) {
    this.child = fork(join(root, 'test/cli-host.mjs'), [this.end], {
      execArgv: [],
      env: { ...process.env, ...started },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('message', resolve).once('error', reject);
      this.child.once('exit', (code) => {
        reject(new Error(`the CLI host exited (${code}) before it was ready:\n${this.stderr}`));
      });
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.stdout += d;
      this.settle();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
      this.settle();
    });
    // A host that crashed ends its command as a CLI process would, with its exit code and what it wrote.
    this.child.on('exit', (code) => {
      this.alive = false;
      this.done?.(code ?? 1);
    });
    // It goes with the test worker (the IPC channel closes), so it keeps neither the worker nor a test file waiting.
    this.child.unref();
    this.child.channel?.unref();
    for (const stream of [this.child.stdout, this.child.stderr]) (stream as Socket).unref();
  }

  async run(args: string[], { cwd, env }: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
    await this.ready;
    const startedAt = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      this.done = resolve;
      this.child.send({ args, cwd, env });
    });
    this.done = undefined;
    const endedAt = Date.now();
    const [stdout, stderr] = [this.stdout, this.stderr].map((text) => text.slice(0, text.includes(this.end) ? text.indexOf(this.end) : undefined));
    this.stdout = this.stderr = '';
    return { code, stdout: stdout!, stderr: stderr!, durationMs: endedAt - startedAt, startedAt, endedAt };
  }

  /** A command has ended once both streams carry its end mark (stdout's with the exit code). */
  private settle(): void {
    const [, code] = /^ (\d+)\n/.exec(this.stdout.split(this.end)[1] ?? '') ?? [];
    if (code !== undefined && this.stderr.includes(`${this.end}\n`)) this.done?.(Number(code));
  }
}

/**
 * Runs the CLI as `command` starts it (the clone's, or `npx conformance` where it is installed as a package), taking a
 * slot like every CLI run.
 */
export async function cliAs(command: string[], options: CliOptions = {}): Promise<CliResult> {
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

/** A run's own working directory, removed once the test file has run. */
const freshDir = () => made(mkdtempSync(join(tmpdir(), 'conformance-cwd-')));

/** The CLI of this clone, with these arguments. */
const clone = (args: string[]) => [process.execPath, join(root, 'bin/conformance.js'), ...args];

function spawnCli([program, ...args]: string[], options: CliOptions) {
  return spawned(
    spawn(program!, args, {
      cwd: options.cwd ?? freshDir(),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/**
 * A compact JWT in a text: `eyJ`, ten or more base64url characters, then `.eyJ`. Found from each `.eyJ`: the regular
 * expression for it backtracked over every base64 run after an `eyJ` (each JSON file an HTML report embeds), seconds
 * for one report's texts.
 */
export const JWT = {
  test(text: string): boolean {
    for (let dot = text.indexOf('.eyJ'); dot >= 0; dot = text.indexOf('.eyJ', dot + 1)) {
      let start = dot;
      while (start > 0 && isBase64Url(text.charCodeAt(start - 1))) start--;
      const header = text.indexOf('eyJ', start);
      if (header >= 0 && header + 3 + 10 <= dot) return true;
    }
    return false;
  },
};

function isBase64Url(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f;
}

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
