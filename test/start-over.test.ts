import { describe, expect, it } from 'vitest';
import { abandonIfBusy, labelInAttempt, startingOver } from '../src/flows/start-over.js';
import { defaultHttpOptions } from '../src/http/client.js';
import type { HttpRequest, HttpResult } from '../src/http/request.js';

const http = { ...defaultHttpOptions, retry: { retries: 2, maxRetryAfterSeconds: 30, backoffMs: 1 } };
const answered = (status: number, headers: Record<string, string> = {}) => ({ response: { status, headers, body: '' } }) as unknown as HttpResult;
const redemption: HttpRequest = { label: 'token', method: 'POST', url: 'http://127.0.0.1/token', body: 'grant_type=authorization_code&code=x' };

/** A flow that sends one request per start, answered as `answers` says in turn; the labels it sent. */
async function flowAnswered(request: HttpRequest, answers: HttpResult[], options = http) {
  const labels: string[] = [];
  const outcome = await startingOver((attempt) => {
    labels.push(labelInAttempt(request.label));
    const result = answers[attempt]!;
    abandonIfBusy(request, result);
    return Promise.resolve(result.response!.status);
  }, options);
  return { outcome, labels };
}

describe('starting over after a busy answer to a one-time credential', () => {
  it('abandons the flow and starts it again, labelled as a restart, until it is served', async () => {
    expect(await flowAnswered(redemption, [answered(503), answered(429), answered(200)])).toEqual({
      outcome: 200,
      labels: ['token', 'token (restart 1)', 'token (restart 2)'],
    });
  });

  it('once the retries are spent, the busy answer is the flow\'s, for its checks to judge "could not run"', async () => {
    expect(await flowAnswered(redemption, [answered(503), answered(503), answered(503)])).toEqual({
      outcome: 503,
      labels: ['token', 'token (restart 1)', 'token (restart 2)'],
    });
  });

  it('a Retry-After longer than the policy allows, or past the deadline, is not waited for', async () => {
    expect((await flowAnswered(redemption, [answered(429, { 'retry-after': '120' })])).outcome).toBe(429);
    expect((await flowAnswered(redemption, [answered(429, { 'retry-after': '5' })], { ...http, deadlineAt: Date.now() + 1000 })).outcome).toBe(429);
  });

  it('requests that spend nothing, and answers other than 429 and 503, never start a flow over', async () => {
    expect((await flowAnswered({ ...redemption, replayable: true }, [answered(503)])).outcome).toBe(503);
    expect((await flowAnswered({ ...redemption, method: 'GET' }, [answered(503)])).outcome).toBe(503);
    expect((await flowAnswered(redemption, [answered(500)])).outcome).toBe(500);
  });

  it('errors of the flow itself pass through', async () => {
    await expect(startingOver(() => Promise.reject(new Error('broken')), http)).rejects.toThrow('broken');
  });
});
