import type { SuiteFlows } from '../flows/suite-flows.js';
import type { Grant } from '../suite/suite.types.js';
import type { Area, Evidence, Level, Scope, SpecRef, Verdict } from './types.js';

/**
 * A conformance check: `gather` reads what it needs through the suite's memoised flows, `judge` is a pure
 * function of that evidence. `subject` is the grant or resource name for grant- and resource-scoped checks.
 */
export interface Check<E extends Evidence = Evidence> {
  id: string;
  area: Area;
  title: string;
  level: Level;
  spec: SpecRef;
  scope: Scope;
  /** For grant-scoped checks: the grant types it applies to (all when absent). */
  grantTypes?: ReadonlyArray<Grant['type']>;
  gather(flows: SuiteFlows, subject: string): Promise<E>;
  judge(evidence: E): Verdict;
}

export function defineCheck<E extends Evidence>(check: Check<E> & { id: `${Area}.${string}` }): Check {
  if (!check.id.startsWith(`${check.area}.`)) throw new Error(`check ${check.id} must start with its area ${check.area}`);
  return check as unknown as Check;
}
