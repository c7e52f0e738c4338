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

/** What the summary's first line says besides the verdicts: when the run was, how long it took, what each vendor was. */
export interface RunContext {
  startedAt: number;
  durationMs: number;
  /** By vendor, the embedded server its suite ran against ("embedded sandbox", "medplum emulator"); absent: the vendor's own. */
  targets: Record<string, string>;
}

/**
 * A vendor's verdict: ❌ a rule broken or a check that could not run (what makes the exit code 1), ⚠️ warnings only,
 * ✅ neither; and its counts.
 */
function verdictOf(results: CheckResult[]): { mark: string; counts: string } {
  const c = countByStatus(results);
  const said = (['fail', 'blocked', 'warn'] as const).filter((status) => c[status] > 0).map((status) => `${c[status]} ${WORDS[status]}`);
  // A green vendor's known deviations are said beside its passes: they are rules it breaks, documented.
  const deviations = c.deviation > 0 ? `, ${c.deviation} known deviations` : '';
  return { mark: c.fail + c.blocked > 0 ? '❌' : c.warn > 0 ? '⚠️' : '✅', counts: said.length ? said.join(', ') : `${c.pass} passed${deviations}` };
}
const WORDS = { fail: 'broken', blocked: 'could not run', warn: 'warnings' } as const;

/** The first line: each vendor's verdict and what it ran against, then the date and the duration. */
function headline(results: CheckResult[], context: RunContext | undefined): string {
  const vendors = unique(results.map((r) => r.vendor)).map((vendor) => {
    const target = context?.targets[vendor];
    const { mark, counts } = verdictOf(results.filter((r) => r.vendor === vendor));
    return `${mark} **${markdownText(vendor)}**${target ? ` (${markdownText(target)})` : ''}: ${counts}`;
  });
  const when = context ? ` — ${new Date(context.startedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${(context.durationMs / 1000).toFixed(1)} s` : '';
  return `${vendors.join(' · ') || 'no check ran'}${when}`;
}

/** One finding: the rule, then expected and actual, the declared reason of a deviation, and the citations. */
export function findingLines(r: CheckResult): string[] {
  const subject = r.subject ? ` \\[${markdownText(r.subject)}\\]` : '';
  return [
    `- **${markdownText(r.vendor)}** \`${r.checkId}\`${subject}: ${markdownText(r.message.split('\n')[0]!)}`,
    ...(r.expected !== undefined ? [`  - expected: ${markdownText(r.expected)}`, `  - actual: ${markdownText(r.actual ?? '')}`] : []),
    ...(r.deviation ? [`  - declared: ${markdownText(r.deviation)}`] : []),
    `  - ${r.spec.map((s) => `[${s.ref}](${s.url})`).join(', ')}`,
  ];
}

/**
 * Markdown for a CI job summary or a ticket, the verdict first: each vendor's verdict on the first line, then the
 * broken rules with expected and actual, warnings, what could not run, deviations with their declared reasons; why
 * checks were skipped and the counts per area are folded away. Every text the tool did not write goes through
 * markdownText.
 */
export function markdownSummary(results: CheckResult[], context?: RunContext): string {
  const lines = [headline(results, context)];
  for (const [title, matches] of SECTIONS) {
    const found = results.filter(matches);
    if (found.length) lines.push('', `## ${title}`, '', ...found.flatMap(findingLines));
  }
  const skipped = unique(results.filter((r) => r.status === 'skipped').map((r) => `**${markdownText(r.vendor)}**: ${markdownText(r.message)}`));
  const folded = (summary: string, body: string[]) => ['', `<details><summary>${summary}</summary>`, '', ...body, '', '</details>'];
  if (skipped.length)
    lines.push(
      ...folded(
        `Skipped: ${countByStatus(results).skipped} checks did not apply, and why`,
        skipped.map((reason) => `- ${reason}`),
      ),
    );
  const table = [`| vendor | area | ${COUNTED.map(([, word]) => word).join(' | ')} |`, `|---|---|${COUNTED.map(() => '---').join('|')}|`];
  for (const vendor of unique(results.map((r) => r.vendor))) {
    for (const area of unique(results.filter((r) => r.vendor === vendor).map((r) => r.area))) {
      const c = countByStatus(results.filter((r) => r.vendor === vendor && r.area === area));
      table.push(`| ${markdownText(vendor)} | ${area} | ${COUNTED.map(([status]) => c[status]).join(' | ')} |`);
    }
  }
  if (results.length) lines.push(...folded('Counts per area', table));
  return redact(lines.join('\n')) + '\n';
}

export async function writeSummary(path: string, results: CheckResult[], context?: RunContext): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, markdownSummary(results, context));
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
