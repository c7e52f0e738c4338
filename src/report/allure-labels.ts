import * as allure from 'allure-js-commons';
import type { Outcome, StartedCheck } from '../engine/evaluate.js';
import { redact } from '../secrets.js';
import type { Attachments, LeftOut } from './attachments.js';
import { markdownCode } from './markdown.js';
import { failureText, outcomeOf, type CheckResult } from './results.js';

/**
 * Allure metadata of a check per the design: epic vendor, feature area, story check id, spec tag and link,
 * severity from the requirement level, and the `outcome` label the report's categories group by. Returns what the
 * run's attachment budget left out.
 */
export async function describeForAllure(check: StartedCheck, result: CheckResult, { exchanges, observed }: Pick<Outcome, 'exchanges' | 'observed'>, attachments: Attachments): Promise<LeftOut> {
  const { check: c, suite, subject } = check;
  await allure.epic(suite.vendor);
  await allure.feature(c.area);
  await allure.story(c.id);
  await allure.tag(c.spec.ref);
  await allure.link(c.spec.url, c.spec.ref, 'spec');
  if (suite.docs) await allure.link(suite.docs, `${suite.vendor} documentation`, 'docs');
  await allure.severity(c.level === 'MUST' ? 'critical' : 'normal');
  await allure.label('level', c.level);
  await allure.label('outcome', outcomeOf(result));
  if (subject) await allure.parameter(c.scope, subject);
  await allure.description(describe(c.title, c.level, result));
  // Exchanges are recorded already redacted; they are the evidence the check judged.
  const chosen = attachments.forCheck(`check “${suite.vendor} › ${c.area} › ${result.name}”`, exchanges, observed === undefined ? undefined : redact(JSON.stringify(observed, null, 2)));
  for (const { name, content, contentType } of chosen.attachments) await allure.attachment(name, content, { contentType });
  return chosen.leftOut;
}

/** Allure renders the description as markdown: what the server said, and the suite's words, go in as code blocks. */
function describe(title: string, level: string, result: CheckResult): string {
  const lines = [`${title}.`, '', `Requirement: ${level} (${result.spec.ref}).`, ''];
  if (result.status === 'warn') lines.push('Warning (a SHOULD is not met; --strict makes it a failure):', '', markdownCode(failureText(result)));
  else if (result.status === 'deviation') lines.push('Known deviation documented by the suite:', '', markdownCode(result.deviation!), '', 'Observed:', '', markdownCode(failureText(result)));
  else if (result.deviation) lines.push('The suite declares a deviation, but the vendor now conforms: remove it from the suite.', '', markdownCode(result.deviation), '', markdownCode(result.message));
  else lines.push(markdownCode(result.message));
  return lines.join('\n');
}
