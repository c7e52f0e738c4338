import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { redact } from '../secrets.js';
import { markdownText } from './markdown.js';
import type { CheckResult, Status } from '../results.js';
import { countByStatus } from './results.js';
import { printable } from './terminal.js';

const SYMBOL: Record<Status, string> = { pass: '✓', fail: '✗', warn: '⚠', deviation: '~', blocked: '!', skipped: '-' };

const COUNTED: Array<[Status, string]> = [
  ['pass', 'passed'],
  ['fail', 'failed'],
  ['warn', 'warnings'],
  ['deviation', 'known deviations'],
  ['blocked', 'could not run'],
  ['skipped', 'skipped'],
];

/** Sections of findings, most serious first: a reader sees the broken rule before anything else. */
const SECTIONS: Array<[string, (r: CheckResult) => boolean]> = [
  ['Broken rules (MUST)', (r) => r.status === 'fail'],
  ['Warnings (SHOULD)', (r) => r.status === 'warn'],
  ['Could not run', (r) => r.status === 'blocked'],
  ['Known deviations', (r) => r.status === 'deviation'],
  ['Declared deviations no longer observed (remove them from the suite)', (r) => r.status === 'pass' && r.deviation !== undefined],
];

/** A grant's own token request refused for its client: every check on that grant is moot, so it is said first. */
const refusedCredential = (r: CheckResult) => r.checkId === 'token-response.schema' && r.status === 'blocked' && / is refused: invalid_client/.test(r.message);

/** A grant whose client assertion was refused only for its aud: its key or secret was proven right (client-auth.assertion-accepted). */
const refusedForAudience = (results: CheckResult[], r: CheckResult) =>
  results.some((o) => o.vendor === r.vendor && o.subject === r.subject && o.checkId === 'client-auth.assertion-accepted' && o.status === 'fail');

/** The console summary: refused credentials, findings, then per vendor and area a mark per check, then the totals. */
export function consoleSummary(results: CheckResult[]): string {
  const lines: string[] = [];
  const refused = unique(results.filter((r) => refusedCredential(r) && !refusedForAudience(results, r)).map((r) => `  ! ${r.vendor}: ${r.message}`));
  if (refused.length) lines.push('Refused credentials (fix these first: the checks that need them could not run):', ...refused, '');
  for (const [title, matches] of SECTIONS) {
    const found = results.filter(matches);
    if (found.length === 0) continue;
    lines.push(`${title}:`);
    for (const r of found) {
      lines.push(`  ${SYMBOL[r.status]} ${r.vendor} ${r.name}`);
      lines.push(`      ${r.message}`);
      if (r.deviation) lines.push(`      declared: ${r.deviation}`);
      if (r.expected !== undefined) lines.push(`      expected: ${r.expected}`, `      actual:   ${r.actual}`);
      lines.push(...r.spec.map((s) => `      ${s.ref}  ${s.url}`));
    }
    lines.push('');
  }
  for (const vendor of unique(results.map((r) => r.vendor))) {
    const own = results.filter((r) => r.vendor === vendor);
    lines.push(`${vendor}  ${counts(own)}`);
    for (const area of unique(own.map((r) => r.area))) {
      const inArea = own.filter((r) => r.area === area);
      lines.push(`  ${area.padEnd(20)} ${inArea.map((r) => SYMBOL[r.status]).join('')}  ${counts(inArea)}`);
    }
  }
  const total = countByStatus(results);
  lines.push('', COUNTED.map(([status, word]) => `${total[status]} ${word}`).join(', '));
  // Controls first: one inside an echoed secret would otherwise hide it from redaction.
  return redact(printable(lines.join('\n')));
}

/** Markdown for a CI job summary or a ticket; every text the tool did not write itself goes through markdownText. */
export function markdownSummary(results: CheckResult[]): string {
  const lines = [
    '# oauth-conformance',
    '',
    `| vendor | area | ${COUNTED.map(([, word]) => word).join(' | ')} |`,
    `|---|---|${COUNTED.map(() => '---').join('|')}|`,
  ];
  for (const vendor of unique(results.map((r) => r.vendor))) {
    for (const area of unique(results.filter((r) => r.vendor === vendor).map((r) => r.area))) {
      const c = countByStatus(results.filter((r) => r.vendor === vendor && r.area === area));
      lines.push(`| ${markdownText(vendor)} | ${area} | ${COUNTED.map(([status]) => c[status]).join(' | ')} |`);
    }
  }
  for (const [title, matches] of SECTIONS) {
    const found = results.filter(matches);
    if (found.length === 0) continue;
    lines.push('', `## ${title}`, '');
    for (const r of found) {
      lines.push(
        `- **${markdownText(r.vendor)}** \`${r.checkId}\`${r.subject ? ` \\[${markdownText(r.subject)}\\]` : ''}: ${markdownText(r.message.split('\n')[0]!)} (${r.spec.map((s) => `[${s.ref}](${s.url})`).join(', ')})`,
      );
    }
  }
  const skipped = unique(results.filter((r) => r.status === 'skipped').map((r) => `**${markdownText(r.vendor)}**: ${markdownText(r.message)}`));
  if (skipped.length) lines.push('', '## Skipped (why those checks did not apply)', '', ...skipped.map((reason) => `- ${reason}`));
  return redact(lines.join('\n')) + '\n';
}

export async function writeSummary(path: string, results: CheckResult[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, markdownSummary(results));
}

function counts(results: CheckResult[]): string {
  const c = countByStatus(results);
  return COUNTED.filter(([status]) => status === 'pass' || c[status] > 0)
    .map(([status, word]) => `${c[status]} ${word}`)
    .join(', ');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
