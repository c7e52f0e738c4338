import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { consoleSummary, markdownSummary } from '../src/report/summary.js';
import type { CheckResult } from '../src/results.js';
import { join } from 'node:path';
import { startSuites } from '../src/engine/evaluate.js';
import { planChecks } from '../src/engine/plan.js';
import { resolveSuite } from '../src/suite/load.js';
import { NotApplicable } from '../src/flows/blocked.js';
import { FLOWS } from '../src/flows/flow-keys.js';
import { resourceUrl } from '../src/flows/resources.js';
import { SuiteRun } from '../src/flows/suite-run.js';
import { defaultHttpOptions } from '../src/http/client.js';
import type { HttpResult } from '../src/http/request.js';
import { parseSuite, readSuite } from '../src/suite/read.js';
import { root, runLocalSuite } from './helpers.js';
import { checkResult } from './check-result.js';

const started: Sandbox[] = [];
afterAll(() => Promise.all(started.map((s) => s.close())));

async function run(profile: string, ...rest: Parameters<typeof runLocalSuite> extends [unknown, ...infer R] ? R : never) {
  const sandbox = await startSandbox({ profile });
  started.push(sandbox);
  return runLocalSuite(sandbox, ...rest);
}

function statusOf(results: Awaited<ReturnType<typeof run>>, id: string) {
  return [...new Set(results.filter((r) => r.id === id).map((r) => r.outcome.status))];
}

describe.concurrent('requirement levels, deviations and long mode', () => {
  it('a broken SHOULD rule warns, and --strict makes it a failure', async () => {
    expect(statusOf(await run('token-no-pragma'), 'token-response.pragma')).toContain('warn');
    const strict = await run('token-no-pragma', { strict: true });
    expect(statusOf(strict, 'token-response.pragma')).toContain('fail');
    expect(strict.filter((r) => r.outcome.status === 'warn')).toEqual([]);
  });

  it('a declared deviation is reported as one, with its reason', async () => {
    const results = await run('issuer-mismatch', { only: ['discovery'] }, { 'discovery.issuer-match': 'documented trailing slash' });
    const [result] = results.filter((r) => r.id === 'discovery.issuer-match');
    expect(result?.outcome).toMatchObject({ status: 'deviation', deviation: 'documented trailing slash' });
    expect(result?.outcome.expected).toBeDefined();
  });

  it('a declared deviation the vendor no longer shows passes and says so', async () => {
    const results = await run('conformant', { only: ['discovery'] }, { 'discovery.issuer-match': 'documented trailing slash' });
    expect(results.find((r) => r.id === 'discovery.issuer-match')?.outcome).toMatchObject({ status: 'pass', deviation: 'documented trailing slash' });
  });

  it('a deviation declared for some versions says which the vendor showed, and a conforming one is not stale', async () => {
    const declared = { 'discovery.issuer-match': { reason: 'documented trailing slash', versions: 'before 2.0' } };
    const [deviating, conforming] = await Promise.all([
      run('issuer-mismatch', { only: ['discovery'] }, declared),
      run('conformant', { only: ['discovery'] }, declared),
    ]);
    expect(deviating.find((r) => r.id === 'discovery.issuer-match')?.outcome).toMatchObject({
      status: 'deviation',
      deviation: 'before 2.0: documented trailing slash',
    });
    const passed = conforming.find((r) => r.id === 'discovery.issuer-match')?.outcome;
    expect(passed).toMatchObject({ status: 'pass', message: expect.stringContaining('not one of the versions that deviate, before 2.0') });
    expect(passed).not.toHaveProperty('deviation');
  });

  it('long checks are skipped without --long, with how to run them', async () => {
    const results = await run('short-lived', { only: ['lifetime'] });
    for (const id of ['lifetime.expiry-enforced', 'lifetime.code-expiry']) {
      // Parts whose variables this profile does not provide (the mtls client's) are skipped for that instead.
      const outcomes = results.filter((r) => r.id === id && !r.outcome.message.endsWith(' not set')).map((r) => r.outcome);
      expect(outcomes.length).toBeGreaterThan(0);
      for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'skipped', message: expect.stringContaining('--long') });
    }
  });
});

