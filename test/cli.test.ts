import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, lstat, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { catalogue } from '../src/checks/catalogue.js';
import { describeRequirements } from '../src/checks/requirements.js';
import { AREAS } from '../src/checks/types.js';
import { failureText } from '../src/report/results.js';
import type { Suite } from '../src/suite/suite.types.js';
import {
  CLEAR_CREDENTIAL,
  cli,
  cliProcess,
  genericVariables,
  JWT,
  reportArgs,
  reportFiles,
  root,
  runSuite,
  said,
  sandboxSecrets,
  serveCli,
  targets,
  tempDir,
  type CliResult,
} from './helpers.js';
import { leaks } from './leak-forms.js';
import { mainSays } from './main-in-process.js';
import { startMinimalProvider } from './fixtures/minimal-provider.js';

const exec = promisify(execFile);

async function allureResults(dir: string) {
  const files = (await readdir(dir)).filter((f) => f.endsWith('-result.json'));
  return Promise.all(
    files.map(
      async (f) =>
        JSON.parse(await readFile(join(dir, f), 'utf8')) as {
          name: string;
          fullName: string;
          status: string;
          start: number;
          stop: number;
          statusDetails?: { message?: string };
          historyId: string;
          testCaseId: string;
          parameters: Array<{ name: string; value: string }>;
          labels: Array<{ name: string; value: string }>;
          links: Array<{ url: string }>;
          steps: Array<{ attachments: unknown[] }>;
        },
    ),
  );
}

function label(result: { labels: Array<{ name: string; value: string }> }, name: string) {
  return result.labels.find((l) => l.name === name)?.value;
}

/** "check-id [subject]", as test names begin. */
const nameOf = (r: { id: string; subject: string }) => `${r.id}${r.subject ? ` [${r.subject}]` : ''}`;

const VENDORS = ['1uphealth', 'bwell', 'local', 'medplum', 'smart-backend'];

