import type { HttpRequest, HttpResult } from './client.js';

/**
 * When a failed request is sent again, and after how long. 429 and 503 mean the server did not handle the request,
 * so any request may be sent again once the wait is over (RFC 9110 §15.5.20 via RFC 6585 §4, §15.6.4). Other 5xx
 * answers and broken connections may have been handled: only requests that are safe to repeat are sent again —
 * never a code redemption or a refresh, which would spend a one-time credential twice.
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
  if (attempt >= policy.retries) return undefined;
  const status = result.response?.status;
  if (status === 429 || status === 503) {
    const header = result.response?.headers['retry-after'];
    const seconds = header === undefined ? undefined : retryAfterSeconds(header);
    if (seconds !== undefined && seconds > policy.maxRetryAfterSeconds) return undefined;
    return seconds !== undefined ? seconds * 1000 : backoff(attempt, policy);
  }
  const brokenOrServerError = result.exchange.error !== undefined ? /connection reset|ECONNRESET|socket|closed/i.test(result.exchange.error) : status !== undefined && status >= 500;
  return brokenOrServerError && replayable(req) ? backoff(attempt, policy) : undefined;
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
export function retryAfterSeconds(value: string): number {
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? 1 : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
