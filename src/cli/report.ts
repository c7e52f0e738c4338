import { existsSync } from 'node:fs';
import { generateHtml } from '../report/html.js';
import { ConfigError } from '../suite/errors.js';

/** `conformance report`: HTML from existing results, e.g. after a run with --no-html or from several CI shards. */
export async function reportCommand(options: { 'results-dir'?: string[]; 'report-dir': string }): Promise<number> {
  const dirs = options['results-dir'] ?? ['reports/allure-results'];
  const missing = dirs.filter((d) => !existsSync(d));
  if (missing.length) {
    throw new ConfigError({ message: `no results directory ${missing.join(', ')}`, fix: 'run `conformance run` first, or pass --results-dir DIR' });
  }
  await generateHtml(dirs, options['report-dir']);
  console.log(`Report: ${options['report-dir']}/index.html`);
  return 0;
}
