import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The HTML report opens from disk and must fetch nothing: Allure's template adds Google Analytics unconditionally, and
 * server text shown in the report must never turn into a request (a remote image, a stylesheet, a font).
 */

/** Everything the report needs is inline or data:/blob: URLs (its scripts are data: URLs); nothing else may load. */
const REPORT_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' data: blob:",
  "style-src 'unsafe-inline' data: blob:",
  'img-src data: blob:',
  'font-src data: blob:',
  'connect-src data: blob:',
  'media-src data: blob:',
  'worker-src data: blob:',
  'frame-src data: blob:',
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

// A script loaded from another origin, and an inline one that calls gtag (the analytics loader and its set-up).
const REMOTE_SCRIPT = /<script\b[^>]*?\ssrc=["']?(?:https?:)?\/\/[^>]*>\s*<\/script>\s*/gi;
const ANALYTICS = /<script\b[^>]*>(?:(?!<\/script>)[^])*?\bgtag\((?:(?!<\/script>)[^])*<\/script>\s*/gi;
const HEAD = /<head\b[^>]*>/i;

/** The page without its analytics, with the policy as the first element of <head>, before anything could load. */
function offlineHtml(html: string, file: string): string {
  const head = HEAD.exec(html);
  if (!head) throw new Error(`${file}: no <head> to put the Content-Security-Policy in; the report would load from the network, so it was not kept`);
  const at = head.index + head[0].length;
  const policy = `\n    <meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`;
  return `${html.slice(0, at)}${policy}${html.slice(at).replace(REMOTE_SCRIPT, '').replace(ANALYTICS, '')}`;
}

/** Rewrites every HTML page under the report directory (the single-file index.html, and any a plugin adds). */
export async function makeReportOffline(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries.filter((e) => e.isFile() && e.name.endsWith('.html'))) {
    const file = join(entry.parentPath, entry.name);
    await writeFile(file, offlineHtml(await readFile(file, 'utf8'), file));
  }
}
