import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { resultChanges } from '../drift/changes.js';
import { compare } from '../drift/compare.js';
import { readSnapshot, type Snapshot } from '../drift/snapshot.js';
import type { Plan } from '../engine/plan-context.js';
import { runWithVitest, type VitestRun } from '../engine/run-vitest.js';
import { defaultHttpOptions } from '../http/client.js';
import { markOwnFolder, refuseForeignFolders, removeOwnFolder, reportFolder, resultsFolder, type OutputFolder } from '../report/output-folders.js';
import { settleAllureResults } from '../report/allure-status.js';
import { redactOutputs } from '../report/redact-outputs.js';
import { planChecks } from '../engine/plan.js';
import { ConfigError } from '../suite/errors.js';
import type { LoadedSuite } from '../suite/loaded-suite.js';
import { runOptions, type BaselineOptions, type RunOptions } from './command-options.js';
import { loadEnv } from './env.js';
import { optionDefaults } from './options.js';
import { prepareSuites, type Prepared } from './prepare.js';
import { reportRun, type FailingBefore, type Seen } from './run-reports.js';
import { runSettings, type RunSettings } from './run-settings.js';

interface Before {
  /** The results folder, checked to be the tool's. */
  results: OutputFolder;
  /** In --out, so each shard and each output set keeps its own. */
  snapshotFile: string;
  baseline?: Snapshot;
  /** A --baseline file that is not there yet: this run's snapshot becomes it. */
  newBaseline?: string;
  /** The previous run's snapshot, read before this run replaces it: what "changed since the previous run" compares to. */
  previous?: Snapshot;
}

/**
 * `conformance run`: load suites, run every check as a vitest test, write Allure results, JUnit, summary and HTML,
 * and compare what was seen with the baseline (or the previous run).
 */
export async function runCommand(options: RunOptions): Promise<number> {
  return run(runSettings(options));
}

/** `conformance baseline`: a run kept for what it saw. Its other options are a run's defaults; no verdict fails it. */
export async function baselineCommand(options: BaselineOptions): Promise<number> {
  // --out named the baseline file before it named the reports' folder, as it does for run and report.
  if (options.out.endsWith('.json'))
    throw new ConfigError({
      message: `--out ${options.out}: --out is the folder the baseline run's reports go in`,
      fix: `name the baseline file with --file ${options.out}`,
    });
  const settings = runSettings({ ...optionDefaults(runOptions), ...options });
  return run({ ...settings, saveBaseline: options.file, failOn: 'never', html: false });
}

/** The run, from the folders it replaces and the suites it loads to the reports it writes. */
async function run(settings: RunSettings): Promise<number> {
  const startedAt = Date.now();
  const before = await beforeRun(settings);
  const env = loadEnv(settings.envFile);
  const prepared = await prepareSuites({
    suites: settings.suites,
    env,
    profile: settings.profile,
    sandboxPort: settings.sandboxPort,
    leaveOutBrowserDemos: true,
  });
  try {
    const suites = suitesToRun(prepared, settings.shard);
    refuseWhenNothingApplies(suites, settings);
    // Allure never empties its results directory: stale results would mix into this run's report.
    await removeOwnFolder(before.results);
    await markOwnFolder(before.results.path);
    const checked = await runWithVitest(planOf(suites, settings, before.snapshotFile, startedAt), settings.outputs.resultsDir);
    const targets = Object.fromEntries(prepared.suites.flatMap(({ suite, target }) => (target ? [[suite.vendor, target]] : [])));
    return await reportRun({ ...(await afterRun(checked, settings, before, startedAt)), context: { startedAt, targets } }, settings);
  } finally {
    await prepared.close();
  }
}

/** Every folder the run replaces, checked before it starts (a refusal costs no run time and deletes nothing), and the snapshots it compares with. */
async function beforeRun({ outputs, html, baseline }: RunSettings): Promise<Before> {
  const results = resultsFolder(outputs.resultsDir);
  await refuseForeignFolders(html ? [results, reportFolder(outputs.reportDir)] : [results]);
  const snapshotFile = resolve(outputs.snapshot);
  const missing = baseline !== undefined && !existsSync(baseline);
  return {
    results,
    snapshotFile,
    baseline: baseline && !missing ? await readSnapshot(baseline) : undefined,
    ...(missing && { newBaseline: baseline }),
    previous: existsSync(snapshotFile) ? await readSnapshot(snapshotFile).catch(() => undefined) : undefined,
  };
}

/**
 * A selection in which every check would be skipped is refused before any folder is replaced: its run would replace
 * the last reports with nothing but skips.
 */