describe('requests a run makes', () => {
  it('memoises flows: one discovery and JWKS fetch, each token request needed once, and a critical path of 7', async () => {
    const sandbox = await startSandbox();
    started.push(sandbox);
    const suite = resolveSuite(await readSuite(join(root, 'suites/local.yaml')), sandbox.variables);
    const [run] = startSuites([suite]);
    await Promise.all(run!.checks.map((c) => c.outcome));
    const exchanges = run!.run.recorder.exchanges;
    expect(exchanges.filter((e) => e.label === 'discovery')).toHaveLength(1);
    expect(exchanges.filter((e) => e.label === 'jwks')).toHaveLength(1);
    const tokens = exchanges.filter((e) => e.label.startsWith('token ('));
    expect(new Set(tokens.map((e) => e.label)).size).toBe(tokens.length);
    // discovery, three authorization hops, the code redemption, then two dependent probes.
    expect(Math.max(...exchanges.map((e) => e.depth ?? 0))).toBe(7);
    expect(exchanges.find((e) => e.label === 'discovery')?.depth).toBe(1);
  });
});

describe('a resource named by a metadata endpoint', () => {
  const text =
    'vendor: acme\ndiscovery: { issuer: https://id.example }\nclients: { c: { id: x } }\ngrants:\n  g: { type: client_credentials, client: c }\nresources:\n  - { name: me, endpoint: userinfo_endpoint, grant: g }\n';
  const suite = resolveSuite(parseSuite('acme.yaml', text), {});
  const resource = suite.resources![0]!;
  // The discovery document, as if fetched.
  const runWith = (document: Record<string, unknown>) => {
    const run = new SuiteRun(suite, { http: defaultHttpOptions, long: false });
    void run.memo.once(FLOWS.discovery, () =>
      Promise.resolve({
        exchange: {} as HttpResult['exchange'],
        response: { status: 200, headers: {}, setCookies: [], body: JSON.stringify(document) },
      }),
    );
    return run;
  };

  it('is called at the URL the discovery document gives', async () => {
    expect(await resourceUrl(runWith({ userinfo_endpoint: 'https://id.example/me' }), resource)).toBe('https://id.example/me');
  });

  it('does not apply where the document has no such endpoint', async () => {
    await expect(resourceUrl(runWith({}), resource)).rejects.toEqual(new NotApplicable('the discovery document has no userinfo_endpoint'));
  });
});

describe('what a check requires decides whether it applies, before it runs', () => {
  const suiteOf = (grant: string, expect = '') =>
    resolveSuite(
      parseSuite(
        'acme.yaml',
        `vendor: acme\ndiscovery: { issuer: https://id.example }\nclients: { c: { id: x, secret: s } }\ngrants:\n  g: ${grant}\n${expect}`,
      ),
      {},
    );
  const code = '{ type: authorization_code, client: c, redirect_uri: https://app.example/cb, scope: openid, code: { strategy: redirect } }';
  const skips = (suite: ReturnType<typeof suiteOf>, long = false) => Object.fromEntries(planChecks(suite, [], { long }).map((i) => [i.check.id, i.skip]));

  it('skips a check whose expectation the suite does not declare, and runs it where it does', () => {
    expect(skips(suiteOf(code))['refresh.rotation']).toBe('the suite does not declare expect.refresh.rotates');
    expect(skips(suiteOf(code, 'expect: { refresh: { rotates: true } }\n'))['refresh.rotation']).toBeUndefined();
  });

  it('skips what waits out a lifetime unless --long', () => {
    const suite = suiteOf(code, 'expect: { lifetimes: { code: 60 } }\n');
    expect(skips(suite)['lifetime.code-expiry']).toBe('waits out a lifetime: run with --long');
    expect(skips(suite, true)['lifetime.code-expiry']).toBeUndefined();
  });

  it('skips what the grant does not do, and plans grant checks only on the grant types they require', () => {
    const withoutPkce = skips(suiteOf(code.replace('code: {', 'pkce: none, code: {')));
    expect(withoutPkce['pkce.verifier-mismatch']).toBe('grant g does not use PKCE');
    expect(skips(suiteOf(code))['pkce.verifier-mismatch']).toBeUndefined();
    const machine = suiteOf('{ type: client_credentials, client: c }');
    expect(Object.keys(skips(machine))).not.toContain('refresh.works');
    expect(skips(machine)['discovery.pkce-s256']).toBe('the suite uses no authorization_code grant');
  });
});