describe('conformance run with no configuration: the sandbox and every vendor emulator', () => {
  let run: Awaited<ReturnType<typeof cli>>;
  let out: Awaited<ReturnType<typeof reportArgs>>['paths'];
  const secrets = sandboxSecrets();

  beforeAll(async () => {
    const { paths, args } = await reportArgs();
    out = paths;
    run = await cli(['run', ...args], { env: secrets.env });
  });

  it('exits 0 and prints a summary', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Running 1uphealth \(oneup emulator\), bwell \(bwell emulator\), local \(embedded sandbox\), medplum \(medplum emulator\), smart-backend \(embedded sandbox\)$/m,
    );
    expect(run.stdout).toMatch(/^local\s+\d+ passed, \d+ skipped$/m);
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed, 0 warnings, \d+ known deviations, 0 could not run, \d+ skipped$/m);
  });

  it('writes JUnit with check-id test names and vendor.area classnames', async () => {
    const xml = await readFile(out.junit, 'utf8');
    const cases = [...xml.matchAll(/<testcase name="([^"]+)" classname="([^"]+)"/g)];
    expect(cases.length).toBeGreaterThanOrEqual(catalogue.length);
    for (const [, name, classname] of cases) {
      const id = name!.split(/[ :]/)[0]!;
      const check = catalogue.find((c) => c.id === id);
      expect(check, name).toBeDefined();
      expect(classname).toMatch(new RegExp(`^(${VENDORS.join('|')})\\.${check!.area}$`));
    }
    expect(new Set(cases.map(([, , classname]) => classname!.split('.')[0]))).toEqual(new Set(VENDORS));
    expect(xml).not.toContain('<failure');
  });

  it('labels every Allure result (epic vendor, feature area, story check, a tag and link per citation, severity by level) and attaches the exchanges it judged', async () => {
    const results = await allureResults(out.results);
    expect(results.length).toBeGreaterThanOrEqual(catalogue.length);
    for (const result of results) {
      const check = catalogue.find((c) => c.id === label(result, 'story'));
      expect(check, result.name).toBeDefined();
      // Named with its vendor, as the Categories view lists tests by name alone.
      expect(result.name.startsWith(`${label(result, 'epic')} · ${check!.id}`), result.name).toBe(true);
      expect(VENDORS).toContain(label(result, 'epic'));
      expect(label(result, 'feature')).toBe(check!.area);
      expect(AREAS).toContain(label(result, 'feature'));
      expect(result.labels.filter((l) => l.name === 'tag').map((l) => l.value)).toEqual(check!.spec.map((s) => s.ref));
      expect(result.links.map((l) => l.url)).toEqual(expect.arrayContaining(check!.spec.map((s) => s.url)));
      expect(label(result, 'severity')).toBe(check!.level === 'MUST' ? 'critical' : 'normal');
      // A known deviation is a failure the run accepts (the report marks it so), never a pass or a skip. Medplum's
      // parallel redemption is a race the vendor loses 9 times in 10: a run may find it conforming this time.
      expect(label(result, 'outcome')).toMatch({ passed: /^(pass|deviation-resolved)$/, failed: /^deviation$/, skipped: /^skipped$/ }[result.status]!);
      // Named for what it tested, not for the runner's file; timed by the requests it judged, within the run.
      expect(result.fullName).toBe(`${label(result, 'epic')} › ${check!.area} › ${result.name.slice(result.name.indexOf(' · ') + 3)}`);
      expect(result.stop - result.start, result.name).toBeGreaterThanOrEqual(0);
      expect(result.start).toBeGreaterThanOrEqual(run.startedAt);
      expect(result.stop).toBeLessThanOrEqual(run.endedAt);
      if (result.status === 'passed') expect(result.steps.flatMap((s) => s.attachments).length).toBeGreaterThan(0);
      // Its identity in the trend is what was tested, whatever the titles or where the runner's files are.
      const subject = result.parameters[0]?.value ?? '';
      const identity = createHash('sha256')
        .update(`${label(result, 'epic')}\n${check!.id}\n${subject}`)
        .digest('hex')
        .slice(0, 32);
      expect([result.historyId, result.testCaseId], result.name).toEqual([identity, identity]);
      // A skipped test says why, so the report groups known deviations under their reasons.
      if (label(result, 'outcome') === 'deviation') expect(result.statusDetails?.message, result.name).toMatch(/^known deviation: \S/);
      else if (result.status === 'skipped') expect(result.statusDetails?.message, result.name).toMatch(/\S/);
    }
    expect(results.some((r) => label(r, 'outcome') === 'deviation')).toBe(true);
    // A token request over loopback takes a few milliseconds: checks that judged requests have a time.
    expect(results.filter((r) => r.stop > r.start).length).toBeGreaterThan(results.filter((r) => r.status === 'passed').length / 2);
  });

  it('has one epic per vendor', async () => {
    expect(new Set((await allureResults(out.results)).map((r) => label(r, 'epic')))).toEqual(new Set(VENDORS));
  });

  it('writes the HTML report and the markdown summary', async () => {
    expect(existsSync(join(out.html, 'index.html'))).toBe(true);
    const summary = await readFile(out.summary, 'utf8');
    expect(summary).toContain('| vendor | area | passed | failed | warnings | known deviations | could not run | skipped |');
    expect(summary).toMatch(/\| local \| discovery \| 10 \| 0 \| 0 \| 0 \| 0 \| 0 \|/);
  });

  it('leaves no token, code or credential in any report file or console line', async () => {
    const files = await reportFiles(out.dir);
    expect(files.length).toBeGreaterThan(catalogue.length);
    for (const { path, text } of [...files, { path: 'stdout', text: run.stdout }]) {
      expect(JWT.test(text), path).toBe(false);
      expect(CLEAR_CREDENTIAL.exec(text)?.[0], path).toBeUndefined();
    }
    expect(leaks([...files, { path: 'console', text: run.stdout + run.stderr }], secrets.forms)).toEqual([]);
  });
});

