import * as allure from 'allure-js-commons';
import type { Exchange } from '../http/exchange.js';
import type { CheckResult } from '../results.js';
import { redact } from '../secrets.js';
import type { Attachments, LeftOut } from './attachments.js';
import { markdownCode } from './markdown.js';
import { allureName, failureText, outcomeOf, trendIdentity } from './results.js';

/** What the report says of a check beyond its result: its title, what it runs over, and the vendor's documentation. */
export interface AboutCheck {
  title: string;
  scope: string;
  docs?: string;
}

/** The evidence a check judged, attached to its result. */
interface Evidence {
  exchanges: Exchange[];
  observed?: unknown;
}

/**
 * Allure metadata of a check: epic vendor, feature area, story check id, a tag and link per spec section,
 * severity from the requirement level, and the `outcome` label the report's categories group by. Returns what the
 * run's attachment budget left out.
 */
export async function describeForAllure(result: CheckResult, about: AboutCheck, { exchanges, observed }: Evidence, attachments: Attachments): Promise<LeftOut> {
  const { vendor, area, checkId, spec, level, subject } = result;
  await allure.displayName(allureName(result));
  const identity = trendIdentity(result);
  await allure.historyId(identity);
  await allure.testCaseId(identity);
  await allure.epic(vendor);
  await allure.feature(area);
  await allure.story(checkId);
  for (const { ref, url } of spec) {
    await allure.tag(ref);
    await allure.link(url, ref, 'spec');
  }
  if (about.docs) await allure.link(about.docs, `${vendor} documentation`, 'docs');
  await allure.severity(level === 'MUST' ? 'critical' : 'normal');
  await allure.label('level', level);
  await allure.label('outcome', outcomeOf(result));
  if (subject) await allure.parameter(about.scope, subject);
  await allure.description(describe(about.title, level, result));
  // Exchanges are recorded already redacted; they are the evidence the check judged.
  const chosen = attachments.forCheck(
    `check “${vendor} › ${area} › ${result.name}”`,
    exchanges,
    observed === undefined ? undefined : redact(JSON.stringify(observed, null, 2)),
  );
  for (const { name, content, contentType } of chosen.attachments) await allure.attachment(name, content, { contentType });
  return chosen.leftOut;
}

/** Allure renders the description as markdown: what the server said, and the suite's words, go in as code blocks. */
function describe(title: string, level: string, result: CheckResult): string {
  const lines = [`${title}.`, '', `Requirement: ${level} (${result.spec.map((s) => s.ref).join(', ')}).`, ''];
  if (result.status === 'warn') lines.push('Warning (a SHOULD is not met; --strict makes it a failure):', '', markdownCode(failureText(result)));
  else if (result.status === 'deviation')
    lines.push('Known deviation documented by the suite:', '', markdownCode(result.deviation!), '', 'Observed:', '', markdownCode(failureText(result)));
  else if (result.deviation)
    lines.push(
      'The suite declares a deviation, but the vendor now conforms: remove it from the suite.',
      '',
      markdownCode(result.deviation),
      '',
      markdownCode(result.message),
    );
  else lines.push(markdownCode(result.message));
  return lines.join('\n');
}
