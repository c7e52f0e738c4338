import type { Area, Citations, Level } from './checks/types.js';

/**
 * How a check ended. Beyond pass and fail: warn (a SHOULD broken), deviation (a rule the suite documents the vendor
 * breaks), blocked (it could not run: what it needs could not be obtained) and skipped (it does not apply).
 */
export type Status = 'pass' | 'fail' | 'warn' | 'deviation' | 'blocked' | 'skipped';

/** What a check concluded, already redacted. */
export interface Conclusion {
  status: Status;
  message: string;
  expected?: string;
  actual?: string;
  /** The suite's documented reason, when it declares a deviation for this check (also on a pass: the vendor now conforms). */
  deviation?: string;
  /** A blocked check whose request never got an answer. */
  cause?: 'transport';
}

/** One check's result as every report writer sees it: plain data, already redacted. */
export interface CheckResult extends Conclusion {
  vendor: string;
  /** The check's area, or `drift` for a finding of the comparison with a baseline (report/drift-results.ts). */
  area: Area | 'drift';
  checkId: string;
  subject: string;
  /** The test name: starts with the check id. */
  name: string;
  level: Level;
  spec: Citations;
  /** When the first request the check judged was sent (epoch ms); absent when it judged none. */
  startedAt?: number;
  /** How long the requests it judged took, from the first sent to the last answered. */
  durationMs?: number;
}