describe.concurrent('the generic suite pointed at another provider by environment variables', () => {
  const secret = randomBytes(24).toString('base64url');
  let provider: Awaited<ReturnType<typeof startMinimalProvider>>;
  const env = () => genericVariables(provider, secret);

  beforeAll(async () => {
    provider = await startMinimalProvider(secret);
  });
  afterAll(() => provider.close());

  // Outcomes, in-process (what a run writes of this suite, scanned for its secrets: test/canaries.test.ts; the variables
  // read from the environment by the CLI: the unreachable provider below).
  it('runs per check with no false failures, and reports unconfigured parts as skipped', async () => {
    const results = await runSuite('suites/generic-oidc.yaml', { variables: env() });
    const of = (name: string) => results.find((r) => nameOf(r) === name)?.outcome;
    // Its one finding is real: oidc-provider refuses a grant type the client is not registered for as
    // invalid_request, where RFC 6749 §5.2 names unauthorized_client (and rules out invalid_request for grant types).
    expect(results.filter((r) => ['fail', 'blocked', 'deviation'].includes(r.outcome.status)).map(nameOf)).toEqual(['error-response.code-for-case']);
    const finding = results.find((r) => r.id === 'error-response.code-for-case')!.result;
    expect(finding).toMatchObject({ status: 'fail', spec: [{ ref: 'RFC 6749 §5.2' }, { ref: 'RFC 7636 §4.6' }] });
    expect(failureText(finding)).toContain('unauthorized_client');
    expect(of('token-response.schema [system]')?.status).toBe('pass');
    expect(of('token-response.id-token-nonce [user]')?.status).toBe('pass');
    expect(of('resource-access.bearer-accepted [resource]')).toMatchObject({ status: 'skipped', message: 'OIDC_RESOURCE_URL is not set' });
    // A provider without revocation or introspection says so in its metadata: those areas are skipped with the reason.
    expect(of('revocation.unknown-token-200 [system]')).toMatchObject({ status: 'skipped', message: 'the discovery document has no revocation_endpoint' });
    expect(of('introspection.active [user]')).toMatchObject({ status: 'skipped', message: 'the discovery document has no introspection_endpoint' });
    expect(of('userinfo.sub-matches [user]')?.status).toBe('pass');
  });

  it('reports an unreachable provider as a clear failure, not a stack trace', async () => {
    const down = await startMinimalProvider(secret);
    await down.close();
    const { paths, args } = await reportArgs();
    const run = await cli(['run', '--suite', 'generic-oidc', '--no-html', ...args], { env: { ...env(), OIDC_ISSUER: down.issuer } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`discovery.reachable: the metadata document answers 200 OK`);
    expect(run.stdout).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration: connection refused/);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(paths.junit, 'utf8')).toContain('cannot reach');
  });
});

/**
 * Check outcomes, in-process: what every file and console line of such a run holds, secrets included, is proven on the
 * same suite configured in full by test/canaries.test.ts.
 */
describe.concurrent('the generic suite against an independent provider configured in full, OIDC_AUTH_SCOPE="openid offline_access"', () => {
  const secret = randomBytes(24).toString('base64url');

  // oidc-provider revokes opaque tokens only: tampered tokens are tried on JWTs, revocation on opaque ones.
  it.each([
    ['jwt', 'resource-access.tampered-jwt-refused [resource]'],
    ['opaque', 'revocation.access-token-refused [resource]'],
  ] as const)('machine tokens %s: exercises refresh, userinfo, and %s, all green', async (machineTokens, exercised) => {
    const provider = await startMinimalProvider(secret, { full: { machineTokens } });
    try {
      const results = await runSuite('suites/generic-oidc.yaml', {
        variables: {
          OIDC_ISSUER: provider.issuer,
          OIDC_CLIENT_ID: 'plain-client',
          OIDC_CLIENT_SECRET: secret,
          OIDC_SCOPE: provider.resourceScope!,
          OIDC_RESOURCE_URL: provider.resourceUrl!,
          OIDC_RESOURCE_SCOPE: provider.resourceScope!,
          OIDC_AUTH_CLIENT_ID: 'plain-app',
          OIDC_AUTH_CLIENT_SECRET: secret,
          OIDC_REDIRECT_URI: provider.redirectUri,
          OIDC_AUTH_SCOPE: 'openid offline_access',
        },
      });
      const show = results.map((r) => `${nameOf(r)}: ${r.outcome.status} ${r.outcome.message}`).join('\n');
      for (const id of [
        'refresh.works [user]',
        'refresh.wider-scope-refused [user]',
        'revocation.refresh-token-refused [user]',
        'revocation.access-token-refused [userinfo]',
        exercised,
      ]) {
        expect(results.find((r) => nameOf(r) === id)?.outcome.status, `${id}\n${show}`).toBe('pass');
      }
      // Every check of the token-management areas passes on some grant or resource (expiry waits for --long).
      const passed = new Set(results.filter((r) => r.outcome.status === 'pass').map((r) => r.id));
      const endpointChecks = catalogue.filter((c) => ['revocation', 'introspection', 'userinfo'].includes(c.area) && !c.requires?.long);
      expect(
        endpointChecks.map((c) => c.id).filter((id) => !passed.has(id)),
        show,
      ).toEqual([]);
      // The one finding, as on the bare provider: invalid_request for a grant type the client may not use.
      expect(
        results.filter((r) => r.outcome.status === 'fail' || r.outcome.status === 'blocked').map((r) => r.id),
        show,
      ).toEqual(['error-response.code-for-case']);
    } finally {
      await provider.close();
    }
  });
});

