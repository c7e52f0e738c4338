import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profiles, startSandbox } from '../sandbox/index.js';
import { findChromium } from '../src/browser/chromium.js';
import { WRONG_SECRET } from '../src/checks/error-response/probes.js';
import type { ResultsFile } from '../src/report/results-file.types.js';
import { schemaErrors } from '../src/schemas.js';
import { formEncode } from '../src/secrets.js';
import { cli, JWT, reportFiles, root, tempDir } from './helpers.js';
import { leaks, withEmbedded, writtenForms } from './leak-forms.js';

/**
 * The promise of the README's Secrets section, against servers that try to break it: the generic suite, configured by
 * variables only, runs against the sandbox on every hostile profile (and the conformant one) with canary secrets. Every file the run wrote and its
 * console are scanned for the secrets, the password, the Basic credentials, and every token, code and session cookie
 * the sandbox issued, in every form a server or a report may write them in, also inside base64 (the HTML report
 * embeds its attachments so, and servers echo encoded bodies).
 */

// Characters that every encoding writes differently: a leak in any one form shows.
const canary = (name: string) => `canary-${name}-${randomBytes(12).toString('base64url')}/"<&>+ x`;

// Profiles whose failures quote more of what was exchanged (the rules they break), scanned alike.
const RULE_BREAKING = ['issuer-mismatch', 'jwks-private', 'errors-as-html', 'code-reusable', 'refresh-replay-allowed', 'query-token-accepted'];
// Profiles whose hostility is in the sign-in page or what the browser is sent to: the browser strategy logs in there.
const SIGN_IN = ['echo-password', 'file-authorization-endpoint'];
// Profiles that only make the client wait (never an answer, late answers, a drip): a short --timeout exercises them as well.
const WAITING = ['hang', 'slow', 'slow-drip'];
/**
 * Profiles whose run also builds the HTML report, which embeds the results (scanned on every profile) as base64: the
 * full run, the server that echoes every credential into what the report embeds, the login page whose screenshots
 * and text it embeds, and the server text aimed at renderers. The other profiles add nothing to those results that
 * the report could show differently; gzip-bomb and huge-body build it in test/reliability.test.ts.
 */
const WITH_HTML = ['conformant', 'echo-credentials', 'injected-text'];
const OTHERS = profiles.filter((p) => p.hostile && ![...SIGN_IN, ...WAITING, ...WITH_HTML].includes(p.name)).map((p) => p.name);

/**
 * Each run holds several profiles, as a run of several vendors' suites does: the generic suite once per profile, its
 * variables renamed apart, against a sandbox of its own (a CLI run costs a second and a half of start-up alone).
 */
const RUNS = [
  { name: 'the conformant server and those that echo or inject, with the HTML report', profiles: WITH_HTML, html: true, timeout: 3000 },
  { name: 'the other hostile profiles', profiles: OTHERS, html: false, timeout: 3000 },
  { name: 'the profiles that break rules', profiles: RULE_BREAKING, html: false, timeout: 3000 },
  { name: 'the profiles that make the client wait', profiles: WAITING, html: false, timeout: 1000 },
  // The authorization-code checks' logins: every login stops on the same page, and the other areas' checks are the
  // conformant server's, scanned above.
  {
    name: 'the sign-in pages, with the browser strategy and the HTML report',
    profiles: SIGN_IN,
    html: true,
    timeout: 3000,
    browser: true,
    only: 'authorization-code',
  },
  // DPoP proofs (JWTs of the client's) and DPoP-bound tokens are kept out like every token.
  { name: 'the conformant server with DPoP (OIDC_DPOP=true), with the HTML report', profiles: ['conformant'], html: true, timeout: 3000, dpop: true },
];
const chromium = findChromium();
const GENERIC = readFileSync(join(root, 'suites/generic-oidc.yaml'), 'utf8');

/** The generic suite's variables for a sandbox: both clients, the resource, and a login with the browser or without. */
function genericEnv(v: Record<string, string>, secrets: { machine: string; app: string }, browser: boolean, dpop: boolean) {
  return {
    OIDC_ISSUER: v.SANDBOX_ISSUER!,
    OIDC_CLIENT_ID: v.SANDBOX_CLIENT_ID!,
    OIDC_CLIENT_SECRET: secrets.machine,
    OIDC_SCOPE: v.SANDBOX_SCOPE!,
    OIDC_RESOURCE_URL: v.SANDBOX_RESOURCE_URL!,
    OIDC_RESOURCE_SCOPE: v.SANDBOX_RESOURCE_SCOPE!,
    OIDC_AUTH_CLIENT_ID: v.SANDBOX_AUTH_CLIENT_ID!,
    OIDC_AUTH_CLIENT_SECRET: secrets.app,
    OIDC_REDIRECT_URI: v.SANDBOX_REDIRECT_URI!,
    OIDC_AUTH_SCOPE: 'openid offline_access',
    OIDC_CODE_STRATEGY: browser ? 'browser' : 'redirect',
    OIDC_USERNAME: v.SANDBOX_USERNAME ?? '',
    OIDC_PASSWORD: v.SANDBOX_PASSWORD ?? '',
    OIDC_DPOP: String(dpop),
  };
}

/**
 * A sandbox on the profile with canary secrets, and the generic suite for it: the same file, its variables prefixed
 * (P<n>_OIDC_ISSUER, …: no name that looks secret, so redaction goes by the suite's declarations) and its vendor named
 * for the profile. known() is what no output may hold, whichever profile it belongs to.
 */
