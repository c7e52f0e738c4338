import { fileURLToPath } from 'node:url';
import AllureReporter from 'allure-vitest/reporter';
import type { Reporter, TestModule } from 'vitest/node';
import { startVitest } from 'vitest/node';
import type { CheckResult } from '../report/results.js';
import { redact } from '../secrets.js';
import type { Plan } from './plan-context.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface VitestRun {
  results: CheckResult[];
  /** Failures outside any check (the engine itself): reported, and they fail the run. */
  errors: string[];
}

/** Collects each test's check result from its task meta once the run ends. */
class ResultCollector implements Reporter {
  readonly run: VitestRun = { results: [], errors: [] };

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ message?: string }>): void {
    for (const module of modules) {
      for (const error of module.errors()) this.run.errors.push(redact(error.message));
      for (const test of module.children.allTests()) {
        const result = test.meta().conformance;
        if (result) this.run.results.push({ ...result, durationMs: test.diagnostic()?.duration });
        else this.run.errors.push(redact(`${test.fullName}: ${test.result().errors?.[0]?.message ?? 'no result'}`));
      }
    }
    for (const error of unhandled) this.run.errors.push(redact(error.message ?? String(error)));
  }
}

/** Runs the plan as vitest tests with the Allure reporter, in-process; no vitest output reaches the console. */
export async function runWithVitest(plan: Plan, resultsDir: string): Promise<VitestRun> {
  const collector = new ResultCollector();
  const exitCode = process.exitCode;
  const vitest = await startVitest(
    'test',
    [],
    {
      config: false,
      root,
      include: ['src/engine/suites.vitest.ts'],
      watch: false,
      reporters: [new AllureReporter({ resultsDir }), collector],
      provide: { conformancePlan: plan },
      setupFiles: [fileURLToPath(import.meta.resolve('allure-vitest/setup'))],
      // One file whose checks share flows: one worker thread, no isolation cost.
      pool: 'threads',
      fileParallelism: false,
      isolate: false,
      // Flows carry their own per-request timeouts; a check waits for its flow however long the chain is.
      testTimeout: 0,
      hookTimeout: 0,
    },
    { logLevel: 'silent' },
  );
  await vitest?.close();
  // vitest sets process.exitCode for failed tests; the CLI decides the exit code from the results.
  process.exitCode = exitCode;
  if (!vitest) collector.run.errors.push('the test runner did not start');
  return collector.run;
}