describe.concurrent('the generic suite against the full sandbox, every part configured', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  const env = (v: Record<string, string>) => ({
    OIDC_ISSUER: v.SANDBOX_ISSUER!,
    OIDC_CLIENT_ID: v.SANDBOX_CLIENT_ID!,
    OIDC_CLIENT_SECRET: v.SANDBOX_CLIENT_SECRET!,
    OIDC_SCOPE: v.SANDBOX_SCOPE!,
    OIDC_RESOURCE_URL: v.SANDBOX_RESOURCE_URL!,
    OIDC_RESOURCE_SCOPE: v.SANDBOX_RESOURCE_SCOPE!,
    OIDC_AUTH_CLIENT_ID: v.SANDBOX_AUTH_CLIENT_ID!,
    OIDC_AUTH_CLIENT_SECRET: v.SANDBOX_AUTH_CLIENT_SECRET!,
    OIDC_REDIRECT_URI: v.SANDBOX_REDIRECT_URI!,
    OIDC_CODE_STRATEGY: 'redirect',
  });

  it('with wrong secrets: exit 1, no violation, and the refused credentials named first', async () => {
    const { args } = await reportArgs();
    const run = await cli(['run', '--suite', 'generic-oidc', '--no-html', ...args], {
      env: { ...env(sandbox.variables), OIDC_CLIENT_SECRET: 'conformance-wrong-1', OIDC_AUTH_CLIENT_SECRET: 'conformance-wrong-2' },
    });
    expect(run.code, run.stdout).toBe(1);
    const [header, ...refused] = run.stdout.split('\n').slice(2, 5);
    expect(header, run.stdout).toMatch(/^Refused credentials/);
    expect(refused.join('\n')).toMatch(/OIDC_CLIENT_SECRET is refused: invalid_client/);
    expect(refused.join('\n')).toMatch(/OIDC_AUTH_CLIENT_SECRET is refused: invalid_client/);
    expect(run.stdout).not.toMatch(/Broken rules|Warnings/);
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed, 0 warnings, 0 known deviations, [1-9]\d* could not run, \d+ skipped$/m);
  });

  // In-process: the reports of this run, scanned for both secrets, every token and code, in every form: test/canaries.test.ts.
  it('passes every check', async () => {
    const results = await runSuite('suites/generic-oidc.yaml', { variables: env(sandbox.variables) });
    expect(
      results.filter((r) => r.outcome.status !== 'pass' && r.outcome.status !== 'skipped').map((r) => `${nameOf(r)}: ${r.outcome.status} ${r.outcome.message}`),
    ).toEqual([]);
    // Passed, not skipped: revocation of both grants' tokens, and the user's token at the discovered userinfo_endpoint.
    for (const id of [
      'revocation.access-token-refused [resource]',
      'revocation.access-token-refused [userinfo]',
      'resource-access.scheme-case-insensitive [userinfo]',
      'authorization-code.replay-revokes-tokens [user]',
    ]) {
      expect(results.find((r) => nameOf(r) === id)?.outcome.status, id).toBe('pass');
    }
  });
});

