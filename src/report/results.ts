import type { Area, Level, SpecRef } from '../checks/types.js';

export type ResultStatus = 'pass' | 'fail' | 'warn' | 'deviation' | 'blocked' | 'skipped';

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
  /** The suite's documented reason when it declares a deviation for this check; on a pass, the vendor now conforms. */
  deviation?: string;
  /** A blocked check whose request never got an answer. */
  cause?: 'transport';
  durationMs?: number;
}

/** Exit code per the CLI contract: 0 all pass, 1 a check failed or could not run. */
export function exitCodeOf(results: CheckResult[]): 0 | 1 {
  return results.some((r) => r.status === 'fail' || r.status === 'blocked') ? 1 : 0;
}

export function countByStatus(results: CheckResult[]): Record<ResultStatus, number> {
  const counts: Record<ResultStatus, number> = { pass: 0, fail: 0, warn: 0, deviation: 0, blocked: 0, skipped: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}

/** How a result is filed in the report's categories (Allure label `outcome`). */
export function outcomeOf(result: Pick<CheckResult, 'status' | 'deviation' | 'cause'>): string {
  switch (result.status) {
    case 'fail':
      return 'violation';
    case 'warn':
      return 'warning';
    case 'blocked':
      return result.cause === 'transport' ? 'transport' : 'blocked';
    case 'pass':
      return result.deviation ? 'deviation-resolved' : 'pass';
    default:
      return result.status;
  }
}

/** The text a failure shows everywhere: what the rule says, expected vs actual, and where the rule is written. */
export function failureText(result: Pick<CheckResult, 'message' | 'expected' | 'actual' | 'spec'>): string {
  return [
    result.message,
    ...(result.expected !== undefined ? [`expected: ${result.expected}`, `actual:   ${result.actual}`] : []),
    `spec:     ${result.spec.ref} ${result.spec.url}`,
  ].join('\n');
}