describe('console summary', () => {
  const result = (status: CheckResult['status'], checkId: string) => checkResult(status, checkId, { message: `${checkId} message` });

  it('names the broken rule first, then warnings, then what could not run', () => {
    const text = consoleSummary([
      result('pass', 'discovery.a'),
      result('blocked', 'discovery.b'),
      result('warn', 'discovery.c'),
      result('fail', 'discovery.d'),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Broken rules (MUST):');
    expect(lines[1]).toContain('discovery.d');
    expect(text.indexOf('Warnings (SHOULD):')).toBeLessThan(text.indexOf('Could not run:'));
    expect(lines.at(-1)).toBe('1 passed, 1 failed, 1 warnings, 0 known deviations, 1 could not run, 0 skipped');
  });

  describe('summary.md, the verdict first', () => {
    const of = (vendor: string, status: CheckResult['status'], checkId: string, more: Partial<CheckResult> = {}) => ({
      ...result(status, checkId),
      vendor,
      ...more,
    });
    const results = [
      of('acme', 'pass', 'discovery.a'),
      of('acme', 'fail', 'discovery.issuer-match', { expected: '"https://id.acme.example"', actual: '"https://id.acme.example/"' }),
      of('acme', 'deviation', 'refresh.rotation', { deviation: 'acme keeps refresh tokens (docs: Tokens)' }),
      of('acme', 'skipped', 'lifetime.code-expiry', { message: 'waits out a lifetime: run with --long' }),
      of('medplum', 'pass', 'discovery.a'),
      of('medplum', 'warn', 'discovery.b'),
      of('bwell', 'pass', 'discovery.a'),
    ];
    const context = { startedAt: Date.UTC(2026, 11, 7, 9, 30), durationMs: 4200, targets: { medplum: 'medplum emulator' } };
    const summary = markdownSummary(results, context);
    const lines = summary.split('\n');

    it("opens with each vendor's verdict, what it ran against, the date and the duration", () => {
      expect(lines[0]).toBe('❌ **acme**: 1 broken · ⚠️ **medplum** (medplum emulator): 1 warnings · ✅ **bwell**: 1 passed — 2026-12-07 09:30 UTC, 4.2 s');
    });

    it('shows which vendor broke which rule, with expected and actual, within the first five lines', () => {
      expect(lines.slice(0, 5).join('\n')).toMatch(/^- \*\*acme\*\* `discovery\.issuer-match`: /m);
      expect(lines.slice(0, 8).join('\n')).toContain('  - expected: \\"https\\:\\/\\/id\\.acme\\.example\\"');
    });

    it('gives warnings, then deviations with their declared reasons; folds why checks were skipped and the counts', () => {
      expect(summary.indexOf('## Warnings (SHOULD)')).toBeGreaterThan(summary.indexOf('## Broken rules (MUST)'));
      expect(summary).toMatch(
        /## Known deviations\n\n- \*\*acme\*\* `refresh\.rotation`[^\n]*\n {2}- declared: acme keeps refresh tokens \\\(docs\\: Tokens\\\)/,
      );
      expect(summary).toMatch(/<details><summary>Skipped: 1 checks did not apply, and why<\/summary>\n\n- \*\*acme\*\*: waits out a lifetime/);
      expect(summary.indexOf('<details><summary>Counts per area</summary>')).toBeGreaterThan(summary.indexOf('Skipped: 1'));
      expect(summary.indexOf('| vendor | area |')).toBeGreaterThan(summary.indexOf('Counts per area'));
    });

    it("a green vendor's known deviations are said beside its passes", () => {
      const green = markdownSummary([of('acme', 'pass', 'discovery.a'), of('acme', 'deviation', 'refresh.rotation', { deviation: 'documented' })], context);
      expect(green.split('\n')[0]).toBe('✅ **acme**: 1 passed, 1 known deviations — 2026-12-07 09:30 UTC, 4.2 s');
    });

    it('a run whose every check passed says so on its first line, and nothing else is open', () => {
      const clean = markdownSummary([of('acme', 'pass', 'discovery.a')], { ...context, targets: {} });
      expect(clean.split('\n')[0]).toBe('✅ **acme**: 1 passed — 2026-12-07 09:30 UTC, 4.2 s');
      expect(clean).not.toContain('## ');
    });
  });
});
