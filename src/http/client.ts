import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { errors, request, type Dispatcher } from 'undici';
import { addSecret, learnSecrets, learnSecretsFromUrl, learnSessionCookies, redact, redactBody, redactHeaders, redactUrl } from '../secrets.js';
import { currentDepth, reach } from './chain.js';
import type { Exchange } from './exchange.js';
import type { ClientCertificate } from '../suite/client-certificate.js';
import { renewed, type HttpRequest, type HttpResult, type RawResponse } from './request.js';
import { stringAt } from './json.js';
import { HostGate } from './host-gate.js';
import { learnSecretsFromPage } from './page-credentials.js';
import { plainHttpRefusal } from './plain-http.js';
import { defaultRetryPolicy, retryDelay, type RetryPolicy } from './retry.js';
import { proxyHint, transportAgent } from './transport.js';

export interface HttpOptions {
  timeoutMs: number;
  /** Bodies are cut at this size, after decompression. */
  maxBodyBytes: number;
  retry: RetryPolicy;
  /** Send credentials over plain http to hosts other than loopback (a lab setup). */
  allowInsecureHttp: boolean;
  /** Epoch milliseconds after which no request is sent and none is waited for: the run's deadline. */
  deadlineAt?: number;
  /** Parallel connections per origin: keeps a vendor from being hammered, and bounds how fast a run can go. */
  connections: number;
  /** PEM certificates trusted besides the system's roots (--ca): a private CA. */
  trustedCertificates?: readonly string[];
}

export const defaultHttpOptions: HttpOptions = {
  timeoutMs: 10_000,
  maxBodyBytes: 1024 * 1024,
  retry: defaultRetryPolicy,
  allowInsecureHttp: false,
  connections: 16,
};

// One gate per bound and trust for the process, and one pool per client certificate besides: connections are kept
// alive and reused per origin, a connection that presented a certificate only for requests that present it, and the
// gate decides which waiting request goes next (undici's own queue is first come, first served) whatever the pool.
const gates = new Map<string, HostGate>();
const agents = new Map<string, Dispatcher>();
function poolFor({ connections, trustedCertificates = [] }: HttpOptions, certificate?: ClientCertificate) {
  const key = JSON.stringify([connections, trustedCertificates]);
  let gate = gates.get(key);
  if (!gate) gates.set(key, (gate = new HostGate(connections)));
  const agentKey = JSON.stringify([key, certificate?.thumbprint]);
  let agent = agents.get(agentKey);
  if (!agent) agents.set(agentKey, (agent = transportAgent(connections, trustedCertificates, process.env, certificate)));
  return { agent, gate };
}

/** Every exchange a run makes, in order; attachments and the report are built from these. */
export class Recorder {
  readonly exchanges: Exchange[] = [];
  /** `onExchange`: told of each exchange as it is recorded (--verbose). */
  constructor(private readonly onExchange?: (exchange: Exchange) => void) {}
  add(exchange: Exchange): Exchange {
    this.exchanges.push(exchange);
    this.onExchange?.(exchange);
    return exchange;
  }
}

let nextId = 1;

/** Records what happened outside `send` (a browser's navigations), numbered in the same sequence. */
export function recordOutside(recorder: Recorder, entry: Omit<Exchange, 'id'>): Exchange {
  return recorder.add({ id: nextId++, ...entry });
}

/**
 * Sends a request with a timeout and a body cap; never throws for transport failures, it records them. Failed
 * attempts are recorded too and sent again as retry.ts allows, a bounded number of times: a vendor that limits or
 * stumbles is waited for, never stormed. Nothing is sent after the run's deadline.
 */
export async function send(first: HttpRequest, recorder: Recorder, options: HttpOptions = defaultHttpOptions): Promise<HttpResult> {
  let req = first;
  for (let attempt = 0; ; attempt++) {
    learnSecretsOf(req);
    const refusal = insecureCredentials(req, options);
    if (refusal) return { exchange: recorder.add({ ...describe(req, Date.now()), durationMs: 0, error: refusal }) };
    const { agent, gate } = poolFor(options, req.certificate);
    const sending = req;
    const result = await gate.run(originOf(req.url), currentDepth() + (req.ahead ?? 0), () => sendOnce(sending, recorder, options, attempt, agent));
    const delay = retryDelay(req, result, attempt, options.retry);
    if (delay === undefined || (options.deadlineAt !== undefined && Date.now() + delay >= options.deadlineAt)) return result;
    await sleep(delay);
    req = await renewed(req);
  }
}

/**
 * What a request carries is secret wherever a server echoes it: its listed secrets, the Authorization credential as
 * sent (Basic base64 of id:secret) and the credential fields of its body, whether or not the caller listed them.
 */
function learnSecretsOf(req: HttpRequest): void {
  req.secrets?.forEach(addSecret);
  addSecret(/^\S+ +(\S+)$/.exec(req.headers?.authorization ?? '')?.[1]);
  if (req.body) learnSecrets(req.body);
}

