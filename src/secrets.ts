import { createHmac, randomBytes } from 'node:crypto';

/**
 * Everything that leaves the process (attachments, JUnit, console, error messages) passes through here.
 * Values are replaced by a short keyed fingerprint so a reader can still see that two places carry the same
 * token without learning it. The key is per process, so fingerprints cannot be brute-forced from a report.
 */
const key = randomBytes(32);
/** Every form a secret may be written in → the secret itself, whose fingerprint stands for all of them. */
const known = new Map<string, string>();
/** `known` longest form first, so a secret that contains another is replaced whole; rebuilt only when one is added. */
let longestFirst: Array<[string, string]> = [];

/** Field names whose values are credentials wherever they appear: forms, query strings, JSON. */
export const SECRET_FIELDS = new Set([
  'client_secret', 'password', 'code', 'code_verifier', 'refresh_token', 'access_token', 'id_token',
  'client_assertion', 'assertion', 'token', 'device_code', 'subject_token', 'actor_token',
]);
/**
 * A JSON member that is a credential: `code` only at the top level (an authorization code in an API's answer);
 * nested, it is data, such as a FHIR OperationOutcome's issue code or a coding's code.
 */
function isSecretMember(name: string, depth: number): boolean {
  return SECRET_FIELDS.has(name) && (name !== 'code' || depth === 0);
}

/** Headers that always carry credentials or sessions. */
export const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

const JWT = /\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
// Secrets shorter than this are too likely to occur by chance in ordinary text to be replaced everywhere.
const MIN_LENGTH = 4;

export function fingerprint(value: string): string {
  return `[redacted:${createHmac('sha256', key).update(value).digest('hex').slice(0, 8)}]`;
}

/** Registers a value that must never appear in output. */
export function addSecret(value: string | undefined): void {
  if (!value || value.length < MIN_LENGTH) return;
  // Encoded forms travel in URLs and form bodies.
  const before = known.size;
  for (const form of [value, encodeURIComponent(value), formEncode(value)]) known.set(form, value);
  if (known.size !== before) longestFirst = [...known].sort(([a], [b]) => b.length - a.length);
}

/** Replaces every known secret and any JWT in free text. */
export function redact(text: string): string {
  let out = text;
  for (const [form, value] of longestFirst) {
    if (out.includes(form)) out = out.split(form).join(fingerprint(value));
  }
  return out.replace(JWT, (jwt) => fingerprint(jwt));
}

/** Redacts secret-named parameters of a URL's query and fragment (where implicit-style tokens travel), then any known value left. */
export function redactUrl(url: string): string {
  return redact(url.replace(/([?#])([^#]*)/g, (_, mark: string, params: string) => mark + redactForm(params)));
}

/** Registers credentials carried in a URL (a code in a redirect Location) before anything quotes that URL. */
export function learnSecretsFromUrl(url: string | undefined): void {
  for (const part of (url ?? '').split(/[?#]/).slice(1)) {
    for (const [name, value] of new URLSearchParams(part)) if (SECRET_FIELDS.has(name)) addSecret(value);
  }
}

/** Redacts an application/x-www-form-urlencoded body or query string by field name. */
export function redactForm(body: string): string {
  return body
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = formDecode(pair.slice(0, eq));
      const value = formDecode(pair.slice(eq + 1));
      return SECRET_FIELDS.has(name) ? `${pair.slice(0, eq)}=${fingerprint(value)}` : pair;
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
  return redact(body);
}

/** Registers the credential members of a JSON body (tokens a server issued) so they are redacted anywhere later. */
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
  visit(parseJson(body), 0);
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

function parseJson(body: string): unknown {
  const start = body.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Whether text holds a value the run knows as secret, in any of its registered forms. */
export function containsSecret(text: string): boolean {
  return longestFirst.some(([form]) => text.includes(form));
}
