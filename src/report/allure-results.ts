import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the report's builders read back from Allure results: a test's name, start, and labels. */
export interface AllureResult {
  name?: unknown;
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

/** The report's name: what was tested, the vendors (epics) of its results. */
export function reportName(results: AllureResult[]): string {
  const vendors = [...new Set(results.flatMap((r) => (r.labels ?? []).filter((l) => l.name === 'epic').map((l) => String(l.value))))].sort();
  const shown = vendors.length > 6 ? [...vendors.slice(0, 6), `${vendors.length - 6} more`] : vendors;
  return `oauth-conformance: ${shown.join(', ') || 'no results'}`;
}
