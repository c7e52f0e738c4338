import { appendFile } from 'node:fs/promises';
import type { ResultChange } from '../drift/changes.js';
import type { VitestRun } from '../engine/run-vitest.js';
import { changeLines, type Drift } from '../report/changes.js';
import { driftResults, writeAllureDrift } from '../report/drift-results.js';
import { generateHtml } from '../report/html.js';
import { writeJunit } from '../report/junit.js';
import { writeResultsFile } from '../report/results-file.js';
import type { CheckResult } from '../results.js';
import { consoleSummary, writeSummary, type RunContext } from '../report/summary.js';
import { printable } from '../report/terminal.js';
import { redact } from '../secrets.js';
import type { FailOn } from './command-options.js';
import type { RunSettings } from './run-settings.js';

/** What a run saw, with what changed since the baseline and the previous run. */
export interface Seen {
  run: VitestRun;
  /** When it started, and what each vendor's suite ran against. */
  context: Omit<RunContext, 'durationMs'>;
  drift?: Drift;
  changed: ResultChange[];
  /** Why the run is incomplete, when a signal stopped it. */
  incomplete?: string;
  /** What was failing in the previous run (`--fail-on new`); absent when there was none to compare with. */
  failingBefore?: FailingBefore;
}

/** The checks (by vendor and test name) and the breaking drift (by vendor and path) that were failing in the run before. */
export interface FailingBefore {
  checks: Set<string>;
  drift: Set<string>;
}

/** Writes JUnit, the summary and the HTML report, says what happened on the console, and gives the exit code. */
export async function reportRun({ run, context, drift, changed, incomplete, failingBefore }: Seen, settings: RunSettings): Promise<number> {
  const { outputs } = settings;
  // Drift from the baseline is reported as results too: a run that drifted is never an all-green report.
  const drifted = driftResults(drift, settings.baseline);
  const results = [...run.results, ...drifted];
  await writeJunit(outputs.junit, results);
  const ran = { ...context, durationMs: Date.now() - context.startedAt };
  await writeSummary(outputs.summary, results, ran);
  if (outputs.json) await writeResultsFile(outputs.json, results, ran, (r) => isNewFailure(r, failingBefore));
  await writeAllureDrift(outputs.resultsDir, drifted, Date.now());
  await appendFile(outputs.summary, `${[...(incomplete ? ['', `**${incomplete}**`] : []), ...changeLines(drift, changed, true)].join('\n')}\n`);
  if (incomplete) console.log(`\n${incomplete}`);
  console.log(`\n${consoleSummary(run.results)}`);
  const changes = changeLines(drift, changed, false);
  if (changes.length) console.log(changes.join('\n'));
  // Errors may quote the server: no escape sequence of its reaches the terminal.
  for (const error of run.errors) console.error(`error: ${redact(printable(error))}`);
  if (run.leftOut.count) {
    console.log(
      `${run.leftOut.count} attachments (${megabytes(run.leftOut.bytes)} MB) were left out of ${outputs.resultsDir}: they would have taken it past --results-budget ${settings.budgetMb} MB; notes in the report say which.`,
    );
  }
  const html = settings.html ? await htmlReport(outputs) : undefined;
  if (run.results.some((r) => r.status === 'skipped')) console.log(`Skipped checks did not apply; why is listed in ${outputs.summary} and the report.`);
  if (settings.saveBaseline) console.log(`Baseline written to ${settings.saveBaseline}`);
  const files = [...(html === 'written' ? [`${outputs.reportDir}/index.html`] : []), outputs.junit, outputs.summary, ...(outputs.json ? [outputs.json] : [])];
  console.log(`\nReports: ${files.join(', ')}, ${outputs.resultsDir}/`);
  return run.errors.length > 0 || incomplete || html === 'failed' ? 1 : exitCode(settings.failOn, results, failingBefore);
}

/** The HTML report; when it cannot be built the run says so and fails, and the other reports stand. */
async function htmlReport(outputs: RunSettings['outputs']): Promise<'written' | 'failed'> {
  try {
    for (const warning of await generateHtml([outputs.resultsDir], outputs.reportDir, outputs.history)) console.error(`warning: ${warning}`);
    return 'written';
  } catch (error) {
    console.error(`error: the HTML report was not written: ${(error as Error).message}\n  JUnit, the summary and the results in ${outputs.resultsDir} were.`);
    return 'failed';
  }
}

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/**
 * The exit code a monitoring job asked for, from the checks' results and the drift's: by default (fail) a failed or
 * unrunnable check, or drift from the baseline that breaks clients, exits 1; `warn` adds warnings and drift worth a
 * look; `new` only what was not failing in the previous run (all of it when there was none); `never` always exits 0.
 */
function exitCode(failOn: FailOn, results: CheckResult[], before?: FailingBefore): 0 | 1 {
  if (failOn === 'never') return 0;
  if (failOn === 'new') return results.some((r) => isNewFailure(r, before)) ? 1 : 0;
  const severe = (status: string) => status === 'fail' || status === 'blocked' || (failOn === 'warn' && status === 'warn');
  return results.some((r) => severe(r.status)) ? 1 : 0;
}

/** A failed or unrunnable check, or a breaking drift result, that was not so in the previous run (all are, without one). */
function isNewFailure(r: CheckResult, before: FailingBefore | undefined): boolean {
  if (r.status !== 'fail' && r.status !== 'blocked') return false;
  return r.area === 'drift' ? !before?.drift.has(`${r.vendor} ${r.subject}`) : !before?.checks.has(`${r.vendor} ${r.name}`);
}
