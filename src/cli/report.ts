import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateHtml } from '../report/html.js';
import { readResultsFiles } from '../report/results-file.js';
import { writeSummary } from '../report/summary.js';
import { ConfigError } from '../suite/errors.js';
import type { ReportOptions } from './command-options.js';

/** `conformance report`: HTML from existing results — after a run with --no-html, or merging CI shards and vendors. */
export async function reportCommand(options: ReportOptions, operands: string[]): Promise<number> {
  if (operands.length && !options.merge) {
    throw new ConfigError({
      message: `unexpected arguments ${operands.join(' ')}`,
      fix: 'to build one report from several results directories: conformance report --merge DIR DIR …',
    });
  }
  const dirs = [...operands, ...(options['results-dir'] ?? [])];
  if (dirs.length === 0) dirs.push(join(options.out, 'allure-results'));
  const reportDir = options['report-dir'] ?? join(options.out, 'html');
  const missing = dirs.filter((d) => !existsSync(d));
  if (missing.length) {
    throw new ConfigError({
      message: `no results directory ${missing.join(', ')}`,
      fix: 'run `conformance run` first, or pass the directories the runs wrote',
    });
  }
  for (const warning of await generateHtml(dirs, reportDir, options.history ?? join(options.out, 'history.jsonl'))) console.error(`warning: ${warning}`);
  console.log(`Report: ${reportDir}/index.html (${dirs.length} results ${dirs.length > 1 ? 'directories merged' : 'directory'})`);
  const files = options['results-json'] ?? [];
  if (files.length) {
    // One summary of every run merged (CI shards): the verdict first, as a run's own.
    const { results, context } = await readResultsFiles(files);
    const summary = options.summary ?? join(options.out, 'summary.md');
    await writeSummary(summary, results, context);
    console.log(`Summary: ${summary} (${files.length} results ${files.length > 1 ? 'files merged' : 'file'})`);
  }
  return 0;
}
