import type { CheckResult } from '../results.js';
import type { Outcome, StartedCheck } from './evaluate.js';
import { testName } from './plan.js';

/** A check's outcome as the reports see it: plain data, no exchanges. */
export function resultOf(check: Pick<StartedCheck, 'check' | 'suite' | 'subject'>, outcome: Outcome): CheckResult {
  const { check: c, suite, subject } = check;
  return {
    vendor: suite.vendor,
    area: c.area,
    checkId: c.id,
    subject,
    name: testName(check),
    level: c.level,
    spec: c.spec,
    status: outcome.status,
    message: outcome.message,
    ...(outcome.expected !== undefined && { expected: outcome.expected, actual: outcome.actual }),
    ...(outcome.deviation && { deviation: outcome.deviation }),
    ...(outcome.cause && { cause: outcome.cause }),
  };
}
