import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult, Status } from '../results.js';
import { allureName, failureText } from './results.js';

/**
 * How each outcome shows in the HTML report. A warning and a known deviation are failures the run does not count
 * against the vendor: Allure 3 files such failures as "accepted" (html.ts gives the rules, grouped by reason), so
 * the tree shows them red with the accepted mark, never as passes. A check that could not run is "broken", Allure's
 * word for a test that could not reach its assertion.
 */
const ALLURE_STATUS: Record<Status, string> = { pass: 'passed', warn: 'failed', fail: 'failed', blocked: 'broken', deviation: 'failed', skipped: 'skipped' };

/** What a result's Allure test says of it beyond its labels: status, why, a name free of the runner, and when its requests ran. */
export function allureVerdict(result: CheckResult, fallbackStart: number) {
  const start = result.startedAt ?? fallbackStart;
  return {
    status: ALLURE_STATUS[result.status],
    statusDetails: result.status === 'pass' ? {} : { message: verdictText(result) },
    fullName: `${result.vendor} › ${result.area} › ${result.name}`,
    start,
    stop: start + Math.round(result.durationMs ?? 0),
  };
}

/** Why a result is not a pass: the broken rule (expected, actual, where it is written), a deviation's declared reason, or why it did not apply. */
export function verdictText(r: CheckResult): string {
  switch (r.status) {
    case 'deviation':
      return `known deviation: ${r.deviation}`;
    case 'warn':
      return `warning (a SHOULD is not met): ${failureText(r)}`;
    case 'blocked':
      return `could not check: ${failureText(r)}`;
    case 'fail':
      return failureText(r);
    default:
      return r.message;
  }
}

/**
 * Sets each check's Allure result to its verdict, matched by its test name (vendor · check). The Allure reporter knows
 * only vitest's pass, fail and skip, the runner's file path and the test body's time (none: checks run before it).
 */
export async function settleAllureResults(resultsDir: string, results: CheckResult[], runStart: number): Promise<void> {
  const byName = new Map(results.map((r) => [allureName(r), r]));
  const files = (await readdir(resultsDir).catch(() => [])).filter((f) => f.endsWith('-result.json'));
  for (const file of files) {
    const path = join(resultsDir, file);
    const allure = JSON.parse(await readFile(path, 'utf8')) as { name?: string; statusDetails?: object };
    const result = byName.get(allure.name ?? '');
    if (!result) continue;
    const verdict = allureVerdict(result, runStart);
    await writeFile(path, JSON.stringify({ ...allure, ...verdict, statusDetails: { ...allure.statusDetails, ...verdict.statusDetails } }));
  }
}
