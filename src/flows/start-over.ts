import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpOptions } from '../http/client.js';
import type { HttpRequest, HttpResult } from '../http/request.js';
import { busyDelay, isBusy, replayable } from '../http/retry.js';

/**
 * A request that spends a one-time credential (a code, a rotated refresh token) is never sent again (retry.ts). When
 * a server answers one 429 or 503 it asks to be asked later, so the flow that sent it is abandoned there and starts
 * over from the beginning with new credentials, waiting as retry.ts would: within the retry policy and the run's
 * deadline. Once those are spent the busy answer is the flow's, and the checks judge it "could not run"
 * (checks/verdicts.ts).
 */

interface Attempt {
  number: number;
  http: HttpOptions;
  /** Set when the attempt was abandoned: how long to wait before the next. */
  restartAfterMs?: number;
}

const attempts = new AsyncLocalStorage<Attempt>();

/** Thrown out of an abandoned attempt; only startingOver sees it. */
class StartOver extends Error {}

/** A request's label within the current attempt: a start-over says so in the report. */
export function labelInAttempt(label: string): string {
  const number = attempts.getStore()?.number ?? 0;
  return number > 0 ? `${label} (restart ${number})` : label;
}

/** Abandons the current attempt when a request it must not resend was answered busy and another attempt is allowed. */
export function abandonIfBusy(request: HttpRequest, result: HttpResult): void {
  const attempt = attempts.getStore();
  if (!attempt || replayable(request) || !isBusy(result)) return;
  const delay = busyDelay(result, attempt.number, attempt.http.retry);
  const deadline = attempt.http.deadlineAt;
  if (delay === undefined || (deadline !== undefined && Date.now() + delay >= deadline)) return;
  attempt.restartAfterMs ??= delay;
  throw new StartOver();
}

/** Runs `flow`, and again from the start each time abandonIfBusy abandons it. */
export async function startingOver<T>(flow: (attempt: number) => Promise<T>, http: HttpOptions): Promise<T> {
  for (let number = 0; ; number++) {
    const attempt: Attempt = { number, http };
    try {
      return await attempts.run(attempt, () => flow(number));
    } catch (error) {
      if (attempt.restartAfterMs === undefined) throw error;
      await sleep(attempt.restartAfterMs);
    }
  }
}
