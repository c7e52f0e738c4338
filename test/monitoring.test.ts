import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, outputArgs, said, tempDir, type CliResult } from './cli-process.js';

/**
 * A free loopback port P such that P+1 is free too (the sandbox's resource). Below the range the system hands out for
 * listen(0) and outgoing connections (from 32768 on Linux, 49152 elsewhere): each run of a test binds it again, and no
 * other process of the test run takes it in between.
 */
async function freePort(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await free(port)) && (await free(port + 1))) return port;
  }
}

async function resultNames(dir: string): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('-result.json'));
  return (await Promise.all(files.map(async (f) => (JSON.parse(await readFile(join(dir, f), 'utf8')) as { fullName: string }).fullName))).sort();
}

// Each test (or group) has folders and a sandbox port of its own: they run side by side.
describe.concurrent('scheduled monitoring', () => {
  // Two unsharded runs into one set of folders and one history; then, in that order, with a line of the history cut
  // short, a report built on it. Shard runs are compared with their results. The discovery and JWKS checks: what a
  // trend and a shard need is results, not a whole suite's.
  describe('runs of the local suite', () => {
    const QUICK = ['--suite', 'local', '--only', 'discovery,jwks'];
    let dir: string;
    let second: CliResult;
    const history = () => join(dir, 'history.jsonl');
    beforeAll(async () => {
      dir = await tempDir();
      const port = String(await freePort());
      const first = await cli(['run', ...QUICK, '--sandbox-port', port, ...outputArgs(dir)]);
      expect(first.code, first.stdout + first.stderr).toBe(0);
      second = await cli(['run', ...QUICK, '--sandbox-port', port, '--profile', 'issuer-mismatch', ...outputArgs(dir)]);
    });

    it('keeps a trend across runs and says what changed since the previous one', { concurrent: false }, async () => {
      expect(second.code).toBe(1);
      // Allure appends one line per report: the trend has both runs.
      expect((await readFile(history(), 'utf8')).trim().split('\n')).toHaveLength(2);
      const summary = await readFile(join(dir, 'summary.md'), 'utf8');
      expect(summary).toMatch(/## Results changed since the previous run\n\n- local discovery\.issuer-match: [^\n]* pass → fail/);
      expect(second.stdout).toMatch(/^Results changed since the previous run:\n {2}local discovery\.issuer-match/m);
    });

    it('builds the report past a history line cut short, keeping that line aside', { concurrent: false }, async () => {
      await appendFile(history(), '{"uuid":"cut sho');
      const report = await cli(['report', '--results-dir', join(dir, 'allure-results'), '--report-dir', join(dir, 'html'), '--history', history()]);
      expect(report.code, said(report)).toBe(0);
      expect(report.stderr).toMatch(/^warning: .*history\.jsonl: line 3 of the report history was not JSON .*moved to .*history\.jsonl\.damaged/);
      expect(await readFile(`${history()}.damaged`, 'utf8')).toBe('{"uuid":"cut sho\n');
      // The report of the run the history ends with, built again, is not counted twice.
      expect(
        (await readFile(history(), 'utf8'))
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as unknown),
      ).toHaveLength(2);
    });

    it('keeps the last 20 runs in the trend', { concurrent: false }, async () => {
      const lines = (await readFile(history(), 'utf8')).trim().split('\n');
      // 25 earlier runs (copies of the first, told apart by their uuid), then this run's report is built again.
      const earlier = Array.from({ length: 25 }, (_, i) => lines[0]!.replace(/"uuid":"[^"]+"/, `"uuid":"earlier-${i}"`));
      await writeFile(history(), [...earlier, lines[1]!, ''].join('\n'));
      expect((await cli(['report', '--out', dir])).code).toBe(0);
      const kept = (await readFile(history(), 'utf8')).trim().split('\n');
      expect(kept).toHaveLength(20);
      expect(kept.at(-1)).toBe(lines[1]);
    });

    it('two shards merged give the same tests as one unsharded run', async () => {
      const runIn = (sub: string, extra: string[]) =>
        cli(['run', ...QUICK, '--no-html', '--json', join(dir, sub, 'results.json'), ...extra, ...outputArgs(join(dir, sub))]);
      const [one, two] = await Promise.all([runIn('one', ['--shard', '1/2']), runIn('two', ['--shard', '2/2'])]);
      for (const run of [one, two]) expect(run.code, run.stdout + run.stderr).toBe(0);
      const [all, inOne, inTwo] = await Promise.all([
        resultNames(join(dir, 'allure-results')),
        resultNames(join(dir, 'one', 'allure-results')),
        resultNames(join(dir, 'two', 'allure-results')),
      ]);
      expect(inOne.length).toBeGreaterThan(0);
      expect(inTwo.length).toBeGreaterThan(0);
      expect(inOne.filter((name) => inTwo.includes(name))).toEqual([]);
      expect([...inOne, ...inTwo].sort()).toEqual(all);

      const merged = await cli([
        'report',
        '--merge',
        join(dir, 'one', 'allure-results'),
        join(dir, 'two', 'allure-results'),
        '--report-dir',
        join(dir, 'merged'),
        '--history',
        join(dir, 'merged-history.jsonl'),
        '--results-json',
        join(dir, 'one', 'results.json'),
        '--results-json',
        join(dir, 'two', 'results.json'),
        '--summary',
        join(dir, 'merged-summary.md'),
      ]);
      expect(merged.code, said(merged)).toBe(0);
      const stats = (JSON.parse(await readFile(join(dir, 'merged', 'summary.json'), 'utf8')) as { stats: { total: number } }).stats;
      expect(stats.total).toBe(all.length);
      // One summary of both shards: one verdict for the vendor, over every check.
      const summary = await readFile(join(dir, 'merged-summary.md'), 'utf8');
      const passed = (all.length - Number(/Skipped: (\d+) checks/.exec(summary)?.[1] ?? 0)).toString();
      expect(summary.split('\n')[0]).toMatch(
        new RegExp(`^✅ \\*\\*local\\*\\* \\(embedded sandbox\\): ${passed} passed — \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, [\\d.]+ s$`),
      );
    });
  });

  it('reports drift from a baseline: a changed issuer fails, a key rotation is information only', async () => {
    const dir = await tempDir();
    const port = String(await freePort());
    const baseline = join(dir, 'baseline.json');
    // The baseline run's own reports go in reports/baseline of the working directory: a scratch one.
    const made = await cli(['baseline', '--suite', 'local', '--sandbox-port', port, '--file', baseline], { cwd: dir });
    expect(made.code, made.stdout + made.stderr).toBe(0);
    // Only the JWKS checks run, and they pass: the exit code comes from the drift alone.
    const againstBaseline = (...extra: string[]) =>
      cli(['run', '--suite', 'local', '--sandbox-port', port, '--only', 'jwks', '--baseline', baseline, '--no-html', ...extra, ...outputArgs(dir)]);
    const changed = await againstBaseline('--profile', 'issuer-mismatch');
    expect(changed.stdout).toMatch(/^Changes since the baseline .*:\n(.*\n)* {2}✗ local discovery\.issuer: /m);
    expect(changed.code).toBe(1);
    // The drift is a result in the reports as well: a failure of area drift in JUnit, in the summary's broken rules.
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toMatch(
      /<testcase name="drift\.baseline \[discovery\.issuer\][^>]*classname="local\.drift"[^>]*>\s*<failure /,
    );
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toMatch(
      /## Broken rules \(MUST\)\n\n(.*\n)*- \*\*local\*\* `drift\.baseline` \\\[discovery\\\.issuer\\\]/,
    );
    // Every sandbox start makes new keys: a rotation.
    const rotated = await againstBaseline();
    expect(rotated.stdout).toMatch(/ {2}i local jwks\.kid[^\n]*\(information\)/);
    expect(rotated.stdout).not.toMatch(/^ {2}[✗⚠] local /m);
    expect(rotated.code).toBe(0);
    expect((await againstBaseline('--profile', 'issuer-mismatch', '--fail-on', 'never')).code).toBe(0);
  });

  it('a missing baseline is taken from the run and said so; embedded servers on other ports do not drift from it', async () => {
    const dir = await tempDir();
    const baseline = join(dir, 'baselines', 'local.json');
    const quick = ['run', '--suite', 'local', '--only', 'discovery,jwks', '--no-html', '--baseline', baseline, ...outputArgs(dir)];
    const taken = await cli(quick);
    expect(taken.code, said(taken)).toBe(0);
    expect(taken.stdout).toContain(`No baseline yet:\n  the baseline ${baseline} was taken from this run`);
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain('## No baseline yet');
    expect(await readFile(baseline, 'utf8')).toContain('"issuer": "http://embedded-1"');
    // A new start: new ports and new keys. The URLs match; the keys are a rotation, information only.
    const again = await cli(quick);
    expect(again.code, said(again)).toBe(0);
    expect(again.stdout).toMatch(/^Changes since the baseline .*:\n( {2}i local jwks\.kid[^\n]*\(information\)\n)+\n/m);
  });

  it('--fail-on new fails only on what was not failing in the previous run', async () => {
    const dir = await tempDir();
    const runWith = async (profile: string) =>
      (await cli(['run', '--suite', 'local', '--only', 'discovery', '--no-html', '--fail-on', 'new', '--profile', profile, ...outputArgs(dir)])).code;
    expect(await runWith('issuer-mismatch')).toBe(1);
    // Still broken: nothing new.
    expect(await runWith('issuer-mismatch')).toBe(0);
    expect(await runWith('conformant')).toBe(0);
    // Broken again after a green run: new again.
    expect(await runWith('issuer-mismatch')).toBe(1);
  });

  it('rejects a malformed shard or fail-on', async () => {
    expect((await cli(['run', '--shard', '3/2'])).stderr).toMatch(/--shard 3\/2 is not i\/n/);
    expect((await cli(['run', '--fail-on', 'sometimes'])).stderr).toMatch(/--fail-on sometimes: not one of fail, warn, new, never/);
  });
});
