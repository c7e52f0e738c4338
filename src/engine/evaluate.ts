import type { Verdict } from '../checks/types.js';
import { Blocked } from '../flows/blocked.js';
import { SuiteFlows } from '../flows/suite-flows.js';
import type { HttpOptions } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { redact } from '../secrets.js';
import type { LoadedSuite } from '../suite/load.js';
import { planChecks, type CheckInstance } from './plan.js';

/** A check's result: its verdict, or why it could not judge (blocked) or did not run (skipped). */
export type Outcome =
  | (Verdict & { exchanges: Exchange[] })
  | { status: 'blocked'; message: string; exchanges: Exchange[] }
  | { status: 'skipped'; message: string; exchanges: Exchange[] };

export interface StartedCheck extends CheckInstance {
  outcome: Promise<Outcome>;
}

export interface RunOptions {
  only?: string[];
  http?: HttpOptions;
}

/**
 * Starts every selected check of every suite at once. Each suite's flows are memoised, so checks that need the
 * same exchange share it, and independent suites and flows proceed concurrently: the run takes about as long as
 * its longest chain of dependent requests.
 */
export function startChecks(suites: LoadedSuite[], options: RunOptions = {}): StartedCheck[] {
  return suites.flatMap((suite) => {
    const flows = new SuiteFlows(suite, options.http);
    return planChecks(suite, options.only).map((instance) => ({ ...instance, outcome: evaluate(instance, flows) }));
  });
}

async function evaluate(instance: CheckInstance, flows: SuiteFlows): Promise<Outcome> {
  if (instance.skip) return { status: 'skipped', message: instance.skip, exchanges: [] };
  let evidence;
  try {
    evidence = await instance.check.gather(flows, instance.subject);
  } catch (error) {
    if (!(error instanceof Blocked)) throw error;
    return { status: 'blocked', message: redact(error.message), exchanges: error.exchanges };
  }
  const verdict = instance.check.judge(evidence);
  return verdict.status === 'pass'
    ? { ...verdict, message: redact(verdict.message), exchanges: evidence.exchanges }
    : { ...verdict, message: redact(verdict.message), expected: redact(verdict.expected), actual: redact(verdict.actual), exchanges: evidence.exchanges };
}
