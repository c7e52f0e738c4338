import type { HttpResult } from '../http/client.js';
import { listed } from '../http/exchange.js';
import type { Client, Resource } from '../suite/suite.types.js';
import { authorize, redeemCode } from './authorization-code.js';
import { claimsOf } from './jwt.js';
import { wait } from './long-probes.js';
import { Blocked, NotApplicable } from './blocked.js';
import { tokenRequest } from './client-auth.js';
import { clientCredentials } from './client-credentials.js';
import type { SuiteFlows } from './suite-flows.js';
import { WRONG_SECRET } from './token-endpoint-probes.js';
import { redeem, type TokenResult } from './token.js';

/** RFC 6749 §6: a refresh request, by the grant's client unless another is given. */
export function refresh(flows: SuiteFlows, grantName: string, refreshToken: string, label: string, options: { scope?: string; client?: Client } = {}): Promise<TokenResult> {
  const client = options.client ?? flows.client(flows.grant(grantName).client);
  return redeem(flows, grantName, client, { grant_type: 'refresh_token', refresh_token: refreshToken, scope: options.scope }, [], `token (${grantName}, ${label})`);
}

/** The refresh token of a token result, or why the refresh checks cannot run. */
export function refreshTokenOf(flows: SuiteFlows, token: TokenResult): string {
  if (token.refreshToken) return token.refreshToken;
  if (!token.accessToken) throw new Blocked(`grant ${token.grant} issued no token`, token.exchanges);
  if (flows.suite.expect?.refresh) throw new Blocked(`grant ${token.grant} issued no refresh_token, though the suite expects refresh`, token.exchanges);
  throw new NotApplicable(`grant ${token.grant} issued no refresh_token`);
}

/** A fresh authorization redeemed for its tokens, for a probe that may spend or revoke them. */
async function freshTokens(flows: SuiteFlows, grantName: string, purpose: string): Promise<TokenResult> {
  const grant = flows.codeGrant(grantName);
  const authorization = await authorize(flows, grantName, grant, { label: `authorize (${grantName}, ${purpose})` });
  return redeemCode(flows, grantName, grant, authorization, { label: `token (${grantName}, ${purpose})` });
}

/** The grant's own tokens refreshed once. */
export function mainRefresh(flows: SuiteFlows, grantName: string): Promise<{ original: TokenResult; refreshed: TokenResult }> {
  return flows.once(`refresh:${grantName}`, async (attempt) => {
    flows.codeGrant(grantName);
    // Starting over, the grant's own refresh token may be spent: fresh tokens take its place.
    const original = attempt === 0 ? await flows.token(grantName) : await freshTokens(flows, grantName, 'refresh');
    return { original, refreshed: await refresh(flows, grantName, refreshTokenOf(flows, original), 'refresh') };
  });
}

/** Refresh, then the spent refresh token presented again (RFC 9700 §4.14.2). */
export function refreshReplay(flows: SuiteFlows, grantName: string): Promise<{ original: TokenResult; refreshed: TokenResult; replay: TokenResult }> {
  return flows.once(`refresh-replay:${grantName}`, async () => {
    // A vendor may honour the old token for a documented grace (a retry window); the replay comes after it.
    const grace = Number(flows.suite.expect?.refresh?.replay_grace ?? 0);
    if (grace > 0 && !flows.options.long) throw new NotApplicable(`the vendor honours a rotated-out refresh token for ${grace} s: run with --long to wait it out`);
    const original = await freshTokens(flows, grantName, 'refresh replay');
    const old = refreshTokenOf(flows, original);
    const refreshed = await refresh(flows, grantName, old, 'refresh before the replay');
    if (grace > 0) await wait(flows, grace + 1);
    return { original, refreshed, replay: await refresh(flows, grantName, old, 'refresh again with the spent token') };
  });
}

/** The grant's scope and what a wider or narrower refresh asks for (RFC 6749 §6). */
export function scopesFor(flows: SuiteFlows, grantName: string): { granted: string[]; wider: string; narrower?: string } {
  const granted = (flows.grant(grantName).scope ?? '').split(' ').filter(Boolean);
  // Narrower keeps the scopes a resource grants, dropping the OpenID ones that only shape the login.
  const kept = granted.filter((s) => s !== 'openid' && s !== 'offline_access');
  return {
    granted,
    wider: [...granted, 'conformance:wider'].join(' '),
    narrower: kept.length > 0 && kept.length < granted.length ? kept.join(' ') : undefined,
  };
}

