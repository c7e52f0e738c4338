import { NestedTooDeeply, parseJsonBody } from './json.js';

/** One recorded HTTP exchange as it may appear in a report: every credential already replaced by a fingerprint. */
export interface Exchange {
  id: number;
  label: string;
  startedAt: string;
  durationMs: number;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body: string; truncated?: boolean };
  /** Set when no HTTP response arrived: a transport failure in words a user can act on. */
  error?: string;
  /** How many dependent requests led to this one, itself included (http/chain.ts). */
  depth?: number;
  /** A PNG (base64) of the page a browser login stopped on, password fields and secret values masked. */
  screenshot?: string;
}

/** Parses the (redacted) response body as JSON; redaction keeps JSON structure and value types. */
export function jsonOf(exchange: Exchange): { ok: true; value: unknown } | { ok: false; reason: string } {
  const body = exchange.response?.body;
  if (body === undefined) return { ok: false, reason: exchange.error ?? 'no response' };
  try {
    return { ok: true, value: parseJsonBody(body) };
  } catch (error) {
    return {
      ok: false,
      reason: exchange.response?.truncated
        ? `body exceeds the size cap and was cut off after ${body.length} bytes`
        : error instanceof NestedTooDeeply
          ? 'body is not JSON (nested too deeply)'
          : `body is not JSON: ${JSON.stringify(body.slice(0, 80))}`,
    };
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Values a metadata member lists, with the RFC 8414 §2 default when it is omitted. */
export function listed(document: Record<string, unknown>, member: string, fallback: string[]): string[] {
  const value = document[member];
  return Array.isArray(value) ? value.map(String) : fallback;
}

/** The `error` member of a JSON error body (RFC 6749 §5.2), if there is one. */
export function errorCodeOf(exchange: Exchange): unknown {
  const body = jsonOf(exchange);
  return body.ok && isObject(body.value) ? body.value.error : undefined;
}

/** " invalid_client" when an error response names its code, for messages; '' otherwise. */
export function codeSaid(exchange: Exchange): string {
  const error = errorCodeOf(exchange);
  return typeof error === 'string' ? ` ${error}` : '';
}

/** The server answered and judged the request: no transport failure, no 5xx, no 429 (RFC 6585 §4). */
export function judgedByServer(exchange: Exchange): boolean {
  const status = exchange.response?.status;
  return status !== undefined && status < 500 && status !== 429;
}

/** A 200 whose JSON body holds an access_token. */
export function issuedToken(exchange: Exchange): boolean {
  const body = jsonOf(exchange);
  return exchange.response?.status === 200 && body.ok && isObject(body.value) && typeof body.value.access_token === 'string';
}

/** "METHOD url → status" for messages. */
export function describeExchange(exchange: Exchange): string {
  const outcome = exchange.response ? String(exchange.response.status) : (exchange.error ?? 'no response');
  return `${exchange.request.method} ${exchange.request.url} → ${outcome}`;
}
