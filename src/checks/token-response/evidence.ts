import { Blocked, NotApplicable } from '../../flows/blocked.js';
import { keySet } from '../../flows/discovery.js';
import { accessToken, token } from '../../flows/grant-tokens.js';
import { accessTokenHash, claimsOf, decodeAndVerify, looksLikeJwt, type DecodedJwt } from '../../flows/jwt.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import type { Exchange } from '../../http/exchange.js';
import type { ExchangeEvidence } from '../types.js';

/** The token endpoint's answer to a grant, whatever its status. */
export async function tokenExchange(run: SuiteRun, grant: string): Promise<ExchangeEvidence & { grant: string; credential: string }> {
  const result = await token(run, grant);
  const { exchange } = result.token;
  if (!exchange.response) throw new Blocked(`token request failed: ${exchange.error}`, result.exchanges);
  return { exchanges: result.exchanges, exchange, grant, credential: run.suite.secretVariable(run.suite.grant(grant).client) };
}

/** The token endpoint's answer when it issued a token: judges of a success response need nothing less. */
export async function tokenIssued(run: SuiteRun, grant: string): Promise<ExchangeEvidence & { grant: string }> {
  const evidence = await tokenExchange(run, grant);
  if (evidence.exchange.response?.status !== 200) {
    throw new Blocked(
      `the token endpoint answered ${evidence.exchange.response?.status} to grant ${grant}: ${evidence.exchange.response?.body.slice(0, 200)}`,
      evidence.exchanges,
    );
  }
  return evidence;
}

/** Now, as the checks of a token compare it: the moment the token response arrived. */
export function receivedAt(exchange: Exchange): number {
  return Date.parse(exchange.startedAt) + exchange.durationMs;
}

export interface JwtEvidence extends ExchangeEvidence {
  grant: string;
  jwt: DecodedJwt;
  issuer: string;
  /** expires_in of the token response, when a number. */
  expiresIn?: number;
  receivedAt: number;
  profile?: 'rfc9068';
}

/** The grant's access token decoded and verified, when it is a JWT (RFC 9068); not applicable when opaque. */
export async function jwtAccessToken(run: SuiteRun, grant: string): Promise<JwtEvidence> {
  const evidence = await tokenIssued(run, grant);
  const result = await token(run, grant);
  const value = await accessToken(run, grant);
  if (!looksLikeJwt(value)) throw new NotApplicable('the access token is opaque, not a JWT');
  const jwt = await decodeAndVerify(value, await keySet(run));
  if (!jwt) throw new NotApplicable('the access token is opaque, not a JWT');
  const expiresIn = result.issued?.expires_in;
  return {
    ...evidence,
    jwt,
    issuer: run.suite.issuer(),
    expiresIn: typeof expiresIn === 'number' ? expiresIn : undefined,
    receivedAt: receivedAt(evidence.exchange),
    profile: run.suite.expect.access_token_profile,
  };
}

export interface IdTokenEvidence extends ExchangeEvidence {
  jwt?: DecodedJwt;
  issuer: string;
  clientId: string;
  nonce?: string;
  /** at_hash computed from the access token that came with it. */
  expectedAtHash?: string;
  receivedAt: number;
}

/** The id_token of an authorization_code grant that asked for openid (OIDC Core §3.1.3.3); jwt absent when none came. */
export async function idTokenPresence(run: SuiteRun, grant: string): Promise<IdTokenEvidence> {
  const evidence = await tokenIssued(run, grant);
  const result = await token(run, grant);
  const idToken = typeof result.issued?.id_token === 'string' ? result.issued.id_token : undefined;
  const jwt = idToken ? await decodeAndVerify(idToken, await keySet(run)) : undefined;
  return {
    ...evidence,
    jwt,
    issuer: run.suite.issuer(),
    clientId: run.suite.client(run.suite.codeGrant(grant).client).id,
    nonce: result.authorization?.nonce,
    expectedAtHash: result.accessToken ? accessTokenHash(result.accessToken, jwt?.header.alg) : undefined,
    receivedAt: receivedAt(evidence.exchange),
  };
}

/** The same, when an id_token came: checks of its claims cannot judge one that is missing. */
export async function idToken(run: SuiteRun, grant: string): Promise<IdTokenEvidence & { jwt: DecodedJwt }> {
  const evidence = await idTokenPresence(run, grant);
  if (!evidence.jwt) throw new Blocked(`grant ${grant} returned no id_token (see token-response.id-token-signature)`, evidence.exchanges);
  return { ...evidence, jwt: evidence.jwt };
}

/** The claims of the grant's access token when it is a JWT, read, not trusted: its signature is another check's business. */
export async function accessTokenClaims(run: SuiteRun, grant: string): Promise<Record<string, unknown> | undefined> {
  const { accessToken: value } = await token(run, grant);
  return value && looksLikeJwt(value) ? claimsOf(value) : undefined;
}

/** A successful token response with what the suite asked for and what the token says it got. */
export async function tokenScope(run: SuiteRun, grant: string): Promise<ExchangeEvidence & { requested: string; stated?: string; granted?: string }> {
  const evidence = await tokenIssued(run, grant);
  const stated = (await token(run, grant)).issued?.scope;
  const claim = (await accessTokenClaims(run, grant))?.scope;
  return {
    ...evidence,
    requested: run.suite.grant(grant).scope ?? '',
    stated: typeof stated === 'string' ? stated : undefined,
    granted: typeof claim === 'string' ? claim : undefined,
  };
}