export function refreshScope(flows: SuiteFlows, grantName: string, kind: 'wider' | 'narrower'): Promise<{ requested: string; original: TokenResult; refreshed: TokenResult }> {
  return flows.once(`refresh-${kind}:${grantName}`, async () => {
    const requested = scopesFor(flows, grantName)[kind];
    if (!requested) throw new NotApplicable(`grant ${grantName}'s scope has nothing to leave out`);
    const original = await freshTokens(flows, grantName, `${kind} scope`);
    return { requested, original, refreshed: await refresh(flows, grantName, refreshTokenOf(flows, original), `refresh with ${kind} scope`, { scope: requested }) };
  });
}

/**
 * The scope a token response granted: its `scope` member, else the access token's `scope` (RFC 9068 §2.2.3) or `scp`
 * claim, else the scope that was asked for (RFC 6749 §5.1: omitted means identical to the request).
 */
export function grantedScope(result: TokenResult, asked: string): string[] {
  const claims = result.accessToken ? claimsOf(result.accessToken) : undefined;
  const stated = result.issued?.scope ?? claims?.scope ?? claims?.scp;
  const scope = Array.isArray(stated) ? stated.join(' ') : typeof stated === 'string' ? stated : asked;
  return [...new Set(scope.split(' ').filter(Boolean))];
}

/** An authorization without the scope refresh tokens need (e.g. offline_access): no refresh token should come. */
export function withoutRefreshScope(flows: SuiteFlows, grantName: string): Promise<{ scope: string; token: TokenResult }> {
  return flows.once(`without-refresh-scope:${grantName}`, async () => {
    const needed = flows.suite.expect?.refresh?.requires_scope;
    if (!needed) throw new NotApplicable('the suite declares no scope that refresh tokens require (expect.refresh.requires_scope)');
    const grant = flows.codeGrant(grantName);
    const scope = (grant.scope ?? '').split(' ').filter((s) => s && s !== needed).join(' ');
    const narrowed = { ...grant, scope };
    const authorization = await authorize(flows, grantName, narrowed, { label: `authorize (${grantName}, without ${needed})` });
    return { scope, token: await redeemCode(flows, grantName, narrowed, authorization, { label: `token (${grantName}, without ${needed})` }) };
  });
}

/** Client authentication by a shared secret (RFC 6749 §2.3.1), in the Authorization header or in the body. */
const SECRET_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type SecretMethod = (typeof SECRET_METHODS)[number];

/** The secret methods the server declares (RFC 8414 §2: client_secret_basic when it names none); without metadata, the client's own. */
async function declaredSecretMethods(flows: SuiteFlows, own: Client): Promise<SecretMethod[]> {
  const declared = flows.suite.discoveryUrl
    ? listed((await flows.metadata()).document, 'token_endpoint_auth_methods_supported', ['client_secret_basic'])
    : [String(own.auth ?? 'client_secret_basic')];
  return SECRET_METHODS.filter((method) => declared.includes(method));
}

/** A refresh by someone the refresh token was not issued to, and what came of it. */
export interface ForeignRefresh {
  /** Who presented it and how, e.g. "client second, client_secret_post". */
  presenter: string;
  /** How it authenticated: with a wrong secret, or as another client of the suite; and by which method. */
  wrongSecret: boolean;
  method: SecretMethod;
  refreshed: TokenResult;
}

/**
 * This grant's refresh token presented by another client of the suite and by its own client id with a wrong
 * secret, with every secret method the server declares, each on fresh tokens (a server may revoke a grant on
 * misuse). Their control is the grant's own refresh (mainRefresh).
 */
