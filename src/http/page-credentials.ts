import { addSecret, isSecretName, learnSecretsFromUrl } from '../secrets.js';

/**
 * Registers the credentials a page delivers in place of a redirect, before anything records it: parameters of any
 * URL in a `Refresh` header or in the page (meta refresh, links, scripts setting location), and the fields of a form
 * the page posts by itself (OAuth 2.0 Form Post Response Mode).
 */
export function learnSecretsFromPage(headers: Record<string, string | undefined>, body: string): void {
  const html = body.includes('<') ? decodeEntities(body) : '';
  for (const [, name, value] of `${headers.refresh ?? ''}\n${html}`.matchAll(/[?&#](\w+)=([^&#"'\s<>;]+)/g)) learnSecretsFromUrl(`?${name}=${value}`);
  for (const tag of body.match(/<input\b[^>]*>/gi) ?? []) {
    const attributes = attributesOf(tag);
    if (isSecretName(attributes.name ?? '')) addSecret(attributes.value);
  }
}

function attributesOf(tag: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g)) {
    attributes[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attributes;
}

const NAMED: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref.toLowerCase()] ?? whole;
    const code = /^#x/i.test(ref) ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
