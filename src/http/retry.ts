import type { HttpRequest, HttpResult } from './request.js';

/**
 * When a failed request is sent again, and after how long. Only requests that spend nothing are sent again: never a
 * code redemption or a refresh, whose one-time credential a server may count as spent whatever it answered (RFC 6749
 * §4.1.2, §10.4). 429 and 503 ask the client to come back later (RFC 6585 §4, RFC 9110 §15.6.4, §10.2.3); other 5xx
 * answers and broken connections get a backoff. A flow whose one-time credential met a 429 or 503 starts over with
 * a new one instead (flows/start-over.ts).
 */
export interface RetryPolicy {
  /** How many times a request is sent again at most. */
  retries: number;
  /** Longest Retry-After honoured, in seconds; a longer one ends the retries. */
  maxRetryAfterSeconds: number;
  /** First backoff for a 5xx or a broken connection, doubled each time, with jitter. */
  backoffMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 2, maxRetryAfterSeconds: 30, backoffMs: 200 };

/** Milliseconds to wait before sending `req` again after `result`, or undefined when it must not be sent again. */
export function retryDelay(req: HttpRequest, result: HttpResult, attempt: number, policy: RetryPolicy): number | undefined {
  if (!replayable(req)) return undefined;
  if (isBusy(result)) return busyDelay(result, attempt, policy);
  if (attempt >= policy.retries) return undefined;
  const status = result.response?.status;
  const brokenOrServerError =
    result.exchange.error !== undefined ? /connection reset|ECONNRESET|socket|closed/i.test(result.exchange.error) : status !== undefined && status >= 500;
  return brokenOrServerError ? backoff(attempt, policy) : undefined;
}

/** 429 Too Many Requests or 503 Service Unavailable: the server asks to be asked again later. */
export function isBusy(result: HttpResult): boolean {
  const status = result.response?.status;
  return status === 429 || status === 503;
}

/** The wait a busy answer asks for (its Retry-After, else a backoff), or undefined when the retries are spent or it asks too long. */
export function busyDelay(result: HttpResult, attempt: number, policy: RetryPolicy): number | undefined {
  if (attempt >= policy.retries) return undefined;
  const header = result.response?.headers['retry-after'];
  const seconds = header === undefined ? undefined : retryAfterSeconds(header);
  if (seconds !== undefined && seconds > policy.maxRetryAfterSeconds) return undefined;
  return seconds !== undefined ? seconds * 1000 : backoff(attempt, policy);
}

/** Safe to send twice: reads, and token requests that spend no one-time credential. */
export function replayable(req: HttpRequest): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  return req.replayable === true;
}

function backoff(attempt: number, policy: RetryPolicy): number {
  const base = policy.backoffMs * 2 ** attempt;
  // Jitter keeps clients that failed together from coming back together.
  return base / 2 + Math.random() * base;
}

/** Retry-After as seconds (RFC 9110 §10.2.3: delay-seconds or an HTTP-date). */
function retryAfterSeconds(value: string): number {
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? 1 : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
