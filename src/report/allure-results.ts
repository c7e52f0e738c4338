import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the report's builders read back from Allure results: a test's name, identity, status, start, and labels. */
export interface AllureResult {
  name?: unknown;
  testCaseId?: unknown;
  status?: unknown;
  statusDetails?: { message?: unknown };
  start?: unknown;
  labels?: Array<{ name?: unknown; value?: unknown }>;
}

/** The Allure results in these directories. */
export async function readAllureResults(dirs: string[]): Promise<AllureResult[]> {
  const perDir = await Promise.all(
    dirs.map(async (dir) => {
      const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('-result.json'));
      return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as AllureResult));
    }),
  );
  return perDir.flat();
}

const labelOf = (r: AllureResult, name: string) => r.labels?.find((l) => l.name === name)?.value;

/**
 * The failures a run does not count against the vendor, as Allure 3 "accepted" resolutions: each known deviation
 * under its declared reason, the warnings under one. The report lists them by reason and marks them in the tree.
 */
export function acceptedFailures(results: AllureResult[]): { rules: Array<{ resolution: 'accepted'; comment: string; testCaseId: string[] }> } {
  const byReason = new Map<string, string[]>();
  for (const r of results) {
    const outcome = labelOf(r, 'outcome');
    if ((outcome !== 'deviation' && outcome !== 'warning') || typeof r.testCaseId !== 'string') continue;
    const message = r.statusDetails?.message;
    const reason = outcome === 'warning' ? 'warnings: a SHOULD is not met (--strict fails on them)' : typeof message === 'string' ? message : 'known deviation';
    byReason.set(reason, [...(byReason.get(reason) ?? []), r.testCaseId]);
  }
  return { rules: [...byReason].map(([comment, testCaseId]) => ({ resolution: 'accepted', comment, testCaseId })) };
}

/** The report's name: what was tested, the vendors (epics) of its results. */
export function reportName(results: AllureResult[]): string {
  const epics = results.map((r) => labelOf(r, 'epic')).filter((epic) => epic !== undefined);
  const vendors = [...new Set(epics.map(String))].sort();
  const shown = vendors.length > 6 ? [...vendors.slice(0, 6), `${vendors.length - 6} more`] : vendors;
  return `oauth-conformance: ${shown.join(', ') || 'no results'}`;
}
