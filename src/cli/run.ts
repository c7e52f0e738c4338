import { existsSync } from 'node:fs';
import { appendFile, copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resultChanges } from '../drift/changes.js';
import { compare, type Finding } from '../drift/compare.js';
import { readSnapshot } from '../drift/snapshot.js';
import { runWithVitest } from '../engine/run-vitest.js';
import { selectChecks } from '../engine/plan.js';
import { defaultHttpOptions } from '../http/client.js';
import { changeLines } from '../report/changes.js';
import { generateHtml } from '../report/html.js';
import { markOwnFolder, refuseForeignFolders, removeOwnFolder, reportFolder, resultsFolder } from '../report/output-folders.js';
import { writeJunit } from '../report/junit.js';
import { redactOutputs } from '../report/redact-outputs.js';
import type { CheckResult } from '../results.js';
import { consoleSummary, writeSummary } from '../report/summary.js';
import { printable } from '../report/terminal.js';
import { redact } from '../secrets.js';
import { ConfigError } from '../suite/errors.js';
import { FAIL_ON, runOptions, type BaselineOptions, type FailOn, type RunOptions } from './command-options.js';
import { loadEnv } from './env.js';
import { optionDefaults } from './options.js';
import { prepareSuites } from './prepare.js';

/** The run's options, and where `conformance baseline` keeps the run's snapshot. */
type RunCommandOptions = RunOptions & { 'save-baseline'?: string };

/**
 * `conformance run`: load suites, run every check as a vitest test, write Allure results, JUnit, summary and HTML,
 * and compare what was seen with the baseline (or the previous run).
 */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  const timeoutMs = Number(options.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigError({ message: `--timeout ${options.timeout} is not a positive number of milliseconds`, fix: 'e.g. --timeout 10000' });
  }
  const failOn = parseFailOn(options['fail-on']);
  const deadlineSeconds = options.deadline === undefined ? undefined : Number(options.deadline);
  if (deadlineSeconds !== undefined && !(deadlineSeconds > 0)) {
    throw new ConfigError({ message: `--deadline ${options.deadline} is not a positive number of seconds`, fix: 'e.g. --deadline 600 ends the run after ten minutes, reporting what is unfinished' });
  }
  const connections = Number(options.connections);
  if (!Number.isInteger(connections) || connections < 1) {
    throw new ConfigError({ message: `--connections ${options.connections} is not a positive whole number`, fix: 'e.g. --connections 4 for a vendor that must not be hammered' });
  }
  const budgetMb = Number(options['results-budget']);
  if (!(budgetMb > 0)) {
    throw new ConfigError({ message: `--results-budget ${options['results-budget']} is not a positive number of megabytes`, fix: `e.g. --results-budget ${runOptions['results-budget'].default}` });
  }
  const startedAt = Date.now();
  const shard = parseShard(options.shard);
  const only = options.only ?? [];
  selectChecks(only);
  const results = resultsFolder(options['results-dir']);
  // Every folder the run replaces, checked before it starts: a refusal costs no run time and deletes nothing.
  await refuseForeignFolders(options['no-html'] ? [results] : [results, reportFolder(options['report-dir'])]);
  const baseline = options.baseline ? await readSnapshot(options.baseline) : undefined;
  // Beside the results directory, so each shard and each output set keeps its own.
  const snapshotFile = resolve(options['results-dir'], '..', 'snapshot.json');
  // The previous run's snapshot, read before this run replaces it: what "changed since the previous run" compares to.
  const previous = existsSync(snapshotFile) ? await readSnapshot(snapshotFile).catch(() => undefined) : undefined;
  const env = loadEnv(options['env-file']);
  const sandboxPort = options['sandbox-port'] === undefined ? undefined : Number(options['sandbox-port']);
  if (sandboxPort !== undefined && (!Number.isInteger(sandboxPort) || sandboxPort < 1 || sandboxPort > 65534)) {
    throw new ConfigError({ message: `--sandbox-port ${options['sandbox-port']} is not a port number`, fix: 'a free port P (the resource takes P+1)' });
  }
  const prepared = await prepareSuites({ suites: options.suite ?? [], env, profile: options.profile, sandboxPort, leaveOutBrowserDemos: true });
  const suites = prepared.suites.map((p) => p.suite);
  try {
    for (const s of prepared.notConfigured) console.log(`${s.name}: not configured, skipped (set ${s.variables.join(', ')}; see .env.example)`);
    for (const name of prepared.browserDemos) console.log(`${name}: logs in with a browser, run it with --suite ${name}`);
    if (suites.length === 0) {
      throw new ConfigError({ message: 'no suite to run', fix: 'set the variables of a suite (see .env.example) or pass --suite NAME' });
    }
    console.log(`Running ${prepared.suites.map(({ suite, target }) => (target ? `${suite.name} (${target})` : suite.name)).join(', ')}${shard ? `, shard ${shard.index}/${shard.count}` : ''}`);

    // Allure never empties its results directory: stale results would mix into this run's report.
    await removeOwnFolder(results);
    await markOwnFolder(results.path);
    const run = await runWithVitest(
      {
        suites,
        secrets: suites.flatMap((s) => s.secrets),
        only,
        strict: options.strict ?? false,
        long: options.long ?? false,
        ...(shard && { shard }),
        http: {
          ...defaultHttpOptions,
          timeoutMs,
          allowInsecureHttp: options['allow-insecure-http'] ?? false,
          connections,
          ...(deadlineSeconds !== undefined && { deadlineAt: startedAt + deadlineSeconds * 1000 }),
        },
        browser: { headed: options.headed ?? false, ...(options['browser-trace'] && { traceDir: resolve(options['browser-trace']) }) },
        snapshot: snapshotFile,
        attachmentBudget: budgetMb * 1024 * 1024,
      },
      options['results-dir'],
    );
    await redactOutputs([options['results-dir'], snapshotFile]);
    // An interrupted run may have stopped before the snapshot: its results still get their reports.
    const current = run.interrupted ? undefined : await readSnapshot(snapshotFile);
    if (current && options['save-baseline']) await copyFile(snapshotFile, options['save-baseline']);
    // Drift is judged against a baseline only: between two runs against the embedded servers, every URL moves.
    const drift = baseline && current ? { against: `the baseline ${options.baseline}`, findings: compare(baseline, current) } : undefined;
    const changed = previous && current ? resultChanges(previous, current) : [];
    const changes = changeLines(drift, changed, false);
    const incomplete = run.interrupted
      ? `INCOMPLETE RUN: stopped by ${run.interrupted.signal}; ${run.results.length} checks finished and are reported, ${run.interrupted.unfinished} did not finish.`
      : undefined;

    await writeJunit(options.junit, run.results);
    await writeSummary(options.summary, run.results);
    await appendFile(options.summary, `${[...(incomplete ? ['', `**${incomplete}**`] : []), ...changeLines(drift, changed, true)].join('\n')}\n`);
    if (incomplete) console.log(`\n${incomplete}`);
    console.log(`\n${consoleSummary(run.results)}`);
    if (changes.length) console.log(changes.join('\n'));
    // Errors may quote the server: no escape sequence of its reaches the terminal.
    for (const error of run.errors) console.error(`error: ${redact(printable(error))}`);
    if (run.leftOut.count) {
      console.log(`${run.leftOut.count} attachments (${megabytes(run.leftOut.bytes)} MB) were left out of ${options['results-dir']}: they would have taken it past --results-budget ${budgetMb} MB; notes in the report say which.`);
    }

    const html = options['no-html'] ? undefined : await htmlReport(options);
    if (run.results.some((r) => r.status === 'skipped')) console.log(`Skipped checks did not apply; why is listed in ${options.summary} and the report.`);
    if (options['save-baseline']) console.log(`Baseline written to ${options['save-baseline']}`);
    console.log(
      `\nReports: ${html === 'written' ? `${options['report-dir']}/index.html, ` : ''}${options.junit}, ${options.summary}, ${options['results-dir']}/`,
    );
    return run.errors.length > 0 || incomplete || html === 'failed' ? 1 : exitCode(failOn, run.results, drift?.findings ?? []);
  } finally {
    await prepared.close();
  }
}

