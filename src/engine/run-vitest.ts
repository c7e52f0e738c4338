import { fileURLToPath } from 'node:url';
import AllureReporter from 'allure-vitest/reporter';
import type { Writer } from 'allure-js-commons/sdk/reporter';
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import { createVitest } from 'vitest/node';
import type { LeftOut } from '../report/attachments.js';
import { ResultsWriter } from '../report/allure-writer.js';
import type { CheckResult } from '../results.js';
import { printable } from '../report/terminal.js';
import { addSecret, redact } from '../secrets.js';
import { moduleCacheDir, toolRoot } from './module-cache.js';
import type { Plan } from './plan-context.js';

export interface VitestRun {
  results: CheckResult[];
  /** Failures outside any check (the engine itself): reported, and they fail the run. */
  errors: string[];
  /** Set when a signal stopped the run: the results are those gathered until then. */
  interrupted?: { signal: string; unfinished: number };
  /** What the attachment budget kept out of the results. */
  leftOut: LeftOut;
}

/** Collects each test's check result from its task meta once the run ends; passes on what --verbose prints. */
class ResultCollector implements Reporter {
  readonly run: VitestRun = { results: [], errors: [], leftOut: { count: 0, bytes: 0 } };

  constructor(private readonly verbose: boolean) {}

  /** The request lines the worker prints under --verbose, redacted with all the runner knows, controls removed. */
  onUserConsoleLog(log: { content: string }): void {
    if (this.verbose) process.stdout.write(redact(printable(log.content)));
  }

  /** Before Allure's reporter writes the result: it may quote what the worker learned later than it redacted. */
  onTestCaseResult(test: TestCase): void {
    test.meta().learnedSecrets?.forEach(addSecret);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ message?: string }>): void {
    for (const module of modules) {
      for (const error of module.errors()) this.run.errors.push(redact(error.message));
      for (const test of module.children.allTests()) {
        const { conformance: result, leftOut } = test.meta();
        if (leftOut) {
          this.run.leftOut.count += leftOut.count;
          this.run.leftOut.bytes += leftOut.bytes;
        }
        if (result) this.run.results.push(result);
        else if (this.run.interrupted) this.run.interrupted.unfinished++;
        else this.run.errors.push(redact(`${test.fullName}: ${test.result().errors?.[0]?.message ?? 'no result'}`));
      }
    }
    for (const error of unhandled) this.run.errors.push(redact(error.message ?? 'an unhandled error without a message'));
  }
}

/** Allure's vitest reporter, writing with ResultsWriter (its own writer is fixed in its constructor's use). */
class AllureResults extends AllureReporter {
  constructor(private readonly resultsDir: string) {
    super({ resultsDir });
  }

  override onInit(vitest: Vitest): void {
    super.onInit(vitest);
    const runtime = (this as unknown as { allureReporterRuntime?: { writer?: Writer } }).allureReporterRuntime;
    if (!runtime?.writer) throw new Error('allure-vitest has no reporter runtime writer to replace: see src/report/allure-writer.ts');
    runtime.writer = new ResultsWriter(this.resultsDir);
  }
}

/**
 * Runs the plan as vitest tests with the Allure reporter, in-process; no vitest output reaches the console. SIGINT
 * or SIGTERM cancels the run and keeps what finished, so an interrupted run still leaves its reports.
 */
export async function runWithVitest(plan: Plan, resultsDir: string): Promise<VitestRun> {
  // The runner writes JUnit, the summary and the console from these results: it redacts with the suites' secrets too.
  plan.secrets.forEach(addSecret);
  const collector = new ResultCollector(plan.verbose);
  const exitCode = process.exitCode;
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = signals.map((signal) => new Set(process.listeners(signal)));
  const vitest = await createVitest(
    'test',
    {
      config: false,
      root: toolRoot,
      include: ['src/engine/suites.vitest.ts'],
      watch: false,
      reporters: [collector, new AllureResults(resultsDir)],
      provide: { conformancePlan: plan },
      setupFiles: [fileURLToPath(import.meta.resolve('allure-vitest/setup'))],
      // One file whose checks share flows: one worker thread, no isolation cost.
      pool: 'threads',
      fileParallelism: false,
      isolate: false,
      // Flows carry their own per-request timeouts; a check waits for its flow however long the chain is.
      testTimeout: 0,
      hookTimeout: 0,
      // Its results cache orders test files by past failures, and there is one file; it would be written inside the
      // tool's own folder (node_modules/.vite under the package), outside --out.
      cache: false,
      // The worker's transformed sources, kept between runs: a run starts ~0.2 s sooner (bench: start to first request).
      experimental: { fsModuleCache: true, fsModuleCachePath: moduleCacheDir() },
    },
    { logLevel: 'silent' },
  );
  // vitest's logger exits the process on a signal; here the run is cancelled instead, so its reports are written.
  signals.forEach((signal, i) =>
    process
      .listeners(signal)
      .filter((l) => !before[i]!.has(l))
      .forEach((l) => process.off(signal, l)),
  );
  const stop = (signal: NodeJS.Signals) => {
    collector.run.interrupted = { signal, unfinished: 0 };
    void vitest.cancelCurrentRun('keyboard-input');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await vitest.start([]);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await vitest.close();
  }
  // vitest sets process.exitCode for failed tests; the CLI decides the exit code from the results.
  process.exitCode = exitCode;
  return collector.run;
}
