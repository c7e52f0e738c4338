import { Blocked, NotApplicable } from '../flows/blocked.js';
import { accessTokenHash, claimsOf, decodeAndVerify, looksLikeJwt, type DecodedJwt } from '../flows/jwt.js';
import type { ResourceProbe, SuiteFlows } from '../flows/suite-flows.js';
import { describeExchange, judgedByServer, jsonOf, type Exchange } from '../http/exchange.js';
import { parseJsonBody } from '../http/json.js';
import type { Resource } from '../suite/suite.types.js';

/** Evidence gatherers shared by checks: each names the exchanges a judge reads and what it needs from the suite. */

export interface ExchangeEvidence {
  exchanges: Exchange[];
  exchange: Exchange;
}

export async function discoveryExchange(flows: SuiteFlows): Promise<ExchangeEvidence & { url: string }> {
  const { exchange } = await flows.discovery();
  return { exchanges: [exchange], exchange, url: exchange.request.url };
}

/** The discovery answer when it was a 200: judges of its content need nothing less. */
export async function discoveryOk(flows: SuiteFlows): Promise<ExchangeEvidence & { url: string; expectedIssuer: string }> {
  const { exchange } = await flows.discovery();
  if (exchange.response?.status !== 200) throw new Blocked(`discovery did not answer 200 (${exchange.error ?? exchange.response?.status})`, [exchange]);
  return { exchanges: [exchange], exchange, url: exchange.request.url, expectedIssuer: flows.issuer() };
}

export async function metadata(flows: SuiteFlows): Promise<ExchangeEvidence & { document: Record<string, unknown>; url: string; expectedIssuer: string }> {
  const { result, document } = await flows.metadata();
  return { exchanges: [result.exchange], exchange: result.exchange, document, url: result.exchange.request.url, expectedIssuer: flows.issuer() };
}

/** What jwks_uri answered with 200, parsed when it is JSON (jwks.schema judges a body that is not). */
export async function jwksAnswer(flows: SuiteFlows): Promise<ExchangeEvidence & { document?: unknown; notJson?: string }> {
  const { exchange, response } = await flows.jwks();
  if (!response) throw new Blocked(`JWKS request failed: ${exchange.error}`, [exchange]);
  if (response.status !== 200) throw new Blocked(`jwks_uri answered ${response.status}, not 200`, [exchange]);
  const body = jsonOf(exchange);
  return { exchanges: [exchange], exchange, ...(body.ok ? { document: body.value } : { notJson: body.reason }) };
}

/** The JWK Set as JSON: checks of its keys cannot judge anything else. */
export async function jwks(flows: SuiteFlows): Promise<ExchangeEvidence & { document: unknown }> {
  const evidence = await jwksAnswer(flows);
  if (!('document' in evidence)) throw new Blocked('jwks_uri did not answer JSON (see jwks.schema)', evidence.exchanges);
  return { ...evidence, document: evidence.document };
}

/** The token endpoint's answer to a grant, whatever its status. */
export async function tokenExchange(flows: SuiteFlows, grant: string): Promise<ExchangeEvidence & { grant: string; credential: string }> {
  const result = await flows.token(grant);
  const { exchange } = result.token;
  if (!exchange.response) throw new Blocked(`token request failed: ${exchange.error}`, result.exchanges);
  const client = flows.grant(grant).client;
  return { exchanges: result.exchanges, exchange, grant, credential: flows.suite.secretVariables[client] ?? `client ${client}'s secret` };
}

/** The token endpoint's answer when it issued a token: judges of a success response need nothing less. */
export async function tokenIssued(flows: SuiteFlows, grant: string): Promise<ExchangeEvidence & { grant: string }> {
  const evidence = await tokenExchange(flows, grant);
  if (evidence.exchange.response?.status !== 200) {
    throw new Blocked(`the token endpoint answered ${evidence.exchange.response?.status} to grant ${grant}: ${evidence.exchange.response?.body.slice(0, 200)}`, evidence.exchanges);
  }
  return evidence;
}

export interface ResourceEvidence extends ExchangeEvidence {
  resource: Resource;
  /** The scope the token response says was granted, when it says. */
  grantedScope?: string;
}

/**
 * The control of a probe that varies one thing about a request the resource accepts: the grant's own token. If the
 * resource accepts not even that, a refusal proves nothing.
 */
export async function resourceAcceptsToken(flows: SuiteFlows, resource: Resource): Promise<void> {
  const { exchange } = await flows.resource(resource, 'bearer');
  const status = exchange.response?.status ?? 0;
  if (status < 200 || status >= 300) throw new Blocked(`the resource refuses the grant's token even as "Bearer" (see resource-access.bearer-accepted)`, [exchange]);
}

export function resourceProbe(probe: ResourceProbe) {
  return async (flows: SuiteFlows, name: string): Promise<ResourceEvidence> => {
    const resource = flows.suite.resources?.find((r) => r.name === name);
    if (!resource) throw new Blocked(`unknown resource ${name}`);
    if (probe !== 'none' && probe !== 'bearer') await resourceAcceptsToken(flows, resource);
    const { exchange } = await flows.resource(resource, probe);
    if (!judgedByServer(exchange)) throw new Blocked(`the resource did not judge the request: ${describeExchange(exchange)}`, [exchange]);
    if (probe === 'none' || !resource.grant) return { exchanges: [exchange], exchange, resource };
    const token = await flows.token(resource.grant);
    return { exchanges: [token.token.exchange, exchange], exchange, resource, grantedScope: grantedScope(token.token.response?.body) };
  };
}