describe.concurrent('conformance init', () => {
  it('writes a starter suite from the running sandbox that then runs green', async () => {
    const sandbox = await startSandbox();
    try {
      const dir = await tempDir();
      const out = join(dir, 'acme.yaml');
      const v = sandbox.variables;
      const init = await cli(['init', '--discovery', v.SANDBOX_DISCOVERY_URL!, '--vendor', 'acme', '--out', out]);
      expect(init.code, said(init)).toBe(0);
      expect(init.stdout).not.toContain('Left out');
      const text = await readFile(out, 'utf8');
      expect(text).toMatch(/^# yaml-language-server: \$schema=/);
      expect(text).toContain(`#   token_endpoint: ${sandbox.issuer}/token\n`);
      expect(text).toContain(`  ACME_ISSUER: { description: 'the issuer, exactly as the metadata states it', default: ${sandbox.issuer} }\n`);
      expect(text).toContain('discovery:\n  issuer: ${ACME_ISSUER}\nclients:\n');
      expect(text).toContain('type: client_credentials');
      expect(text).toContain('pkce: S256');
      const env = {
        ACME_CLIENT_ID: v.SANDBOX_CLIENT_ID!,
        ACME_CLIENT_SECRET: v.SANDBOX_CLIENT_SECRET!,
        ACME_SCOPE: v.SANDBOX_SCOPE!,
        ACME_AUTH_CLIENT_ID: v.SANDBOX_AUTH_CLIENT_ID!,
        ACME_AUTH_CLIENT_SECRET: v.SANDBOX_AUTH_CLIENT_SECRET!,
        ACME_REDIRECT_URI: v.SANDBOX_REDIRECT_URI!,
      };
      const validate = await cli(['validate', '--suite', out], { env });
      expect(validate.code, said(validate)).toBe(0);
      expect(validate.stdout).toMatch(/acme\.yaml: valid\n/);
      // Its checks, in-process: what validate read, a run runs.
      const results = await runSuite(out, { variables: env });
      expect(results.filter((r) => r.outcome.status === 'pass').length).toBeGreaterThan(0);
      expect(
        results
          .filter((r) => r.outcome.status !== 'pass' && r.outcome.status !== 'skipped')
          .map((r) => `${nameOf(r)}: ${r.outcome.status} ${r.outcome.message}`),
      ).toEqual([]);
      expect((await cli(['init', '--discovery', v.SANDBOX_DISCOVERY_URL!, '--out', out])).code).toBe(2);
    } finally {
      await sandbox.close();
    }
  });

  it('against a discovery document built to inject YAML and ${VARIABLE} references: a suite of what init declares only', async () => {
    const sandbox = await startSandbox({ profile: 'init-injection' });
    try {
      const out = join(await tempDir(), 'acme.yaml');
      const init = await cli(['init', '--discovery', sandbox.variables.SANDBOX_DISCOVERY_URL!, '--vendor', 'acme', '--out', out]);
      expect(init.code, said(init)).toBe(0);
      expect(init.stdout).toContain(
        "Left out, as the document's value is not what the member holds: issuer (not an http(s) URL); end_session_endpoint (not an http(s) URL); " +
          'userinfo_endpoint (not an http(s) URL); revocation_endpoint (not an http(s) URL); 1 value of grant_types_supported (not a word); 1 value of code_challenge_methods_supported (not a word).',
      );
      const text = await readFile(out, 'utf8');
      // Every ${…} in the file is one of init's own references; none of the server's text is there.
      expect(text.match(/\$\{[^}\n]*\}?/g)?.filter((reference) => !/^\$\{ACME_[A-Z_]+\}$/.test(reference))).toEqual([]);
      for (const injected of ['HOME', 'injected', 'javascript:', '127.0.0.1:1/', 'SCOPE: {}']) expect(text).not.toContain(injected);
      const suite = parse(text) as Suite;
      expect(Object.keys(suite)).toEqual(['vendor', 'title', 'variables', 'discovery', 'clients', 'grants']);
      expect(Object.keys(suite.variables!)).toEqual([
        'ACME_ISSUER',
        'ACME_CLIENT_ID',
        'ACME_CLIENT_SECRET',
        'ACME_SCOPE',
        'ACME_AUTH_CLIENT_ID',
        'ACME_AUTH_CLIENT_SECRET',
        'ACME_REDIRECT_URI',
      ]);
      expect(suite.variables!.ACME_ISSUER!.default).toBe('');
      // The endpoints that are http(s) URLs are still listed.
      expect(text).toContain(`#   token_endpoint: ${sandbox.issuer}/token\n`);
    } finally {
      await sandbox.close();
    }
  });

  it('refuses a --discovery that is not an http(s) URL', async () => {
    const init = await cli(['init', '--discovery', 'file:///etc/passwd', '--out', join(await tempDir(), 'x.yaml')]);
    expect(init.code).toBe(2);
    expect(init.stderr).toContain('--discovery file:///etc/passwd is not an http(s) URL');
  });
});