export function refreshByOtherClients(flows: SuiteFlows, grantName: string): Promise<ForeignRefresh[]> {
  return flows.once(`refresh-other-client:${grantName}`, async () => {
    const ownName = flows.grant(grantName).client;
    const own = flows.client(ownName);
    // A client whose grants all go to a token endpoint of their own is unknown here: its refusal would prove nothing.
    const grants = Object.values(flows.suite.grants ?? {});
    const elsewhere = (name: string) => grants.some((g) => g.client === name) && grants.every((g) => g.client !== name || g.token_endpoint);
    const other = Object.entries(flows.suite.clients ?? {}).find(([name, c]) => name !== ownName && c.secret && !flows.suite.disabled[`clients.${name}`] && !elsewhere(name));
    const presenters: Array<{ who: string; client: Client; wrongSecret: boolean }> = [];
    if (other) presenters.push({ who: `client ${other[0]}`, client: other[1], wrongSecret: false });
    // The wrong secret is kept out of reports like any client secret (redeem registers it).
    if (own.secret) presenters.push({ who: `client ${ownName}'s id with a wrong secret`, client: { ...own, secret: WRONG_SECRET }, wrongSecret: true });
    if (presenters.length === 0) throw new NotApplicable("the suite has no second client, and the grant's client has no secret to get wrong");
    const methods = await declaredSecretMethods(flows, own);
    if (methods.length === 0) throw new NotApplicable('the server declares no client authentication by secret (token_endpoint_auth_methods_supported)');
    // Each its own flow, so that its chain of requests is its own (http/chain.ts).
    const probe = ({ who, client, wrongSecret }: (typeof presenters)[number], method: SecretMethod): Promise<ForeignRefresh> => {
      const presenter = `${who}, ${method}`;
      return flows.once(`refresh-by:${grantName}:${presenter}`, async () => {
        const original = await freshTokens(flows, grantName, `tokens for a refresh by ${presenter}`);
        return { presenter, wrongSecret, method, refreshed: await refresh(flows, grantName, refreshTokenOf(flows, original), `refresh by ${presenter}`, { client: { ...client, auth: method } }) };
      });
    };
    return Promise.all(presenters.flatMap((presenter) => methods.map((method) => probe(presenter, method))));
  });
}

/** RFC 7009 §2.1: revoke a token at the revocation endpoint, authenticated as the grant's client. */
export async function revoke(flows: SuiteFlows, grantName: string, token: string, hint: 'access_token' | 'refresh_token'): Promise<HttpResult> {
  const url = await flows.endpoint('revocation_endpoint');
  const { headers, body } = tokenRequest(flows.client(flows.grant(grantName).client), { token, token_type_hint: hint });
  return flows.send({ label: `revoke ${hint} (${grantName})`, method: 'POST', url, headers, body, secrets: [token] });
}

/** A refresh token revoked, then used. */
export function refreshAfterRevocation(flows: SuiteFlows, grantName: string): Promise<{ revocation: HttpResult; refreshed: TokenResult }> {
  return flows.once(`refresh-revoked:${grantName}`, async () => {
    await flows.endpoint('revocation_endpoint');
    const original = await freshTokens(flows, grantName, 'revocation');
    const token = refreshTokenOf(flows, original);
    const revocation = await revoke(flows, grantName, token, 'refresh_token');
    return { revocation, refreshed: await refresh(flows, grantName, token, 'refresh with the revoked token') };
  });
}

/** A fresh access token of any grant, for a probe that revokes it: client_credentials asks again, a code grant authorizes again. */
function freshAccessToken(flows: SuiteFlows, grantName: string, purpose: string): Promise<TokenResult> {
  const grant = flows.grant(grantName);
  return grant.type === 'client_credentials' ? clientCredentials(flows, grantName, grant, `token (${grantName}, ${purpose})`) : freshTokens(flows, grantName, purpose);
}

/** A fresh access token of the resource's grant revoked (RFC 7009 applies to every grant's tokens), then presented to it. */
export function resourceAfterRevocation(flows: SuiteFlows, resource: Resource): Promise<{ revocation: HttpResult; after: HttpResult }> {
  return flows.once(`access-revoked:${resource.name}`, async () => {
    await flows.endpoint('revocation_endpoint');
    if (!resource.grant) throw new NotApplicable(`resource ${resource.name} is called with vendor headers, not a grant's token`);
    const original = await freshAccessToken(flows, resource.grant, 'access token revocation');
    if (!original.accessToken) throw new Blocked(`grant ${resource.grant} issued no access token`, original.exchanges);
    const revocation = await revoke(flows, resource.grant, original.accessToken, 'access_token');
    return { revocation, after: await flows.callResource(resource, `resource ${resource.name} (revoked token)`, original.accessToken) };
  });
}
