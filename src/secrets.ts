import { createHmac, randomBytes } from 'node:crypto';
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';
import { parseJsonBody } from './http/json.js';

/**
 * Everything that leaves the process (attachments, JUnit, console, error messages) passes through here.
 * Values are replaced by a short keyed fingerprint so a reader can still see that two places carry the same
 * token without learning it. The key is per process, so fingerprints cannot be brute-forced from a report.
 */
const KEY_NAME = 'oauth-conformance:fingerprint-key';
// Shared with the worker threads this process starts, so the runner and the checks' worker write one fingerprint
// for one value.
const key = (getEnvironmentData(KEY_NAME) as Buffer | undefined) ?? randomBytes(32);
setEnvironmentData(KEY_NAME, key);
/** The values registered, in order: what a worker hands back to the process that writes the reports. */
const registered: string[] = [];
/** Every form a secret may be written in → the secret itself, whose fingerprint stands for all of them. */
const known = new Map<string, string>();
/**
 * `known` by its first MIN_LENGTH characters (prefixKey), then by length, longest first: one pass over a text finds
 * every form however many secrets a long-lived process has learned. Tokens of one server share long prefixes (every
 * JWT's header), so a list per prefix grew with every token issued; a set per length is one lookup per length.
 */
const byPrefix = new Map<number | string, { lengths: number[]; forms: Map<number, Set<string>> }>();

/** Field names whose values are credentials wherever they appear: forms, query strings, JSON. */
const SECRET_FIELDS = new Set([
  'client_secret',
  'password',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'client_assertion',
  'assertion',
  'token',
  'device_code',
  'subject_token',
  'actor_token',
  'session',
  'session_token',
  'api_key',
  'secret',
]);
/** The names above spelt as servers spell them: accessToken, AccessToken, ACCESS_TOKEN and access-token are one name. */
const SECRET_NAMES = new Set([...SECRET_FIELDS].map(normalName));
function normalName(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}
/** Whether a field or member of this name carries a credential, however it is spelt. */
export function isSecretName(name: string): boolean {
  return SECRET_NAMES.has(normalName(name));
}
/**
 * A JSON member that is a credential: `code` only at the top level (an authorization code in an API's answer);
 * nested, it is data, such as a FHIR OperationOutcome's issue code or a coding's code.
 */
function isSecretMember(name: string, depth: number): boolean {
  return isSecretName(name) && (normalName(name) !== 'code' || depth === 0);
}

/** Headers that always carry credentials or sessions. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

// A compact JWS (3 segments) or JWE (5); a candidate is a JWT when its first segment decodes to a JSON header naming
// alg or enc, however it was serialised (a header with whitespace does not start with eyJ).
const JWT_LIKE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){2}(?:(?:\.[A-Za-z0-9_-]*){2})?/g;
function isJwtHeader(segment: string): boolean {
  const header = Buffer.from(segment, 'base64url').toString('utf8');
  return /^\s*\{/.test(header) && /"(alg|enc)"\s*:/.test(header);
}
// Secrets shorter than this are too likely to occur by chance in ordinary text to be replaced everywhere.
const MIN_LENGTH = 4;

export function fingerprint(value: string): string {
  return `[redacted:${createHmac('sha256', key).update(value).digest('hex').slice(0, 8)}]`;
}

/** Registers a value that must never appear in output. */
export function addSecret(value: string | undefined): void {
  if (!value || value.length < MIN_LENGTH || known.get(value) === value) return;
  registered.push(value);
  // Encoded forms travel in URLs and form bodies.
  for (const form of formsOf(value)) {
    if (form.length < MIN_LENGTH || known.has(form)) continue;
    known.set(form, value);
    const prefix = prefixKey(form, 0);
    const bucket = byPrefix.get(prefix) ?? { lengths: [], forms: new Map<number, Set<string>>() };
    byPrefix.set(prefix, bucket);
    const sameLength = bucket.forms.get(form.length);
    if (sameLength) sameLength.add(form);
    else {
      bucket.forms.set(form.length, new Set([form]));
      bucket.lengths = [...bucket.lengths, form.length].sort((a, b) => b - a);
    }
  }
}

/** The values registered since an earlier call returned `from` as `next`. */
export function registeredSince(from: number): { values: string[]; next: number } {
  return { values: registered.slice(from), next: registered.length };
}