describe('--verbose', () => {
  it('prints each request and its answer as it happens, and no secret, token or code', async () => {
    const secrets = sandboxSecrets();
    const { args } = await reportArgs();
    const run = await cli(['run', 'local', '--only', 'authorization-code,token-response', '--no-html', '--verbose', ...args], { env: secrets.env });
    expect(run.code, said(run)).toBe(0);
    expect(run.stdout).toMatch(/^local {2}GET http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration → 200 {2}\d+ ms {2}discovery$/m);
    expect(run.stdout).toMatch(/^local {2}POST http:\/\/127\.0\.0\.1:\d+\/token → 200 {2}\d+ ms {2}token \(user: authorization_code\)$/m);
    expect(run.stdout).toMatch(/^local {2}GET http:\/\/127\.0\.0\.1:\d+\/auth\?.*code_challenge=.*→ 303/m);
    expect(JWT.test(run.stdout)).toBe(false);
    expect(leaks([{ path: 'console', text: run.stdout }], secrets.forms)).toEqual([]);
    // Without it, none of that.
    const quiet = await cli(['run', 'local', '--only', 'discovery.reachable', '--no-html', ...args]);
    expect(quiet.stdout).not.toMatch(/ → \d{3} /);
  });
});

describe('a failing check', () => {
  let run: CliResult;
  let paths: Awaited<ReturnType<typeof reportArgs>>['paths'];
  const secrets = sandboxSecrets();
  beforeAll(async () => {
    const out = await reportArgs();
    paths = out.paths;
    run = await cli(['run', '--suite', 'local', '--profile', 'issuer-mismatch', '--no-html', ...out.args], { env: secrets.env });
  });

  it('exits 1 and says expected vs actual and the spec section, in the console, JUnit and summary', async () => {
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ local discovery\.issuer-match/);
    expect(run.stdout).toMatch(/expected: "http:\/\/127\.0\.0\.1:\d+"\n\s+actual:\s+"http:\/\/127\.0\.0\.1:\d+\/"/);
    const xml = await readFile(paths.junit, 'utf8');
    expect(xml).toMatch(/<failure message="[^"]*" type="OIDC Discovery §4\.3">[^<]*expected: &quot;http/);
    expect(await readFile(paths.summary, 'utf8')).toContain('`discovery.issuer-match`');
    const failed = (await allureResults(paths.results)).filter((r) => r.status === 'failed');
    expect(failed.map((r) => label(r, 'story'))).toEqual(['discovery.issuer-match']);
  });

  // A failure quotes what was exchanged: more to leak than a pass (more such profiles, with canaries: test/canaries.test.ts).
  it('leaves neither client secret nor any token in what it writes', async () => {
    const files = [...(await reportFiles(paths.dir)), { path: 'console', text: run.stdout + run.stderr }];
    expect(files.length).toBeGreaterThan(10);
    expect(leaks(files, secrets.forms)).toEqual([]);
    expect(files.filter(({ text }) => JWT.test(text)).map(({ path }) => path)).toEqual([]);
  });
});

/**
 * Every profile's leading console line and exit code follow from its results (test/fault-matrix.test.ts, in-process);
 * these runs prove the CLI prints that summary and exits by it: a vendor emulator's MUST profile, and a SHOULD profile
 * with and without --strict (a sandbox MUST profile: "a failing check" above).
 */
