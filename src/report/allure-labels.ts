import * as allure from 'allure-js-commons';
import type { StartedCheck, Outcome } from '../engine/evaluate.js';

/** Allure metadata of a check per the design: epic vendor, feature area, story check id, spec tag and link. */
export async function describeForAllure(check: StartedCheck, outcome: Outcome): Promise<void> {
  const { check: c, suite, subject } = check;
  await allure.epic(suite.vendor);
  await allure.feature(c.area);
  await allure.story(c.id);
  await allure.tag(c.spec.ref);
  await allure.link(c.spec.url, c.spec.ref, 'spec');
  if (suite.docs) await allure.link(suite.docs, `${suite.vendor} documentation`, 'docs');
  await allure.severity(c.level === 'MUST' ? 'critical' : 'normal');
  await allure.label('level', c.level);
  if (subject) await allure.parameter(c.scope, subject);
  await allure.description(`${c.title}.\n\nRequirement: ${c.level} (${c.spec.ref}).\n\n${outcome.message}`);
  // Exchanges are recorded already redacted; they are the evidence the check judged.
  for (const exchange of outcome.exchanges) {
    await allure.attachment(`${exchange.id} ${exchange.label}`, JSON.stringify(exchange, null, 2), { contentType: 'application/json' });
  }
}
