import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AllureResult } from './allure-results.js';

/**
 * The ring at the top of the HTML report: the share of judged checks that passed. Allure's own counts passed, failed
 * and broken only, and leaves accepted failures out, so it read 100% over a run of known deviations and warnings.
 * Checks that did not apply are left out: nothing was judged.
 */
export function passRate(results: Pick<AllureResult, 'status'>[]): number {
  const judged = results.filter((r) => r.status !== 'skipped');
  const passed = judged.filter((r) => r.status === 'passed').length;
  return judged.length ? Math.floor((passed / judged.length) * 10000) / 100 : 0;
}

// The single-file report keeps each widget as d("path", base64 JSON); the ring's is pie_chart.json, per environment too.
const PIE_CHART = /d\("(widgets\/(?:[^"/]+\/)?pie_chart\.json)","([A-Za-z0-9+/=]*)"\)/g;

/** Sets the ring's percentage in the built report; returns a warning when the report holds no ring to set. */
export async function writePassRate(reportDir: string, rate: number): Promise<string | undefined> {
  const file = join(reportDir, 'index.html');
  let found = 0;
  const html = (await readFile(file, 'utf8')).replace(PIE_CHART, (_, name: string, data: string) => {
    found++;
    const pie = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as object;
    return `d("${name}","${Buffer.from(JSON.stringify({ ...pie, percentage: rate })).toString('base64')}")`;
  });
  if (!found) return `${file}: no pass-rate ring found; the report's ring shows Allure's own rate, which leaves out warnings and known deviations`;
  await writeFile(file, html);
}
