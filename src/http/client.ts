import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, errors, request } from 'undici';
import { addSecret, learnSecrets, learnSecretsFromUrl, redact, redactBody, redactHeaders, redactUrl } from '../secrets.js';
import type { Exchange } from './exchange.js';

export interface HttpRequest {
  label: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Values in this request that are credentials (client secret, code, verifier), redacted everywhere. */
  secrets?: Array<string | undefined>;
}

/** The response as received, kept in memory only: flows read credentials from it, reports never see it. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  setCookies: string[];
  body: string;
}

export interface HttpResult {
  exchange: Exchange;
  response?: RawResponse;
}

export interface HttpOptions {
  timeoutMs: number;
  maxBodyBytes: number;
  /** A 429 is retried after its Retry-After at most this often, and only when the wait is at most `maxRetryAfterSeconds`. */
  rateLimitRetries: number;
  maxRetryAfterSeconds: number;
}

export const defaultHttpOptions: HttpOptions = { timeoutMs: 10_000, maxBodyBytes: 1024 * 1024, rateLimitRetries: 2, maxRetryAfterSeconds: 30 };

// One pool for the process: keep-alive per origin, and a bound on parallel connections so a vendor is not hammered.
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 6 });

/** Every exchange a run makes, in order; attachments and the report are built from these. */
export class Recorder {
  readonly exchanges: Exchange[] = [];
  add(exchange: Exchange): Exchange {
    this.exchanges.push(exchange);
    return exchange;
  }
}

let nextId = 1;

/**
 * Sends a request with a timeout and a body cap; never throws for transport failures, it records them. A 429 is
 * sent again once its Retry-After has passed (a rate-limited server did not process the request), a bounded number
 * of times: a vendor that limits us is waited for, never stormed.
 */
export async function send(req: HttpRequest, recorder: Recorder, options: HttpOptions = defaultHttpOptions): Promise<HttpResult> {
  req.secrets?.forEach(addSecret);
  for (let attempt = 0; ; attempt++) {
    const result = await sendOnce(attempt ? { ...req, label: `${req.label} (retry ${attempt} after 429)` } : req, recorder, options);
    const wait = result.response?.status === 429 ? retryAfterSeconds(result.response.headers['retry-after']) : undefined;
    if (wait === undefined || attempt >= options.rateLimitRetries || wait > options.maxRetryAfterSeconds) return result;
    await sleep(wait * 1000);
  }
}

/** Retry-After as seconds (RFC 9110 §10.2.3: delay-seconds or an HTTP-date); 1 s when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined): number {
  if (value === undefined) return 1;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? 1 : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function sendOnce(req: HttpRequest, recorder: Recorder, options: HttpOptions): Promise<HttpResult> {
  const started = Date.now();
  const base = {
    id: nextId++,
    label: req.label,
    startedAt: new Date(started).toISOString(),
    request: {
      method: req.method,
      url: redactUrl(req.url),
      headers: redactHeaders(req.headers ?? {}),
      ...(req.body !== undefined && { body: redactBody(req.body, req.headers?.['content-type']) }),
    },
  };
  try {
    const res = await request(req.url, {
      method: req.method as 'GET',
      headers: req.headers,
      body: req.body,
      dispatcher: agent,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const { body, truncated } = await readCapped(res.body, options.maxBodyBytes);
    const headers = flattenHeaders(res.headers);
    // Learn what the server issued first, so the redacted copy hides it wherever it is quoted (bodies echo Locations).
    learnSecrets(body);
    learnSecretsFromUrl(headers.location);
    const raw: RawResponse = { status: res.statusCode, headers, setCookies: setCookiesOf(res.headers), body };
    const exchange = recorder.add({
      ...base,
      durationMs: Date.now() - started,
      response: {
        status: res.statusCode,
        headers: redactHeaders(headers),
        body: redactBody(body, headers['content-type']),
        ...(truncated && { truncated }),
      },
    });
    return { exchange, response: raw };
  } catch (error) {
    const exchange = recorder.add({ ...base, durationMs: Date.now() - started, error: describeTransportError(error, req.url, options) });
    return { exchange };
  }
}

async function readCapped(stream: AsyncIterable<Buffer>, cap: number): Promise<{ body: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    if (size + chunk.length > cap) {
      chunks.push(chunk.subarray(0, cap - size));
      // Leaving the loop destroys the stream: a huge body is not downloaded in full.
      return { body: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

type UndiciHeaders = Record<string, string | string[] | undefined>;

function flattenHeaders(headers: UndiciHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function setCookiesOf(headers: UndiciHeaders): string[] {
  const value = headers['set-cookie'];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

const codes: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running, and is the host and port right?)',
  ENOTFOUND: 'host name not found (check the URL)',
  EAI_AGAIN: 'host name lookup failed (check the URL and DNS)',
  ECONNRESET: 'connection reset by the server',
  EHOSTUNREACH: 'host unreachable',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed (trust it with NODE_EXTRA_CA_CERTS)',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS chain has a self-signed certificate (trust it with NODE_EXTRA_CA_CERTS)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate chain cannot be verified (trust its CA with NODE_EXTRA_CA_CERTS)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
};

/** A transport failure in words a user can act on; never includes request secrets (the URL is redacted). */
export function describeTransportError(error: unknown, url: string, options: HttpOptions): string {
  const where = `cannot reach ${redactUrl(url)}`;
  const err = error as { code?: string; name?: string; cause?: { code?: string }; message?: string };
  const code = err.code ?? err.cause?.code;
  if (
    err.name === 'TimeoutError' ||
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError
  ) {
    return `${where}: no response within ${options.timeoutMs / 1000} s (timeout)`;
  }
  if (code && codes[code]) return `${where}: ${codes[code]}`;
  if (error instanceof TypeError && /invalid url/i.test(error.message)) return `invalid URL ${JSON.stringify(redactUrl(url))}`;
  // Library messages may quote the request; they pass through redaction like everything else.
  return redact(`${where}: ${code ?? err.name ?? 'error'}${err.message ? ` (${err.message})` : ''}`);
}