describe.concurrent('fault profiles through the CLI', () => {
  const all = targets();
  const cases = [
    ['medplum', 'medplum-code-reusable', 'MUST'],
    ['sandbox', 'token-no-pragma', 'SHOULD'],
  ].map(([target, name, level]) => {
    const { suite, profiles } = all.find((t) => t.name === target)!;
    return [`${target}: ${name}`, suite, profiles.find((p) => p.name === name)!, level] as const;
  });
  it.each(cases)('%s: the broken rule comes first', async (_, suite, profile, level) => {
    const must = profile.breaks.some((id) => catalogue.find((c) => c.id === id)?.level === 'MUST');
    expect(must ? 'MUST' : 'SHOULD').toBe(level);
    const { args } = await reportArgs();
    // The broken rules' areas: that the rest of the suite passes on the profile is the fault matrix's to prove.
    const areas = [...new Set(profile.breaks.map((id) => id.split('.')[0]))].join(',');
    const run = await cli(['run', '--suite', suite, '--profile', profile.name, '--no-html', '--only', areas, ...(profile.long ? ['--long'] : []), ...args]);
    // The summary begins after the "Running …" line and a blank line.
    const [header, first] = run.stdout.split('\n').slice(2);
    expect(header, run.stdout).toBe(must ? 'Broken rules (MUST):' : 'Warnings (SHOULD):');
    expect(
      profile.breaks.some((id) => first?.includes(` ${id}`)),
      first,
    ).toBe(true);
    expect(run.code, run.stdout).toBe(must ? 1 : 0);
    if (must) return;
    // --strict counts the warnings above as failures, and exits 1 by them alone: nothing else runs, and everything ran.
    const strict = await cli(['run', '--suite', suite, '--profile', profile.name, '--no-html', '--strict', '--only', profile.breaks.join(','), ...args]);
    expect(strict.stdout).toMatch(/^0 passed, [1-9]\d* failed, 0 warnings, 0 known deviations, 0 could not run, \d+ skipped$/m);
    expect(strict.code).toBe(1);
  });
});

