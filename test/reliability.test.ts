import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { startSuites } from '../src/engine/evaluate.js';
import { defaultHttpOptions, Recorder, send } from '../src/http/client.js';
import { addSecret } from '../src/secrets.js';
import { resolveSuite } from '../src/suite/load.js';
import { readSuite } from '../src/suite/read.js';
import { cli, outputArgs, root, said, tempDir } from './helpers.js';
import { xmlProblem } from './strict-xml.js';
import { spawned } from './cleanup.js';

const started: Sandbox[] = [];
afterAll(() => Promise.all(started.map((s) => s.close())));

/** The local suite run in-process against a hostile profile: every outcome and every exchange the run made. */
async function runHostile(profile: string, http = defaultHttpOptions) {
  const sandbox = await startSandbox({ profile });
  started.push(sandbox);
  const suite = resolveSuite(await readSuite(join(root, 'suites/local.yaml')), sandbox.variables);
  suite.secrets.forEach(addSecret);
  const [run] = startSuites([suite], { http });
  const outcomes = await Promise.all(run!.checks.map(async (c) => ({ id: c.check.id, outcome: await c.outcome })));
  return { sandbox, outcomes, exchanges: run!.run.recorder.exchanges };
}

/** Bytes of every file under a directory. */
async function sizeOf(dir: string): Promise<number> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
  const sizes = await Promise.all(files.map(async (f) => (await stat(join(f.parentPath, f.name))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

/** The Allure attachments a run wrote in its results folder: each one's size in bytes and its text. */
async function attachmentsIn(results: string): Promise<Array<{ size: number; text: string }>> {
  const names = (await readdir(results)).filter((f) => f.includes('-attachment'));
  const contents = await Promise.all(names.map((f) => readFile(join(results, f))));
  return contents.map((content) => ({ size: content.length, text: content.toString('utf8') }));
}

describe.concurrent('hostile and broken endpoints', () => {
  it('a server that never answers: the run ends at its deadline with transport errors and a report', async () => {
    const dir = await tempDir();
    // Requests may wait 90 s: only the deadline ends the run sooner (the bound leaves room for a loaded machine).
    const run = await cli(['run', '--suite', 'local', '--profile', 'hang', '--timeout', '90000', '--deadline', '4', '--no-html', ...outputArgs(dir)]);
    expect(run.durationMs).toBeLessThan(40_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("the run's deadline passed (--deadline)");
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toMatch(/<error message="could not check: [^"]*deadline passed/);
    const results = await readdir(join(dir, 'allure-results'));
    expect(results.some((f) => f.endsWith('-result.json'))).toBe(true);
  });

  // The exchanges are what the report attaches to each check (cli.test.ts: "attaches the exchanges it judged").
  it('one in three token requests answered 503: retried, green, and the retries are among the exchanges reported', async () => {
    const { outcomes } = await runHostile('flaky');
    expect(outcomes.filter((o) => o.outcome.status === 'fail' || o.outcome.status === 'blocked').map((o) => `${o.id}: ${o.outcome.message}`)).toEqual([]);
    expect(outcomes.some((o) => o.outcome.exchanges.some((e) => e.label.endsWith('(retry 1)')))).toBe(true);
  });

  it('a token request served, then answered 503: sent again with a new client assertion and DPoP proof, green', async () => {
    const { outcomes, exchanges } = await runHostile('flaky-spent');
    // The sandbox refuses an assertion or proof whose jti it has seen (RFC 7523 §3, RFC 9449 §11.1): sent again as
    // they were, the JWT-authenticated and DPoP grants would get no token.
    expect(outcomes.filter((o) => o.outcome.status === 'fail' || o.outcome.status === 'blocked').map((o) => `${o.id}: ${o.outcome.message}`)).toEqual([]);
    const retried = exchanges.filter((e) => e.label.endsWith('(retry 1)'));
    expect(retried.some((e) => e.request.body?.includes('client_assertion='))).toBe(true);
    expect(retried.some((e) => e.request.headers.dpop !== undefined)).toBe(true);
  });

  it('a 429 with Retry-After: 2 is sent again no sooner than 2 s later, and the run is green', async () => {
    const { outcomes, exchanges } = await runHostile('rate-limited');
    expect(outcomes.filter((o) => o.outcome.status === 'fail' || o.outcome.status === 'blocked')).toEqual([]);
    const limited = exchanges.filter((e) => e.response?.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const first of limited) {
      // Sent again, or (for a one-time credential) its flow started over.
      const retry = exchanges.find((e) => e.label === `${first.label} (retry 1)` || e.label === `${first.label} (restart 1)`);
      expect(retry, first.label).toBeDefined();
      expect(Date.parse(retry!.startedAt) - (Date.parse(first.startedAt) + first.durationMs)).toBeGreaterThanOrEqual(2000);
    }
  });

  it('every answer slower than --timeout: zero violations, and every check could not run or did not apply', async () => {
    const { outcomes } = await runHostile('slow', { ...defaultHttpOptions, timeoutMs: 1000, retry: { ...defaultHttpOptions.retry, retries: 0 } });
    expect(
      outcomes.filter((o) => o.outcome.status !== 'blocked' && o.outcome.status !== 'skipped').map((o) => `${o.id}: ${o.outcome.status} ${o.outcome.message}`),
    ).toEqual([]);
    expect(outcomes.find((o) => o.id === 'discovery.reachable')!.outcome).toMatchObject({
      status: 'blocked',
      cause: 'transport',
      message: expect.stringMatching(/timed out|no answer|within/),
    });
  });

  it('slow-drip: a transport failure is never a violation: discovery.reachable could not run, saying why', async () => {
    const { outcomes } = await runHostile('slow-drip', { ...defaultHttpOptions, deadlineAt: Date.now() + 4000 });
    expect(outcomes.find((o) => o.id === 'discovery.reachable')!.outcome).toMatchObject({
      status: 'blocked',
      cause: 'transport',
      message: expect.stringMatching(/deadline passed/),
    });
    expect(outcomes.filter((o) => o.outcome.status === 'fail' || o.outcome.status === 'warn').map((o) => `${o.id}: ${o.outcome.message}`)).toEqual([]);
  });

  it.each([
    ['gzip-bomb', 'discovery.json', /exceeds the size cap/],
    ['not-json', 'token-response.schema', /body is not JSON/],
    ['wrong-content-type', 'jwks.schema', /not JSON/],
    ['deep-json', 'jwks.schema', /not JSON \(nested too deeply\)/],
  ])('%s: %s fails with a clear message, nothing crashes', async (profile, id, message) => {
    // A deadline keeps a broken body from holding the test; generous, and the request timeout with it, since under a
    // full parallel run the sandbox alone takes seconds to compress its 100 MB bomb, and a run past its deadline
    // could not run rather than fail.
    const { outcomes } = await runHostile(profile, { ...defaultHttpOptions, timeoutMs: 40_000, deadlineAt: Date.now() + 45_000 });
    const outcome = outcomes.find((o) => o.id === id)!.outcome;
    expect(outcome.status).toBe('fail');
    expect(`${outcome.message} ${outcome.actual}`).toMatch(message);
    expect(outcomes.filter((o) => /crashed/.test(o.outcome.message))).toEqual([]);
  });

  it('a 503 on a code redemption or a refresh: the spent credential is never sent again, its flow starts over, and the run is green', async () => {
    const { outcomes, exchanges } = await runHostile('busy-one-time');
    expect(outcomes.filter((o) => o.outcome.status === 'fail' || o.outcome.status === 'blocked').map((o) => `${o.id}: ${o.outcome.message}`)).toEqual([]);
    const busy = exchanges.filter((e) => e.response?.status === 503);
    expect(busy.map((e) => /grant_type=(\w+)/.exec(e.request.body ?? '')?.[1]).sort()).toEqual(['authorization_code', 'refresh_token']);
    for (const first of busy) {
      // The one-time value, as its fingerprint: sent once and never again.
      const spent = /(?:^|&)(?:code|refresh_token)=([^&]+)/.exec(first.request.body!)![1]!;
      expect(exchanges.filter((e) => e.request.body?.includes(spent)).map((e) => e.label)).toEqual([first.label]);
      // Started over, it is served (a probe's own refusal included).
      expect(
        exchanges.some((e) => e.label === `${first.label} (restart 1)` && e.response !== undefined && e.response.status !== 503),
        first.label,
      ).toBe(true);
    }
  });

  it('injected-text: what the server wrote reaches every output as inert text, and only the checks judging its error codes fail', async () => {
    const dir = await tempDir();
    // The HTML report of this text: test/canaries.test.ts.
    const run = await cli(['run', '--suite', 'local', '--profile', 'injected-text', '--no-html', ...outputArgs(dir)]);
    // Its error codes carry the text, so they are unregistered (RFC 6749 §5.2): those checks fail, nothing else does.
    expect(run.code, said(run)).toBe(1);
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(xmlProblem(junit)).toBeUndefined();
    expect(junit).not.toContain('\uffff');
    const ended = (kind: 'failure' | 'error') => new Set([...junit.matchAll(new RegExp(`classname="([^"]+)"[^>]*>\\s*<${kind} `, 'g'))].map((m) => m[1]));
    // The client-auth refusals judge their error code too (invalid_client, RFC 7521 §4.2): nothing else fails or is
    // kept from running.
    expect(ended('failure')).toEqual(new Set(['local.error-response', 'local.client-auth']));
    expect(ended('error')).toEqual(new Set());
    // The text got there (as data), on the console too, where no escape sequence of it remains.
    expect(junit).toContain('[the docs](http://127.0.0.1:1/docs)');
    expect(run.stdout).toContain('![x](http://127.0.0.1:1/pixel.png)');
    expect(run.stdout + run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    const summary = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(summary).not.toMatch(/(?<!\\)\]\(http:\/\/127|(?<!\\)<img|^\s*# Heading|\r/m);
    // Allure renders descriptions as markdown: the server's words sit in code blocks, nowhere else.
    const results = await readdir(join(dir, 'allure-results'));
    const descriptions = await Promise.all(
      results
        .filter((f) => f.endsWith('-result.json'))
        .map(async (f) => (JSON.parse(await readFile(join(dir, 'allure-results', f), 'utf8')) as { description?: string }).description ?? ''),
    );
    expect(descriptions.filter((d) => /```text\n[^]*pixel\.png[^]*\n```/.test(d)).length).toBeGreaterThan(0);
    for (const description of descriptions) expect(description.replace(/^(`{3,})text\n[^]*?\n\1$/gm, '')).not.toMatch(/127\.0\.0\.1:1|<img/);
  });

  // A capped body is a megabyte and every check that judges it attaches it: copied into each, it took 100 MB of results.
  // The discovery and JWKS checks judge the discovery document: enough of them that copies would pass the bound.
  it.each([
    ['gzip-bomb', 1],
    ['huge-body', 0],
  ])('%s with the HTML report: the results stay small, the report is written, the verdicts stand', async (profile, code) => {
    const dir = await tempDir();
    const run = await cli(['run', '--suite', 'local', '--only', 'discovery,jwks', '--profile', profile, ...outputArgs(dir)]);
    expect(run.code, said(run)).toBe(code);
    expect(await sizeOf(join(dir, 'allure-results'))).toBeLessThan(5 * 1024 * 1024);
    expect(existsSync(join(dir, 'html', 'index.html'))).toBe(true);
    expect(run.stdout).toContain(`${join(dir, 'html')}/index.html`);
    if (profile === 'gzip-bomb') {
      expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toMatch(
        /<testcase name="discovery\.json: [^"]*"[^>]*>\s*<failure [^<]*actual: +body exceeds the size cap/,
      );
      // The capped megabyte is kept once: five or more checks that judged it hold a preview, which copies would not fit.
      const previews = (await attachmentsIn(join(dir, 'allure-results'))).filter((a) =>
        a.text.includes('Bodies are previewed: the whole exchange is attached to'),
      );
      expect(previews.length).toBeGreaterThanOrEqual(5);
    }
  });

  it('past --results-budget, attachments are left out with a note, and the console says so once', async () => {
    const dir = await tempDir();
    const run = await cli(['run', '--suite', 'local', '--only', 'discovery,jwks', '--profile', 'gzip-bomb', '--results-budget', '0.5', ...outputArgs(dir)]);
    expect(run.code, said(run)).toBe(1);
    expect(
      run.stdout.match(
        /attachments \([\d.]+ MB\) were left out of \S+: they would have taken it past --results-budget 0\.5 MB; notes in the report say which\./g,
      ),
    ).toHaveLength(1);
    const attachments = await attachmentsIn(join(dir, 'allure-results'));
    expect(attachments.reduce((total, a) => total + a.size, 0)).toBeLessThanOrEqual(0.5 * 1024 * 1024);
    expect(attachments.some((a) => a.text.includes('past their budget of 0.5 MB (--results-budget)'))).toBe(true);
    expect(existsSync(join(dir, 'html', 'index.html'))).toBe(true);
  });

  it('an HTML report that cannot be written: the run says so, fails, and writes its other reports', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), '');
    const run = await cli(['run', '--suite', 'local', '--only', 'discovery.reachable', ...outputArgs(dir), '--report-dir', join(dir, 'file', 'html')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: the HTML report was not written: .+\n {2}JUnit, the summary and the results in \S+ were\.$/m);
    expect(run.stdout).not.toContain('index.html');
    expect(existsSync(join(dir, 'junit.xml'))).toBe(true);
  });

  it('a huge body is read only up to the cap', async () => {
    const { exchanges } = await runHostile('huge-body');
    const discovery = exchanges.find((e) => e.label === 'discovery')!;
    expect(discovery.response?.truncated).toBe(true);
    expect(discovery.response!.body.length).toBeLessThanOrEqual(defaultHttpOptions.maxBodyBytes * 2);
  });

  it('a connection reset on a read is retried and the run is green', async () => {
    const { outcomes, exchanges } = await runHostile('reset');
    expect(outcomes.filter((o) => o.outcome.status === 'fail' || o.outcome.status === 'blocked').map((o) => `${o.id}: ${o.outcome.message}`)).toEqual([]);
    expect(exchanges.some((e) => e.label === 'jwks (retry 1)')).toBe(true);
  });
});

describe('transport rules', () => {
  it('refuses to send credentials over plain http to a host other than loopback, and says how to allow it', async () => {
    const recorder = new Recorder();
    const { exchange, response } = await send(
      { label: 'token', method: 'POST', url: 'http://auth.example.invalid/token', headers: { authorization: 'Basic eDp5' } },
      recorder,
    );
    expect(response).toBeUndefined();
    expect(exchange.error).toMatch(/refused to send credentials over plain http to auth\.example\.invalid: use its https URL, or pass --allow-insecure-http/);
  });
});

describe('interrupted and broken runs lose nothing', () => {
  it('SIGINT mid-run writes the results so far and says the run is incomplete', async () => {
    const dir = await tempDir();
    const child = spawned(
      spawn(
        process.execPath,
        [join(root, 'bin/conformance.js'), 'run', '--suite', 'local', '--profile', 'short-lived', '--long', '--no-html', '--verbose', ...outputArgs(dir)],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    let stdout = '';
    let signal: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      // --verbose prints each request as it is answered: a second after the JWKS came, the discovery and JWKS checks
      // have finished however loaded the machine is, and the long checks still wait out their tokens' 5 s lifetimes.
      if (/ GET \S+ → 200 .* jwks\n/.test(stdout)) signal ??= setTimeout(() => child.kill('SIGINT'), 1000);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stdout).toMatch(/INCOMPLETE RUN: stopped by SIGINT; [1-9]\d* checks finished and are reported, [1-9]\d* did not finish\./);
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain('INCOMPLETE RUN');
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toMatch(/<testcase /);
  });

  it('a deviation naming no check is a configuration error with a suggestion', async () => {
    const dir = await tempDir();
    const suite = (await readFile(join(root, 'suites/local.yaml'), 'utf8')).replace(
      'sandbox: reference',
      'sandbox: reference\ndeviations:\n  discovery.isuer-match: typo',
    );
    await writeFile(join(dir, 'local.yaml'), suite);
    const run = await cli(['run', '--suite', join(dir, 'local.yaml'), '--no-html']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/deviations\.discovery\.isuer-match: no check "discovery\.isuer-match"\n {2}fix: did you mean "discovery\.issuer-match"\?/);
  });

  it('a profile for a server no selected suite runs against is a usage error', async () => {
    const run = await cli(['run', '--suite', 'generic-oidc', '--profile', 'hang']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--profile hang belongs to the embedded sandbox, which no selected suite runs against');
  });
});