function grantedScope(body: string | undefined): string | undefined {
  try {
    const scope = (parseJsonBody(body ?? '') as { scope?: unknown } | null)?.scope;
    return typeof scope === 'string' ? scope : undefined;
  } catch {
    return undefined;
  }
}

/** Now, as the checks of a token compare it: the moment the token response arrived. */
function receivedAt(exchange: Exchange): number {
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
export async function jwtAccessToken(flows: SuiteFlows, grant: string): Promise<JwtEvidence> {
  const evidence = await tokenIssued(flows, grant);
  const token = await flows.token(grant);
  const accessToken = await flows.accessToken(grant);
  if (!looksLikeJwt(accessToken)) throw new NotApplicable('the access token is opaque, not a JWT');
  const jwt = await decodeAndVerify(accessToken, await flows.keySet());
  if (!jwt) throw new NotApplicable('the access token is opaque, not a JWT');
  const expiresIn = token.issued?.expires_in;
  return {
    ...evidence,
    jwt,
    issuer: flows.issuer(),
    expiresIn: typeof expiresIn === 'number' ? expiresIn : undefined,
    receivedAt: receivedAt(evidence.exchange),
    profile: flows.suite.expect?.access_token_profile,
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
export async function idTokenPresence(flows: SuiteFlows, grant: string): Promise<IdTokenEvidence> {
  const config = flows.codeGrant(grant);
  if (!(config.scope ?? '').split(' ').includes('openid')) throw new NotApplicable(`grant ${grant} does not ask for openid`);
  const evidence = await tokenIssued(flows, grant);
  const token = await flows.token(grant);
  const idToken = typeof token.issued?.id_token === 'string' ? token.issued.id_token : undefined;
  const jwt = idToken ? await decodeAndVerify(idToken, await flows.keySet()) : undefined;
  return {
    ...evidence,
    jwt,
    issuer: flows.issuer(),
    clientId: flows.client(config.client).id,
    nonce: token.authorization?.nonce,
    expectedAtHash: token.accessToken ? accessTokenHash(token.accessToken, jwt?.header.alg) : undefined,
    receivedAt: receivedAt(evidence.exchange),
  };
}

/** The same, when an id_token came: checks of its claims cannot judge one that is missing. */
export async function idToken(flows: SuiteFlows, grant: string): Promise<IdTokenEvidence & { jwt: DecodedJwt }> {
  const evidence = await idTokenPresence(flows, grant);
  if (!evidence.jwt) throw new Blocked(`grant ${grant} returned no id_token (see token-response.id-token-signature)`, evidence.exchanges);
  return { ...evidence, jwt: evidence.jwt };
}

/** A successful token response with what the suite asked for and what the token says it got. */
export async function tokenScope(flows: SuiteFlows, grant: string): Promise<ExchangeEvidence & { requested: string; stated?: string; granted?: string }> {
  const evidence = await tokenIssued(flows, grant);
  const token = await flows.token(grant);
  const stated = token.issued?.scope;
  // The scope claim is read, not trusted: its signature is another check's business.
  const claim = token.accessToken && looksLikeJwt(token.accessToken) ? claimsOf(token.accessToken)?.scope : undefined;
  return {
    ...evidence,
    requested: flows.grant(grant).scope ?? '',
    stated: typeof stated === 'string' ? stated : undefined,
    granted: typeof claim === 'string' ? claim : undefined,
  };
}

/** The token response with the lifetime range the suite declares. */
export async function tokenLifetime(flows: SuiteFlows, grant: string): Promise<ExchangeEvidence & { expiresIn: unknown; min: number; max: number }> {
  const declared = flows.suite.expect?.lifetimes?.access_token;
  if (declared === undefined) throw new NotApplicable('the suite declares no access token lifetime (expect.lifetimes.access_token)');
  const range = typeof declared === 'object' ? declared : { min: declared, max: declared };
  const evidence = await tokenIssued(flows, grant);
  const expiresIn = (await flows.token(grant)).issued?.expires_in;
  // A non-numeric expires_in breaks the response's schema, not the lifetime: token-response.schema reports it.
  if (expiresIn !== undefined && typeof expiresIn !== 'number') throw new Blocked(`expires_in is not a number (see token-response.schema)`, evidence.exchanges);
  return { ...evidence, expiresIn, min: Number(range.min ?? 0), max: Number(range.max ?? Number.POSITIVE_INFINITY) };
}

/**
 * Clocks around a token: the Date header, our clock when it arrived, and the access token's iat when it is a JWT.
 * (An id_token's iat has its own check, token-response.id-token-iat.)
 */
export async function clocks(flows: SuiteFlows, grant: string): Promise<ExchangeEvidence & { date?: number; receivedAt: number; iat?: number; tolerance: number }> {
  const evidence = await tokenIssued(flows, grant);
  const token = await flows.token(grant);
  const claims = token.accessToken && looksLikeJwt(token.accessToken) ? claimsOf(token.accessToken) : undefined;
  const iat = typeof claims?.iat === 'number' ? claims.iat : undefined;
  const date = Date.parse(evidence.exchange.response?.headers.date ?? '');
  return { ...evidence, date: Number.isNaN(date) ? undefined : date, receivedAt: receivedAt(evidence.exchange), iat, tolerance: Number(flows.suite.expect?.clock_skew ?? 60) };
}
