import type { ResultChange } from '../drift/changes.js';
import type { Finding } from '../drift/compare.js';
import { redact } from '../secrets.js';
import { markdownText } from './markdown.js';
import { printable } from './terminal.js';

const MARK: Record<Finding['severity'], string> = { fail: '✗', warn: '⚠', info: 'i' };

/** What changed since a baseline; `taken` when there was none yet, and this run's snapshot became it. */
export interface Drift {
  against: string;
  findings: Finding[];
  taken?: boolean;
}

/** What changed since the baseline (drift) and since the previous run (results), for the console and the summary. */
export function changeLines(drift: Drift | undefined, results: ResultChange[], markdown: boolean): string[] {
  const lines: string[] = [];
  const heading = (text: string) => (markdown ? ['', `## ${text}`, ''] : ['', `${text}:`]);
  // Findings quote what the vendor's documents said.
  const said = (text: string) => (markdown ? markdownText(text) : printable(text));
  const item = (text: string) => (markdown ? `- ${text}` : `  ${text}`);
  if (drift?.taken) lines.push(...heading('No baseline yet'), item(`${drift.against} was taken from this run: keep it, and the next runs compare with it`));
  else if (drift) {
    lines.push(...heading(`Changes since ${drift.against}`));
    if (drift.findings.length === 0) lines.push(item('none'));
    for (const f of drift.findings) {
      lines.push(
        item(
          `${markdown ? `**${f.severity}**` : MARK[f.severity]} ${said(f.vendor)} ${said(f.path)}: ${said(f.message)}${f.severity === 'info' ? ' (information)' : ''}`,
        ),
      );
    }
  }
  if (results.length) {
    lines.push(...heading('Results changed since the previous run'));
    for (const c of results) lines.push(item(`${said(c.vendor)} ${c.check}: ${c.before} → ${c.after}`));
  }
  return lines.map(redact);
}
