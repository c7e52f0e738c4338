import type { Locator, Page } from 'playwright-core';
import { containsSecret } from '../secrets.js';

const MARK = 'data-conformance-secret';
// A login page has a few hundred elements; a bound keeps a huge one from stalling the screenshot.
const MAX_ELEMENTS = 20_000;

/**
 * The elements of the page whose text, value or tooltip holds a known secret in any form (a failed login that
 * echoes the typed password as text), innermost first: the ones to mask in a screenshot. The secrets never enter
 * the page; its texts are read out and matched here.
 */
export async function secretElements(page: Page): Promise<Locator> {
  const texts = await page
    .evaluate<Array<[string, number]>>(
      `(() => {
      const elements = Array.from(document.querySelectorAll('body, body *')).slice(0, ${MAX_ELEMENTS});
      const index = new Map(elements.map((e, i) => [e, i]));
      return elements.map((e) => [[e.textContent, typeof e.value === 'string' ? e.value : '', e.getAttribute('title'), e.getAttribute('placeholder')].join('\\n'), index.get(e.parentElement) ?? -1]);
    })()`,
    )
    .catch(() => []);
  const holding = new Set(texts.flatMap(([text], i) => (containsSecret(text) ? [i] : [])));
  // An element whose child holds the secret is masked through that child, not as a whole (the page stays readable).
  const outer = new Set(texts.flatMap(([, parent], i) => (holding.has(i) ? [parent] : [])));
  const innermost = [...holding].filter((i) => !outer.has(i));
  await page
    .evaluate(
      `(() => {
      const elements = Array.from(document.querySelectorAll('body, body *'));
      for (const i of ${JSON.stringify(innermost)}) elements[i]?.setAttribute('${MARK}', '');
    })()`,
    )
    .catch(() => undefined);
  return page.locator(`[${MARK}]`);
}
