import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { resolveConfig } from '@allurereport/core';
import { redact } from '../secrets.js';
import { acceptedFailures, readAllureResults, reportName, type AllureResult } from './allure-results.js';
import { prepareHistory } from './history.js';
import { makeReportOffline } from './offline-html.js';
import { markOwnFolder, removeOwnFolder, reportFolder } from './output-folders.js';
import { passRate, writePassRate } from './pass-rate.js';

const config = fileURLToPath(new URL('allurerc.json', import.meta.url));
/**
 * The single-file page holds every result and attachment in base64 (4/3 of their size) in one string, which V8 caps at
 * 2^29 characters; past it Allure's writer ends the process. Results past this size are refused first.
 */
const MAX_RESULTS_BYTES = 360 * 1024 * 1024;

/**
 * Builds the Allure 3 HTML report (no Java) from one or more results directories (shards, vendors: merged into one
 * report). The report is a single file, so reports/html/index.html opens straight from disk. Each run's build
 * appends to the history file, which carries the trend across runs (keep it between CI runs, e.g. in a cache): the
 * last HISTORY_RUNS runs, a run built again (`conformance report`) counted once. The pages load
 * nothing from the network (offline-html.ts). Returns warnings.
 */
export async function generateHtml(resultsDirs: string[], outputDir: string, historyFile?: string): Promise<string[]> {
  const results = await readAllureResults(resultsDirs);
  const warnings = await allureGenerate(resultsDirs, results, outputDir, historyFile);
  const ring = await writePassRate(outputDir, passRate(results));
  await makeReportOffline(outputDir);
  await markOwnFolder(outputDir);
  return ring ? [...warnings, ring] : warnings;
}

/** The configuration with the awesome report's name set: what the report is of. */
function named(config: Record<string, unknown>, name: string): Record<string, unknown> {
  const plugins = config.plugins as { awesome: { options: Record<string, unknown> } };
  return { ...config, name, plugins: { ...plugins, awesome: { ...plugins.awesome, options: { ...plugins.awesome.options, reportName: name } } } };
}

async function allureGenerate(resultsDirs: string[], results: AllureResult[], outputDir: string, historyFile: string | undefined): Promise<string[]> {
  await refuseOversized(resultsDirs);
  // Allure writes into <output>/awesome/ when the output directory exists already.
  await removeOwnFolder(reportFolder(outputDir));
  const scratch = await mkdtemp(join(tmpdir(), 'conformance-allure-'));
  try {
    const base = JSON.parse(await readFile(config, 'utf8')) as Record<string, unknown>;
    if (historyFile) await mkdir(dirname(resolve(historyFile)), { recursive: true });
    const path = historyFile && resolve(historyFile);
    const prepared = path ? { path, ...(await prepareHistory(path, results)) } : undefined;
    const history = prepared && { historyPath: prepared.path, appendHistory: prepared.append };
    // Allure writes its known-issues file whenever resolutions are configured: into the scratch folder, not beside the report.
    const resolutions = { ...acceptedFailures(results), knownIssuesPath: join(scratch, 'known-issues.json') };
    // In this process, as `allure generate` does it: a child process started Node and loaded the whole Allure CLI for each
    // report (~1.8 s of CPU, against ~1.3 s here, less for each further report a process builds).
    const runConfig = { ...named(base, reportName(results)), resolutions, ...history } as Parameters<typeof resolveConfig>[0];
    // Loaded by the runs that build a report, when they build it: the others, and every run's start, do without.
    const allure = await import('@allurereport/core');
    const report = new allure.AllureReport(await allure.resolveConfig(runConfig, { output: outputDir }));
    await report.start();
    for (const dir of resultsDirs) await report.readDirectory(resolve(dir));
    await report.done();
    return prepared?.warning ? [prepared.warning] : [];
  } catch (error) {
    throw new Error(redact(`Allure could not build it: ${error instanceof Error ? error.message : String(error)}`), { cause: error });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function refuseOversized(resultsDirs: string[]): Promise<void> {
  const sizes = await Promise.all(
    resultsDirs.map(async (dir) => {
      const files = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile());
      return Promise.all(files.map(async (file) => (await stat(join(dir, file.name))).size));
    }),
  );
  const bytes = sizes.flat().reduce((a, b) => a + b, 0);
  if (bytes > MAX_RESULTS_BYTES) {
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    throw new Error(
      `the results (${mb(bytes)} MB) are more than a single-file HTML report can hold (${mb(MAX_RESULTS_BYTES)} MB): build it from fewer results directories, or run with a lower --results-budget`,
    );
  }
}
