import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateHtml } from '../report/html.js';
import { writeNotices } from '../report/notifications.js';
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
  const files = options['results-json'] ?? [];
  if (options.notify && files.length === 0)
    throw new ConfigError({ message: "--notify needs the runs' results", fix: 'give --results-json F for each run (`conformance run --json F`)' });
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
  if (files.length) await summarise(files, options);
  return 0;
}

/** One summary of every run merged (CI shards), the verdict first as a run's own; and what to notify, when asked. */
async function summarise(files: string[], options: ReportOptions): Promise<void> {
  const { results, context, fresh } = await readResultsFiles(files);
  const summary = options.summary ?? join(options.out, 'summary.md');
  await writeSummary(summary, results, context);
  console.log(`Summary: ${summary} (${files.length} results ${files.length > 1 ? 'files merged' : 'file'})`);
  if (options.notify) {
    await writeNotices(options.notify, results, fresh, context);
    console.log(`Notifications: ${options.notify}`);
  }
}
