import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding } from '../drift/compare.js';
import type { CheckResult, Status } from '../results.js';
import { redact } from '../secrets.js';
import type { Drift } from './changes.js';
import { allureVerdict } from './allure-status.js';
import { allureName, outcomeOf, trendIdentity } from './results.js';

const STATUS: Record<Finding['severity'], Status> = { fail: 'fail', warn: 'warn', info: 'pass' };

/**
 * Each finding of the comparison with a baseline as a result of area `drift`, beside the checks' in JUnit, the summary,
 * --json and the HTML report: a run that drifted is never an all-green report. A finding that breaks clients fails
 * (MUST), one worth a look warns (SHOULD), information passes; each cites the baseline it was compared with.
 */
export function driftResults(drift: Drift | undefined, baselineFile: string | undefined): CheckResult[] {
  if (!drift || drift.taken || !baselineFile) return [];
  const cited = { ref: `the baseline ${baselineFile}`, url: pathToFileURL(resolve(baselineFile)).href };
  return drift.findings.map((f) => ({
    vendor: f.vendor,
    area: 'drift',
    checkId: 'drift.baseline',
    subject: f.path,
    name: `drift.baseline [${f.path}]: ${f.message}`,
    level: f.severity === 'fail' ? 'MUST' : 'SHOULD',
    spec: [cited],
    status: STATUS[f.severity],
    message: f.message,
    ...(f.before !== undefined && { expected: JSON.stringify(f.before) }),
    ...(f.after !== undefined && { actual: JSON.stringify(f.after) }),
  }));
}

/** The drift results as Allure results, written beside the checks' before the HTML report is built. */
export async function writeAllureDrift(resultsDir: string, results: CheckResult[], at: number): Promise<void> {
  for (const r of results) {
    const id = trendIdentity(r);
    const result = {
      uuid: randomUUID(),
      historyId: id,
      testCaseId: id,
      name: allureName(r),
      ...allureVerdict(r, at),
      stage: 'finished',
      description: `${r.message}.\n\nCompared with ${r.spec[0].ref}; before: ${r.expected ?? '(absent)'}, now: ${r.actual ?? '(absent)'}.`,
      labels: [
        { name: 'epic', value: r.vendor },
        { name: 'feature', value: 'drift' },
        { name: 'story', value: r.subject.split(/[.[]/)[0] },
        { name: 'severity', value: r.level === 'MUST' ? 'critical' : 'normal' },
        { name: 'level', value: r.level },
        { name: 'outcome', value: outcomeOf(r) },
      ],
      links: [],
      parameters: [{ name: 'changed', value: r.subject }],
      attachments: [],
      steps: [],
    };
    await writeFile(join(resultsDir, `${result.uuid}-result.json`), redact(JSON.stringify(result)));
  }
}
