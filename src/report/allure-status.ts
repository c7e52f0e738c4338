import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult } from '../results.js';
import { allureName } from './results.js';

/**
 * Gives each skipped Allure result its reason as its status message: a known deviation's documented reason, or why
 * the check did not apply. The Allure reporter writes skipped tests without one, so the report grouped every known
 * deviation under "No message". Matched by the test's name (vendor · check), as allure-labels.ts names it.
 */
export async function explainSkips(resultsDir: string, results: CheckResult[]): Promise<void> {
  const reasons = new Map(results.flatMap((r) => (r.status === 'deviation' || r.status === 'skipped' ? [[allureName(r), reasonOf(r)]] : [])));
  const files = (await readdir(resultsDir).catch(() => [])).filter((f) => f.endsWith('-result.json'));
  for (const file of files) {
    const path = join(resultsDir, file);
    const result = JSON.parse(await readFile(path, 'utf8')) as { name?: string; status?: string; statusDetails?: { message?: string } };
    const reason = result.status === 'skipped' && !result.statusDetails?.message ? reasons.get(result.name ?? '') : undefined;
    if (reason) await writeFile(path, JSON.stringify({ ...result, statusDetails: { ...result.statusDetails, message: reason } }));
  }
}

const reasonOf = (r: CheckResult) => (r.status === 'deviation' ? `known deviation: ${r.deviation}` : r.message);