/** `conformance baseline`: a run kept for what it saw. Its other options are a run's defaults; no verdict fails it. */
export async function baselineCommand(options: BaselineOptions): Promise<number> {
  return runCommand({ ...optionDefaults(runOptions), ...options, 'save-baseline': options.out, 'fail-on': 'never', 'no-html': true });
}

/** The HTML report; when it cannot be built the run says so and fails, and the other reports stand. */
async function htmlReport(options: RunCommandOptions): Promise<'written' | 'failed'> {
  try {
    for (const warning of await generateHtml([options['results-dir']], options['report-dir'], options.history)) console.error(`warning: ${warning}`);
    return 'written';
  } catch (error) {
    console.error(`error: the HTML report was not written: ${(error as Error).message}\n  JUnit, the summary and the results in ${options['results-dir']} were.`);
    return 'failed';
  }
}

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/**
 * The exit code a monitoring job asked for: by default (fail) a failed or unrunnable check, or drift from the
 * baseline that breaks clients, exits 1; `warn` adds warnings and drift worth a look; `never` always exits 0.
 */
function exitCode(failOn: FailOn, results: CheckResult[], findings: Finding[]): 0 | 1 {
  if (failOn === 'never') return 0;
  const severe = (status: string) => status === 'fail' || status === 'blocked' || (failOn === 'warn' && status === 'warn');
  return results.some((r) => severe(r.status)) || findings.some((f) => severe(f.severity)) ? 1 : 0;
}

function parseFailOn(value: string): FailOn {
  const failOn = FAIL_ON.find((known) => known === value);
  if (failOn) return failOn;
  throw new ConfigError({ message: `--fail-on ${value}: not one of ${FAIL_ON.join(', ')}`, fix: 'use --fail-on fail (default), warn or never' });
}

function parseShard(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || count < 1 || index < 1 || index > count) {
    throw new ConfigError({ message: `--shard ${value} is not i/n with 1 ≤ i ≤ n`, fix: 'e.g. --shard 1/2 and --shard 2/2 in two jobs, then conformance report --merge' });
  }
  return { index, count };
}
