import type { Area, Level, SpecRef } from '../checks/types.js';

export type ResultStatus = 'pass' | 'fail' | 'blocked' | 'skipped';

/** One check's result as every report writer sees it: already redacted, plain data. */
export interface CheckResult {
  vendor: string;
  area: Area;
  checkId: string;
  subject: string;
  /** The test name: starts with the check id. */
  name: string;
  level: Level;
  spec: SpecRef;
  status: ResultStatus;
  message: string;
  expected?: string;
  actual?: string;
  durationMs?: number;
}

/** Exit code per the CLI contract: 0 all pass, 1 a check failed or could not run. */
export function exitCodeOf(results: CheckResult[]): 0 | 1 {
  return results.some((r) => r.status === 'fail' || r.status === 'blocked') ? 1 : 0;
}

export function countByStatus(results: CheckResult[]): Record<ResultStatus, number> {
  const counts: Record<ResultStatus, number> = { pass: 0, fail: 0, blocked: 0, skipped: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}

/** The text a failure shows everywhere: what the rule says, expected vs actual, and where the rule is written. */
export function failureText(result: Pick<CheckResult, 'message' | 'expected' | 'actual' | 'spec'>): string {
  return [
    result.message,
    ...(result.expected !== undefined ? [`expected: ${result.expected}`, `actual:   ${result.actual}`] : []),
    `spec:     ${result.spec.ref} ${result.spec.url}`,
  ].join('\n');
}
