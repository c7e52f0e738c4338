import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { profiles, startSandbox } from '../sandbox/index.js';
import { findChromium } from '../src/browser/chromium.js';
import { WRONG_SECRET } from '../src/checks/error-response/probes.js';
import { formEncode } from '../src/secrets.js';
import { cli, JWT, reportFiles, tempDir } from './helpers.js';
import { leaks, withEmbedded } from './leak-forms.js';

/**
 * The promise of the README's Secrets section, against servers that try to break it: the generic suite, configured by
 * variables only, runs against the sandbox on every hostile profile (and the conformant one) with canary secrets. Every file the run wrote and its
 * console are scanned for the secrets, the password, the Basic credentials, and every token, code and session cookie
 * the sandbox issued, in every form a server or a report may write them in, also inside base64 (the HTML report
 * embeds its attachments so, and servers echo encoded bodies).
 */

// Characters that every encoding writes differently: a leak in any one form shows.
const canary = (name: string) => `canary-${name}-${randomBytes(12).toString('base64url')}/"<&>+ x`;

// Profiles whose hostility is in the sign-in page or what the browser is sent to: the browser strategy logs in there.
const SIGN_IN = new Set(['echo-password', 'file-authorization-endpoint']);
// Profiles that break rules, whose failures quote more of what was exchanged: test/reliability.test.ts.
const selected = ['conformant', ...profiles.filter((p) => p.hostile).map((p) => p.name)];
/**
 * Profiles whose run also builds the HTML report, which embeds the results (scanned on every profile) as base64: the
 * full run, the server that echoes every credential into what the report embeds, the login page whose screenshots
 * and text it embeds, and the server text aimed at renderers. The other profiles add nothing to those results that
 * the report could show differently; gzip-bomb and huge-body build it in test/reliability.test.ts.
 */
const WITH_HTML = new Set(['conformant', 'echo-credentials', 'echo-password', 'injected-text']);
// Profiles that only make the client wait (never an answer, late answers, a drip): a short --timeout exercises them as well.
const WAITING = new Set(['hang', 'slow', 'slow-drip']);
const chromium = findChromium();

/** The generic suite's variables for a sandbox: both clients, the resource, and a login with the browser or without. */
function genericEnv(v: Record<string, string>, secrets: { machine: string; app: string }, browser: boolean) {
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
  };
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

  it.concurrent.for(selected)('%s', { timeout: 120_000 }, async (profile, ctx) => {
    const browser = SIGN_IN.has(profile);
    if (browser && !chromium) ctx.skip('needs Chromium');
    const secrets = { machine: canary('machine'), app: canary('app'), password: canary('password') };
    const sandbox = await startSandbox({ profile, secrets, ...(browser && { login: 'interactive' as const }) });
    const cwd = await tempDir();
    try {
      const v = sandbox.variables;
      const html = WITH_HTML.has(profile);
      // Bounded: on the profiles that hang or drip, every request times out and the deadline ends the run.
      const bounds = ['--timeout', WAITING.has(profile) ? '1000' : '3000', '--deadline', '40'];
      const run = await cli(['run', '--suite', 'generic-oidc', ...bounds, ...(html ? [] : ['--no-html'])], { cwd, env: genericEnv(v, secrets, browser) });
      expect(run.code, run.stdout + run.stderr).not.toBe(2);
      const files = await reportFiles(cwd);
      const written = ['reports/junit.xml', 'reports/summary.md', ...(html ? ['reports/html/index.html'] : [])];
      expect(files.map((f) => f.path.slice(cwd.length + 1))).toEqual(expect.arrayContaining(written));
      expect(files.filter((f) => f.path.endsWith('-result.json')).length, 'Allure results').toBeGreaterThan(0);
      const known = [
        secrets.machine, secrets.app, secrets.password, WRONG_SECRET, ...(v.SANDBOX_PASSWORD ? [v.SANDBOX_PASSWORD] : []),
        ...basics(v.SANDBOX_CLIENT_ID!, secrets.machine), ...basics(v.SANDBOX_AUTH_CLIENT_ID!, secrets.app),
        ...sandbox.issued(),
      ];
      const outputs = withEmbedded([...files, { path: 'console', text: run.stdout + run.stderr }]);
      expect(leaks(outputs, known)).toEqual([]);
      expect(outputs.filter(({ text }) => JWT.test(text)).map(({ path }) => path)).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});
