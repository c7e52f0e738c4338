import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulators } from '../sandbox/emulators/index.js';
import { profiles, startSandbox, type Sandbox } from '../sandbox/index.js';
import { startChecks, type RunOptions } from '../src/engine/evaluate.js';
import { resultOf } from '../src/engine/result-of.js';
import { addSecret } from '../src/secrets.js';
import { resolveSuite } from '../src/suite/load.js';
import { findChromium, INSTALL_CHROMIUM } from '../src/browser/chromium.js';
import { WRONG_SECRET } from '../src/flows/token-endpoint-probes.js';
import { readSuite } from '../src/suite/read.js';
import type { Suite } from '../src/suite/suite.types.js';
import { usesBrowser } from '../src/suite/uses-browser.js';
import { made, spawned, tempDir } from './cleanup.js';

export { tempDir };

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs a suite's checks in-process against a started sandbox or emulator: check id, subject, outcome, and the result the reports are written from. */
export async function runSuite(file: string, server: { variables: Record<string, string>; trustedCertificates?: string[] }, options: RunOptions = {}, deviations?: Suite['deviations']) {
  const resolved = { ...resolveSuite(await readSuite(resolvePath(root, file)), { ...server.variables }), trustedCertificates: server.trustedCertificates };
  const suite = deviations ? { ...resolved, deviations } : resolved;
  suite.secrets.forEach(addSecret);
  const started = startChecks([suite], options);
  return Promise.all(
    started.map(async (s) => {
      const outcome = await s.outcome;
      return { id: s.check.id, subject: s.subject, outcome, result: resultOf(s, outcome) };
    }),
  );
}

export function runLocalSuite(sandbox: Sandbox, options: RunOptions = {}, deviations?: Suite['deviations']) {
  return runSuite('suites/local.yaml', sandbox, options, deviations);
}

export interface Target {
  /** "sandbox" or the emulator's name. */
  name: string;
  /** The suite that runs against it, relative to the project. */
  suite: string;
  profiles: readonly { name: string; breaks: string[]; blocks?: string[]; long?: boolean }[];
  start(profile: string): Promise<{ variables: Record<string, string>; trustedCertificates?: string[]; close(): Promise<void> }>;
}

/** Everything a suite runs against: the reference sandbox with the local suite, and each vendor emulator with its suite (browser suites: test/browser-login.test.ts). */
export async function targets(): Promise<Target[]> {
  const suites = await Promise.all(readdirSync(join(root, 'suites')).map(async (f) => ({ file: join(root, 'suites', f), data: (await readSuite(join(root, 'suites', f))).data })));
  return [
    // Hostile profiles break transport, not rules: test/reliability.test.ts proves the engine survives them.
    { name: 'sandbox', suite: join(root, 'suites', 'local.yaml'), profiles: profiles.filter((p) => !p.hostile), start: (profile) => startSandbox({ profile }) },
    ...emulators.map((e) => ({ name: e.name, suite: suites.find((s) => s.data.emulator === e.name && !usesBrowser(s.data))!.file, profiles: e.profiles, start: (profile: string) => e.start(profile) })),
  ];
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI in a child process, as a user would: by default in a fresh directory, so concurrent runs never
 * share the default reports/ (two runs appending to one history file at once would interleave its lines).
 */
export function cli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts a command that serves until interrupted (`conformance sandbox`) and resolves once its stdout says `ready`;
 * stop() interrupts it as Ctrl-C does and resolves with its exit code.
 */
export function serveCli(args: string[], ready: string, options: { cwd?: string } = {}): Promise<{ stdout: string; stop(): Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    const closed = new Promise<number | null>((done) => child.on('close', done));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
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

function spawnCli(args: string[], options: { env?: Record<string, string>; cwd?: string }) {
  return spawned(
    spawn(process.execPath, [join(root, 'bin/conformance.js'), ...args], {
      cwd: options.cwd ?? made(mkdtempSync(join(tmpdir(), 'conformance-cwd-'))),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

export const JWT = /eyJ[A-Za-z0-9_-]{10,}\.eyJ/;
// A credential parameter whose value is not a fingerprint.
export const CLEAR_CREDENTIAL = /(code|code_verifier|client_secret|access_token|refresh_token)(=|": ?")(?!\[redacted:)/;

/**
 * Client secrets for the embedded sandbox of a CLI run, set in its environment, and what no output of the run may
 * hold: each, the wrong secret the probes send, and each client's Basic credentials (a server may echo them).
 */
export function sandboxSecrets(): { env: Record<string, string>; forms: string[] } {
  const [machine, app] = [0, 1].map(() => `known-${randomBytes(18).toString('base64url')}`) as [string, string];
  const basics = [['sandbox-machine', machine], ['sandbox-app', app]].map(([id, value]) => Buffer.from(`${id}:${value}`).toString('base64'));
  return { env: { SANDBOX_CLIENT_SECRET: machine, SANDBOX_AUTH_CLIENT_SECRET: app }, forms: [machine, app, WRONG_SECRET, ...basics] };
}

/** Output paths of one run, in a fresh directory. */
export async function reportArgs() {
  const dir = await tempDir();
  const paths = { dir, results: join(dir, 'allure-results'), html: join(dir, 'html'), junit: join(dir, 'junit.xml'), summary: join(dir, 'summary.md') };
  return { paths, args: ['--results-dir', paths.results, '--report-dir', paths.html, '--junit', paths.junit, '--summary', paths.summary] };
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
