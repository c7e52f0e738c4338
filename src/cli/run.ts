import { rm } from 'node:fs/promises';
import { runWithVitest } from '../engine/run-vitest.js';
import { selectChecks } from '../engine/plan.js';
import { defaultHttpOptions } from '../http/client.js';
import { generateHtml } from '../report/html.js';
import { writeJunit } from '../report/junit.js';
import { exitCodeOf } from '../report/results.js';
import { consoleSummary, writeSummary } from '../report/summary.js';
import { ConfigError } from '../suite/errors.js';
import { loadEnv } from './env.js';
import { prepareSuites } from './prepare.js';

export interface RunOptions {
  suite?: string[];
  'env-file'?: string;
  only?: string[];
  strict?: boolean;
  long?: boolean;
  'results-dir': string;
  'report-dir': string;
  junit: string;
  summary: string;
  timeout: string;
  profile?: string;
  'no-html'?: boolean;
}

/** `conformance run`: load suites, run every check as a vitest test, write Allure results, JUnit, summary and HTML. */
export async function runCommand(options: RunOptions): Promise<number> {
  const timeoutMs = Number(options.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigError({ message: `--timeout ${options.timeout} is not a positive number of milliseconds`, fix: 'e.g. --timeout 10000' });
  }
  const only = options.only ?? [];
  selectChecks(only);
  const env = loadEnv(options['env-file']);
  const prepared = await prepareSuites({ suites: options.suite ?? [], env, profile: options.profile });
  const suites = prepared.suites.map((p) => p.suite);
  try {
    for (const s of prepared.notConfigured) console.log(`${s.name}: not configured, skipped (set ${s.variables.join(', ')}; see .env.example)`);
    if (suites.length === 0) {
      throw new ConfigError({ message: 'no suite to run', fix: 'set the variables of a suite (see .env.example) or pass --suite NAME' });
    }
    console.log(`Running ${prepared.suites.map(({ suite, target }) => (target ? `${suite.name} (${target})` : suite.name)).join(', ')}`);

    // Allure never empties its results directory: stale results would mix into this run's report.
    await rm(options['results-dir'], { recursive: true, force: true });
    const run = await runWithVitest(
      {
        suites,
        secrets: suites.flatMap((s) => s.secrets),
        only,
        strict: options.strict ?? false,
        long: options.long ?? false,
        http: { ...defaultHttpOptions, timeoutMs },
      },
      options['results-dir'],
    );
    await writeJunit(options.junit, run.results);
    await writeSummary(options.summary, run.results);
    console.log(`\n${consoleSummary(run.results)}`);
    for (const error of run.errors) console.error(`error: ${error}`);

    if (!options['no-html']) await generateHtml([options['results-dir']], options['report-dir']);
    if (run.results.some((r) => r.status === 'skipped')) console.log(`Skipped checks did not apply; why is listed in ${options.summary} and the report.`);
    console.log(
      `\nReports: ${options['no-html'] ? '' : `${options['report-dir']}/index.html, `}${options.junit}, ${options.summary}, ${options['results-dir']}/`,
    );
    return run.errors.length > 0 ? 1 : exitCodeOf(run.results);
  } finally {
    await prepared.close();
  }
}
