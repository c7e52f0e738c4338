import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { emulators } from '../sandbox/emulators/index.js';
import { profiles, startSandbox, type Sandbox } from '../sandbox/index.js';
import { startChecks, type RunOptions } from '../src/engine/evaluate.js';
import { resultOf } from '../src/engine/result-of.js';
import { addSecret } from '../src/secrets.js';
import { resolveSuite } from '../src/suite/load.js';
import { WRONG_SECRET } from '../src/flows/token-endpoint-probes.js';
import { readSuite } from '../src/suite/read.js';
import type { Suite } from '../src/suite/suite.types.js';
import { usesBrowser } from '../src/suite/uses-browser.js';
import { root } from './cli-process.js';

// Running the CLI and reading what it wrote, for files that need nothing else (they start without the engine and
// the sandbox): ./cli-process.ts.
export * from './cli-process.js';

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

/**
 * Client secrets for the embedded sandbox of a CLI run, set in its environment, and what no output of the run may
 * hold: each, the wrong secret the probes send, and each client's Basic credentials (a server may echo them).
 */
export function sandboxSecrets(): { env: Record<string, string>; forms: string[] } {
  const [machine, app] = [0, 1].map(() => `known-${randomBytes(18).toString('base64url')}`) as [string, string];
  const basics = [['sandbox-machine', machine], ['sandbox-app', app]].map(([id, value]) => Buffer.from(`${id}:${value}`).toString('base64'));
  return { env: { SANDBOX_CLIENT_SECRET: machine, SANDBOX_AUTH_CLIENT_SECRET: app }, forms: [machine, app, WRONG_SECRET, ...basics] };
}