describe.concurrent('bad input exits 2 with the file, the place and the fix', () => {
  const cases: Array<[string, string, RegExp[]]> = [
    [
      'a typo in a key',
      'vendor: x\ndiscovery:\n  issuer: https://id.example.com\nclients:\n  c: { id: a }\ngrants:\n  g:\n    type: client_credentials\n    client: c\n    scpoe: read\n',
      [/bad\.yaml:10:5 grants\.g\.scpoe: unknown key "scpoe"/, /did you mean "scope"/],
    ],
    ['invalid YAML', 'vendor: x\ndiscovery:\n  issuer: [unclosed\n', [/bad\.yaml:\d+:\d+: invalid YAML/]],
    [
      'an unset variable',
      'vendor: x\nvariables:\n  NOT_SET_ANYWHERE: {}\ndiscovery:\n  issuer: ${NOT_SET_ANYWHERE}\n',
      [/bad\.yaml:5:3 discovery\.issuer: variable NOT_SET_ANYWHERE is not set/, /fix: set NOT_SET_ANYWHERE in the environment or in \.env/],
    ],
  ];
  it.each(cases)('%s', async (_, yaml, expected) => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.yaml'), yaml);
    const run = await cli(['run', '--suite', join(dir, 'bad.yaml'), '--no-html'], { cwd: dir });
    expect(run.code).toBe(2);
    for (const pattern of expected) expect(run.stderr).toMatch(pattern);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it.each(['validate', 'run'])('a YAML alias bomb ("billion laughs"), %s: refused at once, naming the file', async (command) => {
    const dir = await tempDir();
    // Nine levels of nine aliases: 9^9 (387 million) strings once expanded.
    const levels = Array.from(
      { length: 9 },
      (_, i) =>
        `l${i}: &l${i} [${Array<string>(9)
          .fill(i ? `*l${i - 1}` : 'lol')
          .join(', ')}]`,
    );
    await writeFile(join(dir, 'bomb.yaml'), `vendor: x\n${levels.join('\n')}\n`);
    const run = await cli([command, '--suite', join(dir, 'bomb.yaml')], { cwd: dir });
    expect(run.code, said(run)).toBe(2);
    expect(run.stderr).toMatch(/^bomb\.yaml: the YAML's anchors and aliases expand past 100 copies/m);
    expect(run.stderr).toMatch(/fix: write repeated values out/);
    expect(run.durationMs).toBeLessThan(15_000);
  });

  it('a missing --env-file', async () => {
    // Node 20 itself reads `--env-file` even after the script name (nodejs/node#54232): when the file is missing it
    // stops before the CLI starts, with its own message naming the file and exit code 9.
    const run = await cli(['run', '--env-file', '/nonexistent/conformance.env']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('/nonexistent/conformance.env: not found');
  });

  it('a named suite with unset variables', async () => {
    const run = await cli(['run', '--suite', 'generic-oidc'], { env: { OIDC_ISSUER: '', OIDC_CLIENT_ID: '', OIDC_CLIENT_SECRET: '' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/suites\/generic-oidc\.yaml:\d+:\d+ discovery\.issuer: variable OIDC_ISSUER is not set/);
    expect(run.stderr).toContain('OIDC_CLIENT_ID is not set');
  });

  // Unknown commands, options and --only values: test/cli-conventions.test.ts.
  it.each([
    [['run', '--suite', 'nonexistent'], /--suite nonexistent: no suite of that name/],
    [['run', '--results-budget', 'lots'], /--results-budget lots is not a positive number of megabytes/],
  ])('usage error %j', async (args, pattern) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(pattern);
  });
});

describe.concurrent("conformance sandbox --env-out: the secrets file is the owner's alone", () => {
  async function serveInto(envOut: string): Promise<string> {
    const sandbox = await serveCli(['sandbox', '--env-out', envOut], 'Press Ctrl-C to stop.');
    expect(await sandbox.stop()).toBe(0);
    return readFile(envOut, 'utf8');
  }

  it('replaces a file that others could read with one mode 0600', async () => {
    const envOut = join(await tempDir(), 'sandbox.env');
    await writeFile(envOut, 'OLD=1\n');
    await chmod(envOut, 0o644);
    expect(await serveInto(envOut)).toMatch(/^SANDBOX_CLIENT_SECRET=\S+$/m);
    expect((await lstat(envOut)).mode & 0o777).toBe(0o600);
  });

  it('replaces a symlink rather than writing through it', async () => {
    const dir = await tempDir();
    const target = join(dir, 'elsewhere');
    await writeFile(target, 'untouched\n', { mode: 0o644 });
    const envOut = join(dir, 'sandbox.env');
    await symlink(target, envOut);
    expect(await serveInto(envOut)).toMatch(/^SANDBOX_CLIENT_SECRET=\S+$/m);
    const written = await lstat(envOut);
    expect(written.isFile()).toBe(true);
    expect(written.mode & 0o777).toBe(0o600);
    expect(await readFile(target, 'utf8')).toBe('untouched\n');
    expect((await readdir(dir)).sort()).toEqual(['elsewhere', 'sandbox.env']);
  });
});

// The binary itself (its exit once `list`'s output is handed over, a closed pipe), and each command's help, from main.
describe.concurrent('conformance list and help', () => {
  it('lists every check with its spec citations and links', async () => {
    const run = await cliProcess(['list']);
    expect(run.code).toBe(0);
    for (const check of catalogue) {
      const refs = check.spec.map((s) => s.ref.replace(/[.§]/g, '.')).join(', ');
      expect(run.stdout).toMatch(new RegExp(`${check.id.replace(/\./g, '\\.')}\\s+${check.level}\\s+${refs}`));
      for (const { url } of check.spec) expect(run.stdout).toContain(url);
      // What a check needs to apply is printed under it.
      const needs = describeRequirements(check.requires);
      if (needs.length) expect(run.stdout).toContain(`needs ${needs.join('; ')}`);
    }
    expect(run.stdout).toContain('needs grant type authorization_code; expect.lifetimes.code declared; --long');
    expect(run.stdout).toMatch(/local\s+Embedded reference sandbox/);
  });

  it.each(['run', 'validate', 'list', 'report', 'sandbox'])('%s --help', async (command) => {
    const { code, out } = await mainSays([command, '--help']);
    expect(code).toBe(0);
    expect(out).toContain(`Usage: conformance ${command}`);
  });

  it('a reader that stops early is no error: `conformance list | head -1` exits 0, saying nothing else', async () => {
    const { stdout, stderr } = await exec('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${join(root, 'bin/conformance.js')}" list | head -1`]);
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toBe('');
  });
});