function insecureCredentials(req: HttpRequest, options: HttpOptions): string | undefined {
  const credentialed = Boolean(req.headers?.authorization || req.headers?.cookie) || (req.secrets ?? []).some(Boolean);
  return plainHttpRefusal(req.url, [...Object.values(req.headers ?? {}), req.body], credentialed, options.allowInsecureHttp);
}

function describe(req: HttpRequest, started: number) {
  return {
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
}

const originOf = (url: string) => (URL.canParse(url) ? new URL(url).origin : url);

async function sendOnce(req: HttpRequest, recorder: Recorder, options: HttpOptions, attempt: number, agent: Dispatcher): Promise<HttpResult> {
  const started = Date.now();
  const depth = currentDepth() + 1;
  const base = { ...describe(attempt ? { ...req, label: `${req.label} (retry ${attempt})` } : req, started), depth };
  // The per-request timeout, cut short by the run's deadline: a hanging or dripping server cannot hold a run.
  const remaining = options.deadlineAt === undefined ? options.timeoutMs : Math.max(0, Math.min(options.timeoutMs, options.deadlineAt - started));
  try {
    if (remaining <= 0) throw new DeadlineError();
    const res = await request(req.url, {
      method: req.method as 'GET',
      headers: req.headers,
      body: req.body,
      dispatcher: agent,
      headersTimeout: remaining,
      bodyTimeout: remaining,
      signal: AbortSignal.timeout(remaining),
    });
    const { body, truncated } = await readCapped(decoded(res.body, res.headers['content-encoding']), options.maxBodyBytes);
    const headers = flattenHeaders(res.headers);
    // Learn what the server issued first, so the redacted copy hides it wherever it is quoted (bodies echo Locations).
    const setCookies = setCookiesOf(res.headers);
    learnSecrets(body);
    if (req.secretAt) addSecret(stringAt(body, req.secretAt));
    learnSecretsFromUrl(headers.location);
    learnSecretsFromPage(headers, body);
    learnSessionCookies(setCookies);
    const raw: RawResponse = { status: res.statusCode, headers, setCookies, body };
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
  } finally {
    // Whatever comes next in this chain waited for this request, answered or not.
    reach(depth);
  }
}

/** Thrown for a request the run's deadline leaves no time for. */
class DeadlineError extends Error {
  constructor() {
    super('the run deadline has passed');
    this.name = 'DeadlineError';
  }
}

/**
 * The body as the server meant it. Compressed bodies are decompressed as a stream, so the size cap applies to what
 * they expand to: a gzip bomb costs one capped read, not the machine's memory.
 */
function decoded(body: Readable, encoding: string | string[] | undefined): Readable {
  const name = String(encoding ?? '')
    .trim()
    .toLowerCase();
  const decoder =
    name === 'gzip' || name === 'x-gzip' ? createGunzip() : name === 'deflate' ? createInflate() : name === 'br' ? createBrotliDecompress() : undefined;
  if (!decoder) return body;
  body.on('error', (error) => decoder.destroy(error));
  return body.pipe(decoder);
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
  UND_ERR_SOCKET: 'the connection was closed mid-response (reset by the server)',
  EHOSTUNREACH: 'host unreachable',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed (trust it with --ca FILE)',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS chain has a self-signed certificate (trust it with --ca FILE)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate chain cannot be verified (trust its CA with --ca FILE)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate is issued by a CA this machine does not trust (trust it with --ca FILE)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
};

/** A transport failure in words a user can act on; never includes request secrets (the URL is redacted). */
function describeTransportError(error: unknown, url: string, options: HttpOptions): string {
  const where = `cannot reach ${redactUrl(url)}`;
  const err = error as { code?: string; name?: string; cause?: { code?: string }; message?: string };
  const code = err.code ?? err.cause?.code;
  // Undici's own timers and the abort signal are all cut to the deadline; whichever fires first, the deadline ended it.
  // Undici's timers are coarse (up to a second early or late), hence the margin.
  const timedOut = err.name === 'TimeoutError' || error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError;
  if (err.name === 'DeadlineError' || (timedOut && options.deadlineAt !== undefined && Date.now() >= options.deadlineAt - 1000)) {
    return `${where}: the run's deadline passed (--deadline)`;
  }
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR__ERROR_FORMAT_PADDING_1') return `${where}: the compressed body is corrupt`;
  if (timedOut) return `${where}: no response within ${options.timeoutMs / 1000} s (timeout)`;
  if (code && codes[code]) return `${where}: ${codes[code]}${code.startsWith('E') ? proxyHint(url) : ''}`;
  if (error instanceof TypeError && /invalid url/i.test(error.message)) return `invalid URL ${JSON.stringify(redactUrl(url))}`;
  // Library messages may quote the request; they pass through redaction like everything else.
  return redact(`${where}: ${code ?? err.name ?? 'error'}${err.message ? ` (${err.message})` : ''}`);
}
