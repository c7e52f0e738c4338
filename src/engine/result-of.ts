import type { Exchange } from '../http/exchange.js';
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
    ...requestSpan(outcome.exchanges),
  };
}

/**
 * A check's time is that of the requests it judged: the checks of a vendor share its flows and run together, so the
 * time until a check's outcome says nothing of the check.
 */
function requestSpan(exchanges: Exchange[]): Pick<CheckResult, 'startedAt' | 'durationMs'> {
  if (exchanges.length === 0) return {};
  const starts = exchanges.map((e) => Date.parse(e.startedAt));
  const startedAt = Math.min(...starts);
  return { startedAt, durationMs: Math.max(...exchanges.map((e, i) => starts[i]! + e.durationMs)) - startedAt };
}