function refuseWhenNothingApplies(suites: LoadedSuite[], { only, long }: RunSettings): void {
  const planned = suites.flatMap((suite) => planChecks(suite, only, { long }));
  if (planned.some((instance) => instance.skip === undefined)) return;
  const reasons = [...new Set(planned.map((instance) => instance.skip))];
  const said = `${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? `; and ${reasons.length - 3} more reasons` : ''}`;
  throw new ConfigError({
    message: `no check applies to ${suites.map((s) => s.name).join(', ')}${only.length ? ` with --only ${only.join(',')}` : ''}: the ${planned.length} planned would all be skipped (${said})`,
    fix: 'select other areas or checks (`conformance list` says what each needs), or configure the parts they need; the last reports were left as they were',
  });
}

/** What was failing in a run, by its snapshot: its failed and unrunnable checks, and its breaking drift from the baseline. */
function failingIn(previous: Snapshot, baseline: Snapshot | undefined): FailingBefore {
  const checks = previous.vendors.flatMap(({ vendor, results = {} }) =>
    Object.entries(results).flatMap(([name, status]) => (status === 'fail' || status === 'blocked' ? [`${vendor} ${name}`] : [])),
  );
  const drift = baseline ? compare(baseline, previous).flatMap((f) => (f.severity === 'fail' ? [`${f.vendor} ${f.path}`] : [])) : [];
  return { checks: new Set(checks), drift: new Set(drift) };
}

/** The suites that run, saying which are left out and why; stops when none is left. */
function suitesToRun(prepared: Prepared, shard: RunSettings['shard']): LoadedSuite[] {
  for (const s of prepared.notConfigured) console.log(`${s.name}: not configured, skipped (set ${s.variables.join(', ')}; see .env.example)`);
  for (const name of prepared.browserDemos) console.log(`${name}: logs in with a browser, run it with --suite ${name}`);
  if (prepared.suites.length === 0) {
    throw new ConfigError({ message: 'no suite to run', fix: 'set the variables of a suite (see .env.example) or pass --suite NAME' });
  }
  const names = prepared.suites.map(({ suite, target }) => (target ? `${suite.name} (${target})` : suite.name));
  console.log(`Running ${names.join(', ')}${shard ? `, shard ${shard.index}/${shard.count}` : ''}`);
  return prepared.suites.map((p) => p.suite);
}

function planOf(suites: LoadedSuite[], settings: RunSettings, snapshot: string, startedAt: number): Plan {
  const { deadlineSeconds, ...http } = settings.http;
  return {
    suites,
    secrets: suites.flatMap((s) => s.secrets),
    only: settings.only,
    strict: settings.strict,
    long: settings.long,
    ...(settings.shard && { shard: settings.shard }),
    http: { ...defaultHttpOptions, ...http, ...(deadlineSeconds !== undefined && { deadlineAt: startedAt + deadlineSeconds * 1000 }) },
    browser: settings.browser,
    snapshot,
    attachmentBudget: settings.budgetMb * 1024 * 1024,
    verbose: settings.verbose,
  };
}

/** The run's outputs redacted, its snapshot kept as a baseline when asked, and what changed since the baseline and the previous run. */
async function afterRun(
  run: VitestRun,
  settings: RunSettings,
  { snapshotFile, baseline, newBaseline, previous }: Before,
  startedAt: number,
): Promise<Omit<Seen, 'context'>> {
  await redactOutputs([settings.outputs.resultsDir, snapshotFile]);
  await settleAllureResults(settings.outputs.resultsDir, run.results, startedAt);
  // An interrupted run may have stopped before the snapshot, and a run whose engine failed may have taken none: their
  // results still get their reports, and the engine's errors are said, not a missing snapshot's.
  const current = run.interrupted
    ? undefined
    : await readSnapshot(snapshotFile).catch((error: unknown) => {
        if (run.errors.length > 0) return undefined;
        throw error;
      });
  for (const file of [settings.saveBaseline, newBaseline]) {
    if (!current || !file) continue;
    await mkdir(dirname(resolve(file)), { recursive: true });
    await copyFile(snapshotFile, file);
  }
  return {
    run,
    // Drift is judged against a baseline only; a baseline taken by this very run has nothing to report yet.
    drift:
      current && newBaseline
        ? { against: `the baseline ${newBaseline}`, findings: [], taken: true }
        : baseline && current
          ? { against: `the baseline ${settings.baseline}`, findings: compare(baseline, current) }
          : undefined,
    changed: previous && current ? resultChanges(previous, current) : [],
    ...(previous && { failingBefore: failingIn(previous, baseline) }),
    incomplete: run.interrupted
      ? `INCOMPLETE RUN: stopped by ${run.interrupted.signal}; ${run.results.length} checks finished and are reported, ${run.interrupted.unfinished} did not finish.`
      : undefined,
  };
}
