/** The forms a secret may be written in, to scan outputs for: as is, base64, base64url, URL-, form-, HTML- and JSON-escaped. */
export function writtenForms(secret: string): string[] {
  const html = secret.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const named = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const forms = [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    new URLSearchParams({ v: secret }).toString().slice(2),
    html,
    named,
    JSON.stringify(secret).slice(1, -1),
  ];
  return [...new Set(forms)];
}

/** Where any of these secrets appears, in any written form, among these texts: "path: form" for each hit. */
export function leaks(texts: Array<{ path: string; text: string }>, secrets: string[]): string[] {
  const find = finder([...new Set(secrets.flatMap(writtenForms))]);
  return texts.flatMap(({ path, text }) => find(text).map((form) => `${path}: ${form}`));
}

// Forms are found by the hash of their first WINDOW characters, in one pass over a text whatever their number (a scan
// of thousands of tokens' forms over the megabytes of a run's outputs); shorter forms are searched for one by one. The
// hash rolls in 32-bit integer arithmetic, and a bit table of the forms' hashes spares most positions a map lookup.
const WINDOW = 12;
const BASE = 31;
const TOP = Array.from({ length: WINDOW - 1 }).reduce<number>((power) => Math.imul(power, BASE), 1);
const TABLE_BITS = 20;

function hashOf(text: string): number {
  let hash = 0;
  for (let i = 0; i < WINDOW; i++) hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0;
  return hash;
}

/** The forms that occur in a text, in the order given. */
function finder(forms: string[]): (text: string) => string[] {
  const short = forms.filter((form) => form.length < WINDOW);
  const byHash = new Map<number, string[]>();
  const table = new Uint8Array(1 << TABLE_BITS);
  for (const form of forms.filter((f) => f.length >= WINDOW)) {
    const hash = hashOf(form);
    byHash.set(hash, [...(byHash.get(hash) ?? []), form]);
    table[hash >>> (32 - TABLE_BITS)] = 1;
  }
  return (text) => {
    const found = new Set(short.filter((form) => text.includes(form)));
    let hash = text.length >= WINDOW ? hashOf(text) : 0;
    for (let i = 0; i + WINDOW <= text.length; i++) {
      if (i > 0) hash = (Math.imul(hash - Math.imul(text.charCodeAt(i - 1), TOP), BASE) + text.charCodeAt(i + WINDOW - 1)) | 0;
      if (table[hash >>> (32 - TABLE_BITS)] === 0) continue;
      for (const form of byHash.get(hash) ?? []) if (text.startsWith(form, i)) found.add(form);
    }
    return forms.filter((form) => found.has(form));
  };
}

// A run of base64 or base64url long enough to hide a credential (with a byte or two of its neighbours).
const BASE64_RUN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;

/**
 * The texts, and the text of every base64 run inside them, decoded, to this depth: the HTML report embeds its
 * attachments as base64, and a secret inside a larger encoded string (an echoed body, Basic id:secret) shows only
 * once the whole string is decoded, whatever its alignment.
 */
export function withEmbedded(texts: Array<{ path: string; text: string }>, depth = 2): Array<{ path: string; text: string }> {
  if (depth === 0) return texts;
  const decoded = texts.flatMap(({ path, text }) => {
    const runs = text.match(BASE64_RUN) ?? [];
    const inner = runs.map((run) => Buffer.from(run, 'base64').toString('utf8')).join('\n');
    return inner ? [{ path: `${path} (base64 inside)`, text: inner }] : [];
  });
  return [...texts, ...withEmbedded(decoded, depth - 1)];
}
