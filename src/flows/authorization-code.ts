import { createHash, randomBytes } from 'node:crypto';
import type { Exchange } from '../http/exchange.js';
import { addSecret } from '../secrets.js';
import type { AuthorizationCodeGrant } from '../suite/suite.types.js';
import { Blocked } from './blocked.js';
import type { FlowContext } from './context.js';
import { CookieJar } from './cookies.js';
import { redeem, type TokenResult } from './token.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** One authorization request and where it ended. Raw values (code, verifier) stay in memory for the redemption. */
export interface Authorization {
  exchanges: Exchange[];
  state: string;
  nonce?: string;
  verifier?: string;
  /** The redirect that targeted the redirect_uri, if one came. */
  callback?: URL;
  code?: string;
}

export interface AuthorizeOptions {
  /** Send code_challenge (default: as the grant says). */
  pkce?: boolean;
  /** Ask for another redirect_uri than the registered one. */
  redirectUri?: string;
  label?: string;
}

export function randomValue(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * RFC 6749 §4.1.1 with PKCE (RFC 7636 §4.3), by the `redirect` strategy: request the authorization URL and follow
 * same-origin redirects with a cookie jar until one targets redirect_uri, whose code is read from the Location
 * without requesting it. A page or an error instead of a redirect ends the walk; the caller judges it.
 */
export async function authorize(flows: FlowContext, grantName: string, grant: AuthorizationCodeGrant, options: AuthorizeOptions = {}): Promise<Authorization> {
  const client = flows.client(grant.client);
  const pkce = options.pkce ?? grant.pkce !== 'none';
  const verifier = pkce ? randomValue() : undefined;
  addSecret(verifier);
  const state = randomBytes(16).toString('base64url');
  const nonce = (grant.scope ?? '').split(' ').includes('openid') ? randomBytes(16).toString('base64url') : undefined;
  const redirectUri = options.redirectUri ?? grant.redirect_uri;
  const url = new URL(await flows.endpoint('authorization_endpoint'));
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.id,
    redirect_uri: redirectUri,
    scope: grant.scope || undefined,
    state,
    nonce,
    code_challenge: verifier && createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: verifier && 'S256',
  };
  for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);

  const jar = new CookieJar();
  const exchanges: Exchange[] = [];
  const target = new URL(redirectUri);
  const origin = url.origin;
  let next = url.href;
  for (let hop = 1; hop <= (grant.code.max_hops ?? 10); hop++) {
    const result = await flows.send({ label: `${options.label ?? `authorize (${grantName})`} hop ${hop}`, method: 'GET', url: next, headers: jar.header(next) });
    exchanges.push(result.exchange);
    const response = result.response;
    if (!response) throw new Blocked(`authorization request failed: ${result.exchange.error}`, exchanges);
    jar.store(next, response.setCookies);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || !location) return { exchanges, state, nonce, verifier };
    const to = new URL(location, next);
    if (to.origin === target.origin && to.pathname === target.pathname) {
      const code = to.searchParams.get('code') ?? undefined;
      addSecret(code);
      return { exchanges, state, nonce, verifier, callback: to, code };
    }
    // The strategy stops where a login page on another host would begin.
    if (to.origin !== origin) return { exchanges, state, nonce, verifier };
    next = to.href;
  }
  return { exchanges, state, nonce, verifier };
}

/** The code of an authorization, or Blocked saying why none came. */
export function codeOf(authorization: Authorization): string {
  if (authorization.code) return authorization.code;
  const last = authorization.exchanges.at(-1)?.response;
  const error = authorization.callback?.searchParams.get('error');
  throw new Blocked(
    error
      ? `the authorization server redirected back without a code: error=${error} ${authorization.callback?.searchParams.get('error_description') ?? ''}`
      : last?.status === 200
        ? 'the authorization endpoint showed a page instead of redirecting: the redirect strategy needs a server that approves test clients without a login page'
        : last && REDIRECTS.has(last.status)
          ? 'the authorization endpoint redirected to another host (a login page?); the redirect strategy follows only same-origin hops'
          : `the authorization endpoint answered ${last?.status ?? 'nothing'} instead of redirecting to the redirect_uri`,
    authorization.exchanges,
  );
}

export interface RedeemOptions {
  redirectUri?: string;
  /** null sends no code_verifier; a string replaces the real one. */
  verifier?: string | null;
  label?: string;
}

/** RFC 6749 §4.1.3: exchange the code at the token endpoint. */
export function redeemCode(flows: FlowContext, grantName: string, grant: AuthorizationCodeGrant, authorization: Authorization, options: RedeemOptions = {}): Promise<TokenResult> {
  const verifier = options.verifier === null ? undefined : (options.verifier ?? authorization.verifier);
  return redeem(
    flows,
    grantName,
    flows.client(grant.client),
    { grant_type: 'authorization_code', code: codeOf(authorization), redirect_uri: options.redirectUri ?? grant.redirect_uri, code_verifier: verifier },
    authorization.exchanges,
    options.label,
  );
}

/** The whole grant: authorize, then redeem. */
export async function authorizationCode(flows: FlowContext, grantName: string, grant: AuthorizationCodeGrant): Promise<TokenResult & { authorization: Authorization }> {
  const authorization = await authorize(flows, grantName, grant);
  return { ...(await redeemCode(flows, grantName, grant, authorization)), authorization };
}
