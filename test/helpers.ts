import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { join, resolve as resolvePath } from 'node:path';
import { emulators } from '../sandbox/emulators/index.js';
import { sandboxTarget, type Sandbox } from '../sandbox/index.js';
import type { Target } from '../sandbox/target.js';
import { WRONG_SECRET } from '../src/checks/error-response/probes.js';
import { startSuites, type RunOptions } from '../src/engine/evaluate.js';
import { resultOf } from '../src/engine/result-of.js';
import { addSecret } from '../src/secrets.js';
import { ConfigError, type Problem } from '../src/suite/errors.js';
import { resolveSuite } from '../src/suite/load.js';
import { readSuite } from '../src/suite/read.js';
import type { Suite } from '../src/suite/suite.types.js';
import { root } from './cli-process.js';

// Running the CLI and reading what it wrote, for files that need nothing else (they start without the engine and
// the sandbox): ./cli-process.ts.
export * from './cli-process.js';

/** Runs a suite's checks in-process against a started sandbox or emulator: check id, subject, outcome, and the result the reports are written from. */
export async function runSuite(
  file: string,
  server: { variables: Record<string, string>; trustedCertificates?: string[] },
  options: RunOptions = {},
  deviations?: Suite['deviations'],
) {
  const resolved = { ...resolveSuite(await readSuite(resolvePath(root, file)), { ...server.variables }), trustedCertificates: server.trustedCertificates };
  const suite = deviations ? { ...resolved, deviations } : resolved;
  suite.secrets.forEach(addSecret);
  const started = startSuites([suite], options).flatMap((s) => s.checks);
  return Promise.all(
    started.map(async (s) => {
      const outcome = await s.outcome;
      return { id: s.check.id, subject: s.subject, outcome, result: resultOf(s, outcome) };
    }),
  );
}

/**
 * The generic suite, configured by variables only, against an independent provider (test/fixtures/minimal-provider.ts):
 * its machine and app clients share `secret`; `more` sets further variables.
 */
export function runGenericSuite(provider: { issuer: string; redirectUri: string }, secret: string, more: Record<string, string> = {}) {
  return runSuite('suites/generic-oidc.yaml', { variables: { ...genericVariables(provider, secret), ...more } });
}

/** The generic suite's variables for test/fixtures/minimal-provider.ts, whose machine and app clients share `secret`. */
export function genericVariables(provider: { issuer: string; redirectUri: string }, secret: string): Record<string, string> {
  return {
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: 'plain-client',
    OIDC_CLIENT_SECRET: secret,
    OIDC_AUTH_CLIENT_ID: 'plain-app',
    OIDC_AUTH_CLIENT_SECRET: secret,
    OIDC_REDIRECT_URI: provider.redirectUri,
  };
}

export function runLocalSuite(sandbox: Sandbox, options: RunOptions = {}, deviations?: Suite['deviations']) {
  return runSuite('suites/local.yaml', sandbox, options, deviations);
}

/**
 * Everything a suite runs against: the reference sandbox and each vendor emulator, with its suite's path made absolute
 * (browser suites: test/browser-login.test.ts). Hostile profiles break transport, not rules, so they are left out:
 * test/reliability.test.ts proves the engine survives them.
 */
export function targets(): Target[] {
  const all: Target[] = [sandboxTarget, ...emulators];
  return all.map((target) => ({ ...target, suite: join(root, target.suite), profiles: target.profiles.filter((p) => !p.hostile) }));
}

/**
 * Client secrets for the embedded sandbox of a CLI run, set in its environment, and what no output of the run may
 * hold: each, the wrong secret the probes send, and each client's Basic credentials (a server may echo them).
 */
export function sandboxSecrets(): { env: Record<string, string>; forms: string[] } {
  const [machine, app] = [0, 1].map(() => `known-${randomBytes(18).toString('base64url')}`) as [string, string];
  const basics = [
    ['sandbox-machine', machine],
    ['sandbox-app', app],
  ].map(([id, value]) => Buffer.from(`${id}:${value}`).toString('base64'));
  return { env: { SANDBOX_CLIENT_SECRET: machine, SANDBOX_AUTH_CLIENT_SECRET: app }, forms: [machine, app, WRONG_SECRET, ...basics] };
}

/** The problems of the ConfigError that `run` throws; fails the test when it throws nothing or something else. */
export function problemsOf(run: () => unknown): Problem[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return expect.fail('expected a ConfigError');
}
