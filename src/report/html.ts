import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { redact } from '../secrets.js';

const run = promisify(execFile);
// The package exports no path to its CLI script; it sits beside dist/ in the package.
const cli = fileURLToPath(new URL('../cli.js', import.meta.resolve('allure')));
const config = fileURLToPath(new URL('allurerc.json', import.meta.url));

/**
 * Builds the Allure 3 HTML report (no Java) from one or more results directories. The report is a single file, so
 * reports/html/index.html opens straight from disk.
 */
export async function generateHtml(resultsDirs: string[], outputDir: string): Promise<void> {
  // Allure writes into <output>/awesome/ when the output directory exists already.
  await rm(outputDir, { recursive: true, force: true });
  try {
    await run(process.execPath, [cli, 'generate', ...resultsDirs, '--output', outputDir, '--config', config], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(redact(`allure generate failed: ${(e.stderr || e.stdout || e.message).trim().split('\n').slice(-5).join('\n')}`));
  }
}