/**
 * The ways a value is written where a server may echo it: raw, percent- and form-encoded (upper and lower case hex),
 * HTML- and JSON-escaped, base64 and base64url (with and without padding).
 */
function formsOf(value: string): string[] {
  const percent = [encodeURIComponent(value), formEncode(value)];
  const json = JSON.stringify(value).slice(1, -1);
  const base64 = Buffer.from(value).toString('base64');
  return [
    value,
    ...percent,
    ...percent.map((p) => p.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())),
    json,
    json.replace(/\//g, '\\/'),
    htmlEscape(value),
    htmlEscape(value).replace(/&#39;/g, '&#x27;'),
    value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    base64,
    base64.replace(/=+$/, ''),
    Buffer.from(value).toString('base64url'),
    // Inside an encoded body the value is written as that body writes it: as is, form-encoded or JSON-escaped.
    ...[...new Set([value, ...percent, json])].flatMap(base64Cores),
  ];
}

/**
 * The base64 and base64url characters that stand for the value wherever it sits inside a larger encoded string (an
 * echoed request body, Basic id:secret): for each of the three byte alignments, the groups made of its bytes alone.
 */
function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value);
  return [0, 1, 2].flatMap((shift) => {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]);
    const start = shift ? 4 : 0;
    const end = Math.floor(encoded.length / 3) * 4;
    // Shorter cores are too likely to occur by chance inside unrelated base64.
    return end - start < 8 ? [] : (['base64', 'base64url'] as const).map((alphabet) => encoded.toString(alphabet).slice(start, end));
  });
}

function htmlEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * The MIN_LENGTH characters at position i as one number when they are ASCII (tokens, base64, most text), else as
 * text: the scan looks up every position of every text it redacts, and a number costs no string.
 */
function prefixKey(text: string, i: number): number | string {
  let key = 0;
  for (let j = i; j < i + MIN_LENGTH; j++) {
    const c = text.charCodeAt(j);
    if (c > 0x7f) return text.slice(i, i + MIN_LENGTH);
    key = (key << 7) | c;
  }
  return key;
}

/** The longest registered form that starts at position i of text. */
function formAt(text: string, i: number): string | undefined {
  const bucket = byPrefix.get(prefixKey(text, i));
  for (const length of bucket?.lengths ?? []) {
    const candidate = text.slice(i, i + length);
    if (candidate.length === length && bucket!.forms.get(length)!.has(candidate)) return candidate;
  }
  return undefined;
}

/** Replaces every known secret and any JWT in free text. */
export function redact(text: string): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i <= text.length - MIN_LENGTH && byPrefix.size > 0; i++) {
    const form = formAt(text, i);
    if (!form) continue;
    out += text.slice(copied, i) + fingerprint(known.get(form)!);
    copied = i + form.length;
    i = copied - 1;
  }
  out += text.slice(copied);
  return out.replace(JWT_LIKE, (jwt) => (isJwtHeader(jwt.slice(0, jwt.indexOf('.'))) ? fingerprint(jwt) : jwt));
}

/** Redacts secret-named parameters of a URL's query and fragment (where implicit-style tokens travel), then any known value left. */
export function redactUrl(url: string): string {
  return redact(url.replace(/([?#])([^#]*)/g, (_, mark: string, params: string) => mark + redactForm(params)));
}

/** Registers credentials carried in a URL (a code in a redirect Location) before anything quotes that URL. */
export function learnSecretsFromUrl(url: string | undefined): void {
  for (const part of (url ?? '').split(/[?#]/).slice(1)) {
    for (const [name, value] of new URLSearchParams(part)) if (isSecretName(name)) addSecret(value);
  }
}

/**
 * Registers the values of cookies a server sets: a session cookie is a credential, and servers quote it in bodies
 * (a debug member, an error page). Short values (a flag, a language) are too common in ordinary text to hide.
 */
export function learnSessionCookies(setCookies: string[]): void {
  for (const line of setCookies) {
    const pair = line.split(';', 1)[0] ?? '';
    const value = pair
      .slice(pair.indexOf('=') + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (pair.includes('=') && value.length >= MIN_COOKIE_LENGTH) addSecret(value);
  }
}
const MIN_COOKIE_LENGTH = 8;

/** Redacts an application/x-www-form-urlencoded body or query string by field name. */
export function redactForm(body: string): string {
  return body
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = formDecode(pair.slice(0, eq));
      const value = formDecode(pair.slice(eq + 1));
      return isSecretName(name) ? `${pair.slice(0, eq)}=${fingerprint(value)}` : pair;
    })
    .join('&');
}

/** Redacts secret-named members of parsed JSON at any depth. */
export function redactJson(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => redactJson(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, isSecretMember(k, depth) && typeof v === 'string' ? fingerprint(v) : redactJson(v, depth + 1)]),
    );
  }
  return typeof value === 'string' ? redact(value) : value;
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => {
      const lower = name.toLowerCase();
      if (SECRET_HEADERS.has(lower)) return [name, redactCredentialHeader(value)];
      if (lower === 'location' || lower === 'content-location') return [name, redactUrl(value)];
      return [name, redact(value)];
    }),
  );
}

