import { Blocked } from '../../flows/blocked.js';
import { token } from '../../flows/grant-tokens.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { accessTokenClaims, receivedAt, tokenIssued } from '../token-response/evidence.js';
import type { ExchangeEvidence } from '../types.js';

/** The token response with the lifetime range the suite declares. */
export async function tokenLifetime(run: SuiteRun, grant: string): Promise<ExchangeEvidence & { expiresIn: unknown; min: number; max: number }> {
  const declared = run.suite.expect.lifetimes!.access_token!;
  const range = typeof declared === 'object' ? declared : { min: declared, max: declared };
  const evidence = await tokenIssued(run, grant);
  const expiresIn = (await token(run, grant)).issued?.expires_in;
  // A non-numeric expires_in breaks the response's schema, not the lifetime: token-response.schema reports it.
  if (expiresIn !== undefined && typeof expiresIn !== 'number') throw new Blocked(`expires_in is not a number (see token-response.schema)`, evidence.exchanges);
  return { ...evidence, expiresIn, min: Number(range.min ?? 0), max: Number(range.max ?? Number.POSITIVE_INFINITY) };
}

/**
 * Clocks around a token: the Date header, our clock when it arrived, and the access token's iat when it is a JWT.
 * (An id_token's iat has its own check, token-response.id-token-iat.)
 */
export async function clocks(run: SuiteRun, grant: string): Promise<ExchangeEvidence & { date?: number; receivedAt: number; iat?: number; tolerance: number }> {
  const evidence = await tokenIssued(run, grant);
  const iat = (await accessTokenClaims(run, grant))?.iat;
  const date = Date.parse(evidence.exchange.response?.headers.date ?? '');
  return {
    ...evidence,
    date: Number.isNaN(date) ? undefined : date,
    receivedAt: receivedAt(evidence.exchange),
    iat: typeof iat === 'number' ? iat : undefined,
    tolerance: Number(run.suite.expect.clock_skew ?? 60),
  };
}
