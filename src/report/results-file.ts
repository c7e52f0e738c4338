import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CheckResult } from '../results.js';
import { redact } from '../secrets.js';
import { packageVersion } from '../version.js';
import type { ResultsFile } from './results-file.types.js';
import type { RunContext } from './summary.js';

/** Every result of a run as schemas/results.schema.json describes it (`--json FILE`), for scripts and dashboards. */
export function resultsFile(results: CheckResult[], { startedAt, durationMs }: RunContext): ResultsFile {
  return {
    tool: { name: 'oauth-conformance', version: packageVersion() },
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Math.round(durationMs),
    results: results.map((r) => ({
      id: r.checkId,
      vendor: r.vendor,
      area: r.area,
      ...(r.subject && { subject: r.subject }),
      status: r.status,
      level: r.level,
      spec: [...r.spec],
      message: r.message,
      ...(r.expected !== undefined && { expected: r.expected }),
      ...(r.actual !== undefined && { actual: r.actual }),
      ...(r.deviation !== undefined && { deviation: r.deviation }),
      ...(r.durationMs !== undefined && { durationMs: Math.round(r.durationMs) }),
    })),
  };
}

export async function writeResultsFile(path: string, results: CheckResult[], context: RunContext): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // The results are redacted already; the file is redacted as a whole once more, as every output is.
  await writeFile(path, redact(`${JSON.stringify(resultsFile(results, context), null, 2)}\n`));
}
