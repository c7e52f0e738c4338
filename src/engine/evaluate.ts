import type { BrowserOptions } from '../browser/chromium.js';
import type { Verdict } from '../checks/types.js';
import { Blocked, NotApplicable } from '../flows/blocked.js';
import { SuiteRun } from '../flows/suite-run.js';
import { root } from '../http/chain.js';
import { defaultHttpOptions, type HttpOptions } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import type { Conclusion } from '../results.js';
import { redact } from '../secrets.js';
import type { LoadedSuite } from '../suite/loaded-suite.js';
import { planChecks, type CheckInstance } from './plan.js';

/** A check's conclusion with the evidence it judged: the exchanges and what else it observed. */
export interface Outcome extends Conclusion {
  exchanges: Exchange[];
  /** What the check observed beyond HTTP exchanges. */
  observed?: unknown;
}

export interface StartedCheck extends CheckInstance {
  outcome: Promise<Outcome>;
}

export interface RunOptions {
  only?: string[];
  http?: HttpOptions;
  /** Warnings (SHOULD) count as failures. */
  strict?: boolean;
  /** Run the probes that wait out lifetimes. */
  long?: boolean;
  /** Run only this part of the checks (1-based index of count), as CI jobs split a large run. */
  shard?: { index: number; count: number };
  browser?: BrowserOptions;
  /** Print each request and its answer as it happens (--verbose). */
  verbose?: boolean;
}

export interface StartedSuite {
  run: SuiteRun;
  checks: StartedCheck[];
}

/**
 * Starts every selected check of every suite at once. Each suite's flows are memoised, so checks that need the
 * same exchange share it, and independent suites and flows proceed concurrently: the run takes about as long as
 * its longest chain of dependent requests. Each suite keeps its run: what was fetched also makes the snapshot.
 */
export function startSuites(suites: LoadedSuite[], options: RunOptions = {}): StartedSuite[] {
  const { index, count } = options.shard ?? { index: 1, count: 1 };
  let position = 0;
  return suites.map((suite) => {
    const long = options.long ?? false;
    const run = new SuiteRun(suite, {
      http: options.http ?? defaultHttpOptions,
      long,
      ...(options.browser && { browser: options.browser }),
      ...(options.verbose && { verbose: true }),
    });
    // A check's shard is its place in the whole run, so shards split evenly and the same way every time.
    const mine = planChecks(suite, options.only, { long }).filter(() => position++ % count === index - 1);
    return { run, checks: mine.map((instance) => ({ ...instance, outcome: evaluate(instance, run, options.strict ?? false) })) };
  });
}

/** One check, gathered through the suite's flows and judged. */
export async function evaluate(instance: CheckInstance, run: SuiteRun, strict: boolean): Promise<Outcome> {
  if (instance.skip) return { status: 'skipped', message: instance.skip, exchanges: [] };
  const { check, subject } = instance;
  let evidence;
  try {
    evidence = await root(async () => {
      // The endpoint it requires, once the metadata says whether there is one.
      if (check.requires?.endpoint) await run.endpoint(check.requires.endpoint);
      return check.gather(run, subject);
    });
  } catch (error) {
    if (error instanceof NotApplicable) return { status: 'skipped', message: redact(error.message), exchanges: [] };
    // A crash in one check must not cost the run its other results: it is reported as a check that could not run.
    if (!(error instanceof Blocked))
      return {
        status: 'blocked',
        message: redact(`the check crashed (a bug in oauth-conformance, please report it): ${(error as Error).stack ?? String(error)}`),
        exchanges: [],
      };
    const transport = error.exchanges.some((e) => e.error !== undefined);
    return { status: 'blocked', message: redact(error.message), exchanges: error.exchanges, ...(transport && { cause: 'transport' as const }) };
  }
  return {
    ...judged(instance, instance.check.judge(evidence), evidence.exchanges, strict),
    ...(evidence.observed !== undefined && { observed: evidence.observed }),
  };
}

/** Applies the requirement level and the suite's declared deviations to a verdict. */
function judged(instance: CheckInstance, verdict: Verdict, exchanges: Exchange[], strict: boolean): Outcome {
  const declared = instance.suite.deviations?.[instance.check.id];
  const deviation = typeof declared === 'object' ? `${declared.versions}: ${declared.reason}` : declared;
  const message = redact(verdict.message);
  // A deviation of some versions only is no stale declaration when the vendor conforms: this is another version.
  if (verdict.status === 'pass' && typeof declared === 'object')
    return { status: 'pass', message: `${message} (conforms: not one of the versions that deviate, ${redact(declared.versions)})`, exchanges };
  if (verdict.status === 'pass') return { status: 'pass', message, exchanges, ...(deviation && { deviation }) };
  if (verdict.status === 'blocked')
    return { status: 'blocked', message, exchanges, ...(exchanges.some((e) => e.error !== undefined) && { cause: 'transport' as const }) };
  const status = deviation ? 'deviation' : instance.check.level === 'SHOULD' && !strict ? 'warn' : 'fail';
  return { status, message, expected: redact(verdict.expected), actual: redact(verdict.actual), exchanges, ...(deviation && { deviation }) };
}
