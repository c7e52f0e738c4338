import { open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptedFailures } from '../src/report/allure-results.js';
import { settleAllureResults } from '../src/report/allure-status.js';
import { generateHtml } from '../src/report/html.js';
import { passRate, writePassRate } from '../src/report/pass-rate.js';
import { allureName } from '../src/report/results.js';
import { tempDir } from './cleanup.js';
import { checkResult } from './check-result.js';

const result = checkResult;

const label = (outcome: string) => [{ name: 'outcome', value: outcome }];

describe('the HTML report tells passes from what is not', () => {
  it("settles each Allure result to its verdict: warnings and known deviations fail as accepted, could-not-run is broken; the name and times are the check's", async () => {
    const dir = await tempDir();
    const results = [
      result('pass', 'a', { startedAt: 1_000_000, durationMs: 41.6 }),
      result('warn', 'b', { expected: 'x', actual: 'y' }),
      result('deviation', 'c', { deviation: 'documented' }),
      result('blocked', 'd'),
      result('fail', 'e'),
      result('skipped', 'f', { message: 'no refresh grant' }),
    ];
    // As the vitest reporter writes them: vitest's pass, fail and skip, the runner's file path, the test body's time.
    const vitestStatus = { pass: 'passed', warn: 'passed', deviation: 'skipped', blocked: 'failed', fail: 'failed', skipped: 'skipped' };
    for (const [i, r] of results.entries())
      await writeFile(
        join(dir, `${i}-result.json`),
        JSON.stringify({
          name: allureName(r),
          status: vitestStatus[r.status],
          fullName: 'src/engine/suites.vitest.ts#x',
          start: 5,
          stop: 6,
          statusDetails: { trace: 't' },
        }),
      );
    await writeFile(join(dir, 'other-result.json'), JSON.stringify({ name: 'not a check', status: 'passed', start: 5 }));
    await settleAllureResults(dir, results, 2_000_000);
    const read = async (i: number | string) => JSON.parse(await readFile(join(dir, `${i}-result.json`), 'utf8')) as Record<string, unknown>;
    expect(await read(0)).toMatchObject({
      status: 'passed',
      statusDetails: { trace: 't' },
      fullName: 'acme › discovery › a: t',
      start: 1_000_000,
      stop: 1_000_042,
    });
    expect(await read(1)).toMatchObject({
      status: 'failed',
      statusDetails: { message: expect.stringMatching(/^warning \(a SHOULD is not met\): the rule\nexpected: x\nactual: {3}y/) },
    });
    expect(await read(2)).toMatchObject({ status: 'failed', statusDetails: { message: 'known deviation: documented' } });
    expect(await read(3)).toMatchObject({ status: 'broken', statusDetails: { message: expect.stringMatching(/^could not check: the rule/) } });
    expect(await read(4)).toMatchObject({ status: 'failed', statusDetails: { message: expect.stringMatching(/^the rule\nspec: /) } });
    // A check that judged no request is placed at the run's start, with no time of its own.
    expect(await read(5)).toMatchObject({ status: 'skipped', statusDetails: { message: 'no refresh grant' }, start: 2_000_000, stop: 2_000_000 });
    expect(await read('other')).toEqual({ name: 'not a check', status: 'passed', start: 5 });
    expect((await readdir(dir)).length).toBe(7);
  });

  it('files known deviations under their declared reasons and warnings under one, as accepted failures', () => {
    const rules = acceptedFailures([
      { testCaseId: '1', status: 'failed', statusDetails: { message: 'known deviation: A' }, labels: label('deviation') },
      { testCaseId: '2', status: 'failed', statusDetails: { message: 'known deviation: B' }, labels: label('deviation') },
      { testCaseId: '3', status: 'failed', statusDetails: { message: 'known deviation: A' }, labels: label('deviation') },
      { testCaseId: '4', status: 'failed', statusDetails: { message: 'warning: x' }, labels: label('warning') },
      { testCaseId: '5', status: 'failed', statusDetails: { message: 'warning: y' }, labels: label('warning') },
      { testCaseId: '6', status: 'failed', statusDetails: { message: 'the rule' }, labels: label('violation') },
      { testCaseId: '7', status: 'passed', labels: label('pass') },
    ]);
    expect(rules.rules).toEqual([
      { resolution: 'accepted', comment: 'known deviation: A', testCaseId: ['1', '3'] },
      { resolution: 'accepted', comment: 'known deviation: B', testCaseId: ['2'] },
      { resolution: 'accepted', comment: 'warnings: a SHOULD is not met (--strict fails on them)', testCaseId: ['4', '5'] },
    ]);
  });

  it('rates passes over every judged check: deviations, warnings and could-not-run count against it, checks that did not apply do not', () => {
    const of = (...statuses: string[]) => passRate(statuses.map((status) => ({ status })));
    expect(of('passed', 'passed', 'passed', 'skipped', 'skipped')).toBe(100);
    expect(of('passed', 'passed', 'failed', 'skipped')).toBe(66.66);
    expect(of('passed', 'broken')).toBe(50);
    expect(of('skipped')).toBe(0);
  });

  it("sets the ring of the built report, each environment's too, and warns when the report has none", async () => {
    const dir = await tempDir();
    const widget = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64');
    const html = (pies: string[]) =>
      `<script>Promise.allSettled([d("widgets/statistic.json","${widget({ total: 3 })}"),${pies.map((p) => `d("${p}","${widget({ slices: [], percentage: 100 })}")`).join(',')}])</script>`;
    await writeFile(join(dir, 'index.html'), html(['widgets/pie_chart.json', 'widgets/default/pie_chart.json']));
    expect(await writePassRate(dir, 94.69)).toBeUndefined();
    const written = await readFile(join(dir, 'index.html'), 'utf8');
    const pies = [...written.matchAll(/d\("(widgets\/[^"]*)","([^"]*)"\)/g)].map(([, name, data]) => [
      name,
      JSON.parse(Buffer.from(data!, 'base64').toString()) as object,
    ]);
    expect(pies).toEqual([
      ['widgets/statistic.json', { total: 3 }],
      ['widgets/pie_chart.json', { slices: [], percentage: 94.69 }],
      ['widgets/default/pie_chart.json', { slices: [], percentage: 94.69 }],
    ]);
    await writeFile(join(dir, 'index.html'), html([]));
    expect(await writePassRate(dir, 50)).toMatch(/no pass-rate ring found/);
  });

  it('refuses results too large for a single-file page before Allure starts (it would end the process), and says what to do', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a-result.json'), JSON.stringify({ name: 'discovery.reachable', status: 'passed', start: 5, stop: 6 }));
    // Sparse: 400 MB by its size, nothing on disk.
    const big = await open(join(dir, 'b-attachment.txt'), 'w');
    await big.truncate(400 * 1024 * 1024);
    await big.close();
    await expect(generateHtml([dir], join(dir, 'html'))).rejects.toThrow(
      /^the results \(400 MB\) are more than a single-file HTML report can hold \(360 MB\): build it from fewer results directories, or run with a lower --results-budget$/,
    );
    expect(existsSync(join(dir, 'html'))).toBe(false);
    // The same results without the large file make a report.
    await rm(join(dir, 'b-attachment.txt'));
    await generateHtml([dir], join(dir, 'html'));
    expect(existsSync(join(dir, 'html', 'index.html'))).toBe(true);
  });
});
