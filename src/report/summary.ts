import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { redact } from '../secrets.js';
import { countByStatus, type CheckResult, type ResultStatus } from './results.js';

const SYMBOL: Record<ResultStatus, string> = { pass: '✓', fail: '✗', blocked: '!', skipped: '-' };

/** The console summary: per vendor and area, counts; then each failure with its reason and citation. */
export function consoleSummary(results: CheckResult[]): string {
  const lines: string[] = [];
  for (const vendor of unique(results.map((r) => r.vendor))) {
    const own = results.filter((r) => r.vendor === vendor);
    lines.push(`${vendor}  ${counts(own)}`);
    for (const area of unique(own.map((r) => r.area))) {
      const inArea = own.filter((r) => r.area === area);
      const marks = inArea.map((r) => SYMBOL[r.status]).join('');
      lines.push(`  ${area.padEnd(20)} ${marks}  ${counts(inArea)}`);
    }
  }
  const problems = results.filter((r) => r.status === 'fail' || r.status === 'blocked');
  if (problems.length) {
    lines.push('', 'Failures:');
    for (const r of problems) {
      lines.push(`  ${SYMBOL[r.status]} ${r.vendor} ${r.name}`);
      lines.push(`      ${r.status === 'blocked' ? 'could not check: ' : ''}${r.message}`);
      if (r.expected !== undefined) lines.push(`      expected: ${r.expected}`, `      actual:   ${r.actual}`);
      lines.push(`      ${r.spec.ref}  ${r.spec.url}`);
    }
  }
  const skipped = results.filter((r) => r.status === 'skipped');
  if (skipped.length) {
    lines.push('', 'Skipped:');
    for (const reason of unique(skipped.map((r) => `${r.vendor}: ${r.message}`))) lines.push(`  - ${reason}`);
  }
  const total = countByStatus(results);
  lines.push('', `${total.pass} passed, ${total.fail} failed, ${total.blocked} could not run, ${total.skipped} skipped`);
  return redact(lines.join('\n'));
}

/** Markdown for a CI job summary or a ticket. */
export function markdownSummary(results: CheckResult[]): string {
  const lines = ['# oauth-conformance', '', '| vendor | area | passed | failed | could not run | skipped |', '|---|---|---|---|---|---|'];
  for (const vendor of unique(results.map((r) => r.vendor))) {
    for (const area of unique(results.filter((r) => r.vendor === vendor).map((r) => r.area))) {
      const c = countByStatus(results.filter((r) => r.vendor === vendor && r.area === area));
      lines.push(`| ${vendor} | ${area} | ${c.pass} | ${c.fail} | ${c.blocked} | ${c.skipped} |`);
    }
  }
  const problems = results.filter((r) => r.status === 'fail' || r.status === 'blocked');
  if (problems.length) {
    lines.push('', '## Failures', '');
    for (const r of problems) {
      lines.push(`- **${r.vendor}** \`${r.checkId}\`${r.subject ? ` [${r.subject}]` : ''}: ${r.message.split('\n')[0]} ([${r.spec.ref}](${r.spec.url}))`);
    }
  }
  return redact(lines.join('\n')) + '\n';
}

export async function writeSummary(path: string, results: CheckResult[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, markdownSummary(results));
}

function counts(results: CheckResult[]): string {
  const c = countByStatus(results);
  return [`${c.pass} passed`, c.fail && `${c.fail} failed`, c.blocked && `${c.blocked} could not run`, c.skipped && `${c.skipped} skipped`].filter(Boolean).join(', ');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
