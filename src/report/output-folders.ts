import type { Dirent } from 'node:fs';
import { lstat, mkdir, open, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type Problem } from '../suite/errors.js';

/**
 * The folders the tool replaces whole: the Allure results folder (Allure never empties it, so stale results would mix
 * into the report) and the HTML report folder (Allure writes into a subfolder of one that exists). A folder is replaced
 * only when the tool made it: `--report-dir ~` or `--results-dir src` must not cost the user their files.
 */

/** Written into each folder the tool makes: what tells a later run the folder is the tool's to replace. */
const MARKER = '.conformance-output';

export interface OutputFolder {
  path: string;
  /** The option that names it, for the error. */
  option: string;
  /** Whether an unmarked folder is one an earlier version of the tool wrote, from its entries (all of them). */
  earlier(path: string, entries: Dirent[]): Promise<boolean>;
}

export const resultsFolder = (path: string): OutputFolder => ({
  path,
  option: '--results-dir',
  earlier: (_, entries) => Promise.resolve(entries.every(isAllureResult)),
});
export const reportFolder = (path: string): OutputFolder => ({ path, option: '--report-dir', earlier: isOwnReport });

/** Stops, naming every one, when a folder the command would replace is not the tool's; before anything is run or deleted. */
export async function refuseForeignFolders(folders: OutputFolder[]): Promise<void> {
  const problems = (await Promise.all(folders.map(foreign))).filter((p) => p !== undefined);
  if (problems.length) throw new ConfigError(problems);
}

/** Deletes a folder the tool made; checked once more, as it may have changed since the command started. */
export async function removeOwnFolder(folder: OutputFolder): Promise<void> {
  await refuseForeignFolders([folder]);
  await rm(folder.path, { recursive: true, force: true });
}

/** Marks a folder (made if need be) as the tool's, so that the next run may replace it. */
export async function markOwnFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
  await writeFile(join(path, MARKER), 'Written by oauth-conformance, which replaces this folder whole when it next writes here.\n');
}

async function foreign(folder: OutputFolder): Promise<Problem | undefined> {
  // Nothing there (or a file where a parent folder should be): nothing to lose.
  const info = await lstat(folder.path).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!info) return undefined;
  const at = { file: folder.path, fix: `choose an empty or new folder for ${folder.option}, or delete ${folder.path} yourself` };
  // A link too: the tool would replace the link, not write into the folder it points to.
  if (!info.isDirectory()) return { ...at, message: `${folder.option} names something that is not a folder, which the tool would replace: left as it is` };
  const entries = await readdir(folder.path, { withFileTypes: true });
  if (entries.length === 0 || entries.some((e) => e.name === MARKER) || (await folder.earlier(folder.path, entries))) return undefined;
  const names = entries.map((e) => e.name).sort();
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
  return { ...at, message: `${folder.option} names a folder this tool did not write (it holds ${shown}), which the tool would replace whole: left as it is` };
}

// Earlier versions left no marker. Their folders are recognised by holding nothing but what they wrote there, so
// that the default reports/ keeps working after an upgrade, and a folder with anything else in it is never deleted.

// What Allure's writer puts in a results folder: <uuid>-result.json, -container.json, -globals.json,
// -attachment<.ext>, and the temporary files it renames into them (left behind by a run that was killed).
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ALLURE_RESULT = new RegExp(`^(${UUID}-(result\\.json|container\\.json|globals\\.json|attachment(\\.[\\w.-]+)?)|\\.allure-write-${UUID}\\.tmp)$`);

const isAllureResult = (entry: Dirent) => entry.isFile() && ALLURE_RESULT.test(entry.name);

// Every version wrote Allure 3.18's single-file report, titled by src/report/allurerc.json ("oauth-conformance"),
// and since reports were named for their vendors, "oauth-conformance: acme, …" (report/allure-results.ts).
const REPORT_FILES = ['index.html', 'summary.json', 'test-results.json'];
const REPORT_TITLE = /<title>\s*oauth-conformance(: [^<]*)?\s*<\/title>/;

async function isOwnReport(path: string, entries: Dirent[]): Promise<boolean> {
  if (!entries.every((e) => e.isFile() && REPORT_FILES.includes(e.name)) || !entries.some((e) => e.name === 'index.html')) return false;
  // The title is in the page's head; the page itself runs to megabytes.
  const page = await open(join(path, 'index.html'));
  try {
    const { buffer, bytesRead } = await page.read({ buffer: Buffer.alloc(4096) });
    return REPORT_TITLE.test(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await page.close();
  }
}