async function serverFor(profile: string, index: number, dir: string, browser: boolean, dpop: boolean) {
  const secrets = { machine: canary(`${profile}-machine`), app: canary(`${profile}-app`), password: canary(`${profile}-password`) };
  const sandbox = await startSandbox({ profile, secrets, ...(browser && { login: 'interactive' as const }) });
  const prefix = `P${index}_`;
  const suite = join(dir, `generic-${profile}.yaml`);
  await writeFile(suite, GENERIC.replace('vendor: generic-oidc', `vendor: generic-${profile}`).replaceAll('OIDC_', `${prefix}OIDC_`));
  const env = Object.fromEntries(Object.entries(genericEnv(sandbox.variables, secrets, browser, dpop)).map(([name, value]) => [prefix + name, value]));
  const v = sandbox.variables;
  const known = () =>
    [
      secrets.machine,
      secrets.app,
      secrets.password,
      WRONG_SECRET,
      ...(v.SANDBOX_PASSWORD ? [v.SANDBOX_PASSWORD] : []),
      ...basics(v.SANDBOX_CLIENT_ID!, secrets.machine),
      ...basics(v.SANDBOX_AUTH_CLIENT_ID!, secrets.app),
      ...sandbox.issued(),
    ].map((secret) => ({ profile, secret }));
  return { sandbox, suite, env, known };
}

/** Whether a hit ("path: form") is a written form of the secret. */
function writtenIn(hit: string, secret: string): boolean {
  return writtenForms(secret).some((form) => hit.endsWith(`: ${form}`));
}

/** HTTP Basic credentials as a client may send them: id:secret, raw and form-encoded first (RFC 6749 §2.3.1). */
function basics(id: string, secret: string): string[] {
  return [`${id}:${secret}`, `${formEncode(id)}:${formEncode(secret)}`].map((pair) => Buffer.from(pair).toString('base64'));
}

describe('no canary secret, token or code in any output, on every hostile profile', () => {
  it('the scan finds a canary in each form, also inside base64 inside base64', () => {
    const secret = canary('planted');
    const echoed = Buffer.from(`grant_type=client_credentials&client_secret=${formEncode(secret)}`).toString('base64url');
    const attachment = Buffer.from(JSON.stringify({ error_description: `rejected body ${echoed}` })).toString('base64');
    const html = `<script>var a = "data:application/json;base64,${attachment}";</script>`;
    expect(leaks(withEmbedded([{ path: 'index.html', text: html }]), [secret])).toEqual([`index.html (base64 inside) (base64 inside): ${formEncode(secret)}`]);
    expect(leaks(withEmbedded([{ path: 'clean.html', text: html.replace(attachment, Buffer.from('{}').toString('base64')) }]), [secret])).toEqual([]);
  });

  it('every profile runs in one of the runs below', () => {
    const run = new Set(RUNS.flatMap((r) => r.profiles));
    expect(profiles.filter((p) => p.hostile && !run.has(p.name)).map((p) => p.name)).toEqual([]);
  });

  it.concurrent.for(RUNS.map((r) => [r.name, r] as const))(
    '%s',
    { timeout: 150_000 },
    async ([, { profiles: selected, html, timeout, browser = false, dpop = false, only }], ctx) => {
      if (browser && !chromium) ctx.skip('needs Chromium');
      const cwd = await tempDir();
      const servers = await Promise.all(selected.map((profile, i) => serverFor(profile, i, cwd, browser, dpop)));
      try {
        // Bounded: on the profiles that hang or drip, every request times out and the deadline ends the run.
        const args = ['run', ...servers.flatMap((s) => ['--suite', s.suite]), '--timeout', String(timeout), '--deadline', '90', '--results-budget', '1000'];
        args.push('--json', 'reports/results.json', ...(only ? ['--only', only] : []));
        const env = Object.assign({}, ...servers.map((s) => s.env)) as Record<string, string>;
        const run = await cli([...args, ...(html ? [] : ['--no-html'])], { cwd, env });
        expect(run.code, run.stdout + run.stderr).not.toBe(2);
        expect(run.stdout, 'every attachment is kept').not.toContain('--results-budget');
        const files = (await reportFiles(cwd)).filter((f) => !f.path.endsWith('.yaml'));
        const written = ['reports/junit.xml', 'reports/summary.md', 'reports/results.json', ...(html ? ['reports/html/index.html'] : [])];
        expect(files.map((f) => f.path.slice(cwd.length + 1))).toEqual(expect.arrayContaining(written));
        expect(files.filter((f) => f.path.endsWith('-result.json')).length, 'Allure results').toBeGreaterThan(servers.length);
        const json = JSON.parse(files.find((f) => f.path.endsWith('reports/results.json'))!.text) as ResultsFile;
        expect(schemaErrors('results', json)).toEqual([]);
        expect(json.results.length).toBeGreaterThan(servers.length);
        const outputs = withEmbedded([...files, { path: 'console', text: run.stdout + run.stderr }]);
        const known = servers.flatMap((s) => s.known());
        expect(
          leaks(
            outputs,
            known.map((k) => k.secret),
          ).map((hit) => `${known.find((k) => writtenIn(hit, k.secret))?.profile ?? '?'}: ${hit}`),
        ).toEqual([]);
        expect(outputs.filter(({ text }) => JWT.test(text)).map(({ path }) => path)).toEqual([]);
      } finally {
        await Promise.all(servers.map((s) => s.sandbox.close()));
      }
    },
  );
});
