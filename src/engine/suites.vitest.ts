import { writeSnapshot } from '../drift/snapshot.js';
import { afterAll, describe, inject, test } from 'vitest';
import { closeBrowserAtEnd } from '../browser/chromium.js';
import { AREAS } from '../checks/types.js';
import { describeForAllure } from '../report/allure-labels.js';
import { Attachments } from '../report/attachments.js';
import { verdictText } from '../report/allure-status.js';
import type { CheckResult } from '../results.js';
import { addSecret, registeredSince } from '../secrets.js';
import { takeSnapshot } from '../drift/take.js';
import { startSuites, type StartedSuite } from './evaluate.js';
import { testName } from './plan.js';
import { resultOf } from './result-of.js';
import type { Plan } from './plan-context.js';

/**
 * The test file the runner hands to vitest: one describe per vendor, one per area, one test per check. Checks start
 * while the file is collected, so tests only await outcomes that are already on their way.
 */
const plan: Plan = inject('conformancePlan');
plan.secrets.forEach(addSecret);
const suites = startSuites(plan.suites, plan);
const started = suites.flatMap((s) => s.checks);
const attachments = new Attachments(plan.attachmentBudget);
// How many learned secrets (tokens, codes) have gone back to the runner with a test's result, which redacts its own
// outputs with them.
let handedBack = 0;

// What the run saw of each vendor, for drift detection against a baseline or the previous run.
afterAll(async () => {
  await closeBrowserAtEnd();
  const vendors = await Promise.all(suites.map(snapshotOf));
  await writeSnapshot(plan.snapshot, { version: 1, takenAt: new Date().toISOString(), vendors });
});

for (const suite of plan.suites) {
  describe(suite.vendor, () => {
    for (const area of AREAS) {
      const checks = started.filter((s) => s.suite === suite && s.check.area === area);
      if (checks.length === 0) continue;
      describe(area, () => {
        for (const check of checks) {
          test(testName(check), async (ctx) => {
            const outcome = await check.outcome;
            ctx.task.meta.conformance = resultOf(check, outcome);
            const leftOut = await describeForAllure(
              ctx.task.meta.conformance,
              { title: check.check.title, scope: check.check.scope, docs: suite.docs },
              outcome,
              attachments,
            );
            if (leftOut.count) ctx.task.meta.leftOut = leftOut;
            const learned = registeredSince(handedBack);
            ctx.task.meta.learnedSecrets = learned.values;
            handedBack = learned.next;
            if (outcome.status === 'skipped') ctx.skip(outcome.message);
            if (outcome.status === 'deviation') ctx.skip(`known deviation: ${outcome.deviation}`);
            if (outcome.status === 'fail' || outcome.status === 'blocked') throw failureOf(ctx.task.meta.conformance);
          });
        }
      });
    }
  });
}

/** What the run saw of a suite's vendor, and the status of each of its checks by test name. */
async function snapshotOf({ run, checks }: StartedSuite) {
  const statuses = await Promise.all(checks.map(async (c) => [testName(c), (await c.outcome).status] as const));
  const { vendor, loaded } = run.suite;
  return takeSnapshot(
    { vendor, grants: Object.keys(loaded.grants ?? {}), memo: run.memo, ...(loaded.embeddedOrigins && { embeddedOrigins: loaded.embeddedOrigins }) },
    Object.fromEntries(statuses),
  );
}

/** A violated rule reads as an assertion failure (Allure "failed"); a check that could not judge as "broken". */
function failureOf(result: CheckResult): Error {
  const error = new Error(verdictText(result));
  error.name = result.status === 'fail' ? 'AssertionError' : 'CheckBlocked';
  // The engine's stack says nothing about the vendor; the message is the whole story.
  error.stack = `${error.name}: ${error.message}`;
  return error;
}
