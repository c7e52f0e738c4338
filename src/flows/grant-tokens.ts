import { codeSaid } from '../http/exchange.js';
import { authorizationCode, type Authorization } from './authorization-code.js';
import { Blocked, NotApplicable } from './blocked.js';
import { clientCredentials } from './client-credentials.js';
import type { RunContext } from './context.js';
import { FLOWS } from './flow-keys.js';
import { freshAccessToken } from './fresh-grants.js';
import type { Exchange } from '../http/exchange.js';
import type { TokenResult } from './token.js';

/** The grant as the suite declares it: the token every other check on this grant reads. */
export function token(run: RunContext, grantName: string): Promise<TokenResult & { authorization?: Authorization }> {
  return run.memo.once(FLOWS.token(grantName), () => {
    const grant = run.suite.grant(grantName);
    return grant.type === 'client_credentials' ? clientCredentials(run, grantName, grant) : authorizationCode(run, grantName, grant);
  });
}

/** The grant's access token, or Blocked saying why there is none. */
export async function accessToken(run: RunContext, grantName: string | undefined): Promise<string> {
  if (!grantName) throw new NotApplicable("this resource is called with vendor headers, not a grant's token");
  return accessTokenOf(await token(run, grantName));
}

/**
 * The grant's access token for a request that needs it accepted: its own while it has lifetime left, else a fresh one.
 * A short-lived token may run out while a busy run gets to the request, and a refusal then proves nothing.
 */
export async function liveAccessToken(run: RunContext, grantName: string | undefined): Promise<string> {
  return (await liveAccess(run, grantName)).value;
}

/** liveAccessToken, with the token response it comes from (to tell whether it ran out before an answer). */
export async function liveAccess(run: RunContext, grantName: string | undefined): Promise<{ value: string; token: TokenResult }> {
  if (!grantName) throw new NotApplicable("this resource is called with vendor headers, not a grant's token");
  const token = await liveToken(run, grantName);
  return { value: accessTokenOf(token), token };
}

// Per run: the fresh token each grant's expired one was replaced with.
const renewed = new WeakMap<RunContext['memo'], Map<string, Promise<TokenResult>>>();

/** The grant's token with lifetime left: its own, or once that is near its expiry, a fresh one (kept while it lasts). */
export async function liveToken(run: RunContext, grantName: string): Promise<TokenResult> {
  const own = await token(run, grantName);
  if (stillActive(own)) return own;
  const byGrant = renewed.get(run.memo) ?? new Map<string, Promise<TokenResult>>();
  renewed.set(run.memo, byGrant);
  const kept = byGrant.get(grantName);
  if (kept && stillActive(await kept)) return kept;
  const fresh = freshAccessToken(run, grantName, 'a token with lifetime left');
  byGrant.set(grantName, fresh);
  return fresh;
}

/**
 * Whether a token has more than a few seconds of its expires_in left: one past it is rightly refused, and a
 * short-lived one may run out while a busy run gets to it.
 */
export function stillActive(token: TokenResult): boolean {
  const expiresIn = token.issued?.expires_in;
  const { startedAt, durationMs } = token.token.exchange;
  return typeof expiresIn !== 'number' || Date.parse(startedAt) + durationMs + (expiresIn - LIVE_MARGIN_SECONDS) * 1000 > Date.now();
}
/** What a token must have left to be used as a live one: the request's own time, and a margin. */
const LIVE_MARGIN_SECONDS = 2;

/**
 * Whether the answer to a request presenting the token came when the token may have run out (from the earliest it can
 * have been issued, the token request's start): a refusal then says nothing of a live token, and the check cannot run.
 */
export function answeredAfterExpiry(token: TokenResult, exchange: Exchange): boolean {
  const expiresIn = token.issued?.expires_in;
  if (typeof expiresIn !== 'number') return false;
  return Date.parse(exchange.startedAt) + exchange.durationMs >= Date.parse(token.token.exchange.startedAt) + expiresIn * 1000;
}

/** The access token of a token response, or Blocked saying why there is none. */
export function accessTokenOf(result: TokenResult): string {
  if (!result.accessToken) {
    const { exchange, response } = result.token;
    throw new Blocked(
      `grant ${result.grant} issued no access token (${exchange.error ?? `token endpoint answered ${response?.status}${codeSaid(exchange)}`})`,
      result.exchanges,
    );
  }
  return result.accessToken;
}