/** Keeps the scheme ("Bearer", "Basic") readable: which scheme was sent matters to a reader. */
function redactCredentialHeader(value: string): string {
  const m = /^([A-Za-z][A-Za-z0-9_-]*) +(\S.*)$/.exec(value);
  return m ? `${m[1]} ${fingerprint(m[2]!)}` : fingerprint(value);
}

/** Redacts a body: JSON by member name whatever the declared type (servers mislabel it), forms by field name. */
export function redactBody(body: string, contentType: string | undefined): string {
  const json = parseJson(body);
  if (json !== undefined) return JSON.stringify(redactJson(json), null, 2);
  if ((contentType ?? '').toLowerCase().includes('x-www-form-urlencoded')) return redact(redactForm(body));
  return redact(
    body.replace(LOOSE_MEMBER, (member: string, key: string, name: string, value: string) =>
      isSecretMember(name, 1) ? `${key}"${fingerprint(jsonUnescape(value))}"` : member,
    ),
  );
}

/**
 * Registers the credential members of a body (tokens a server issued) so they are redacted anywhere later: strict
 * JSON, and what only looks like it (a BOM, an anti-XSSI prefix, trailing text, a body cut at the size cap), or a
 * form-encoded answer, whatever the content type says.
 */
export function learnSecrets(body: string): void {
  const visit = (value: unknown, depth: number): void => {
    if (Array.isArray(value)) value.forEach((v) => visit(v, depth + 1));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (isSecretMember(k, depth) && typeof v === 'string') addSecret(v);
        else visit(v, depth + 1);
      }
    }
  };
  const json = parseJson(body);
  if (json !== undefined) {
    visit(json, 0);
    return;
  }
  // Not JSON: every credential-named string member wherever it stands (a nested `code` is data, as above).
  for (const [, , name = '', value = ''] of body.matchAll(LOOSE_MEMBER)) if (isSecretMember(name, 1)) addSecret(jsonUnescape(value));
  const form = body.trim();
  if (FORM.test(form)) for (const [name, value] of new URLSearchParams(form)) if (isSecretName(name)) addSecret(value);
}

/** `"name": "value"` in text that may not parse as JSON. */
const LOOSE_MEMBER = /("([A-Za-z_][\w-]*)"\s*:\s*)"((?:[^"\\]|\\.)*)"/g;
/** A whole body that is a form: name=value pairs joined by &, no spaces or markup. */
const FORM = /^[^\s=&{}<>"]+=[^\s&]*(?:&[^\s=&]+=[^\s&]*)*$/;

function jsonUnescape(text: string): string {
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    return text;
  }
}

export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** Lenient: a malformed escape (`100%`) is kept as written rather than failing the whole redaction. */
function formDecode(text: string): string {
  const plus = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

function parseJson(text: string): unknown {
  // A byte-order mark is not JSON (RFC 8259 §8.1), but it hides nothing either.
  const body = text.replace(/^\uFEFF/, '');
  const start = body.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    return parseJsonBody(body);
  } catch {
    return undefined;
  }
}

/** Whether text holds a value the run knows as secret, in any of its registered forms. */
export function containsSecret(text: string): boolean {
  for (let i = 0; i <= text.length - MIN_LENGTH && byPrefix.size > 0; i++) if (formAt(text, i)) return true;
  return false;
}
