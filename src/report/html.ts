import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { redact } from '../secrets.js';
import { acceptedFailures, readAllureResults, reportName, type AllureResult } from './allure-results.js';
import { prepareHistory } from './history.js';
import { makeReportOffline } from './offline-html.js';
import { markOwnFolder, removeOwnFolder, reportFolder } from './output-folders.js';
import { passRate, writePassRate } from './pass-rate.js';

const run = promisify(execFile);
// The package exports no path to its CLI script; it sits beside dist/ in the package.
const cli = fileURLToPath(new URL('../cli.js', import.meta.resolve('allure')));
const config = fileURLToPath(new URL('allurerc.json', import.meta.url));

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
  // Allure writes into <output>/awesome/ when the output directory exists already.
  await removeOwnFolder(reportFolder(outputDir));
  const scratch = await mkdtemp(join(tmpdir(), 'conformance-allure-'));
  try {
    const runConfig = join(scratch, 'allurerc.json');
    const base = JSON.parse(await readFile(config, 'utf8')) as Record<string, unknown>;
    if (historyFile) await mkdir(dirname(resolve(historyFile)), { recursive: true });
    const path = historyFile && resolve(historyFile);
    const prepared = path ? { path, ...(await prepareHistory(path, results)) } : undefined;
    const history = prepared && { historyPath: prepared.path, appendHistory: prepared.append };
    // Allure writes its known-issues file whenever resolutions are configured: into the scratch folder, not beside the report.
    const resolutions = { ...acceptedFailures(results), knownIssuesPath: join(scratch, 'known-issues.json') };
    await writeFile(runConfig, JSON.stringify({ ...named(base, reportName(results)), resolutions, ...history }));
    await run(process.execPath, [cli, 'generate', ...resultsDirs, '--output', outputDir, '--config', runConfig], { maxBuffer: 16 * 1024 * 1024 });
    return prepared?.warning ? [prepared.warning] : [];
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(redact(`allure generate failed: ${(e.stderr || e.stdout || e.message).trim().split('\n').slice(-5).join('\n')}`), { cause: error });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
