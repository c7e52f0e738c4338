import { createHash } from 'node:crypto';
import type { CheckResult, Status } from '../results.js';

export function countByStatus(results: CheckResult[]): Record<Status, number> {
  const counts: Record<Status, number> = { pass: 0, fail: 0, warn: 0, deviation: 0, blocked: 0, skipped: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}

/** A result's test name in the HTML report: its vendor first, as the Categories view lists tests by name alone. */
export function allureName(result: Pick<CheckResult, 'vendor' | 'name'>): string {
  return `${result.vendor} · ${result.name}`;
}

/**
 * A result's identity in the report's trend: what was tested (vendor, check, subject), not the runner's file path and
 * titles, so rewording a title or moving the runner keeps its history.
 */
export function trendIdentity({ vendor, checkId, subject }: Pick<CheckResult, 'vendor' | 'checkId' | 'subject'>): string {
  return createHash('sha256').update(`${vendor}\n${checkId}\n${subject}`).digest('hex').slice(0, 32);
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
    `spec:     ${result.spec.map((s) => `${s.ref} ${s.url}`).join('; ')}`,
  ].join('\n');
}
