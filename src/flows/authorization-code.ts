import { createHash, randomBytes } from 'node:crypto';
import type { Exchange } from '../http/exchange.js';
import { addSecret } from '../secrets.js';
import type { AuthorizationCodeGrant } from '../suite/suite.types.js';
import { Blocked } from './blocked.js';
import type { FlowContext } from './context.js';
import { CookieJar } from './cookies.js';
import { redeem, type TokenResult } from './token.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** RFC 6749 §4.1 with PKCE (RFC 7636): obtain a code by the suite's strategy, then redeem it. */
export async function authorizationCode(flows: FlowContext, name: string, grant: AuthorizationCodeGrant): Promise<TokenResult> {
  const client = flows.client(grant.client);
  const verifier = grant.pkce === 'none' ? undefined : randomBytes(32).toString('base64url');
  addSecret(verifier);
  const state = randomBytes(16).toString('base64url');
  const scopes = (grant.scope ?? '').split(' ');
  const authorize = new URL(await flows.endpoint('authorization_endpoint'));
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.id,
    redirect_uri: grant.redirect_uri,
    scope: grant.scope || undefined,
    state,
    nonce: scopes.includes('openid') ? randomBytes(16).toString('base64url') : undefined,
    code_challenge: verifier && createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: verifier && 'S256',
  };
  for (const [k, v] of Object.entries(params)) if (v) authorize.searchParams.set(k, v);

  const { code, exchanges } = await followRedirects(flows, name, authorize.href, grant);
  return redeem(
    flows,
    name,
    client,
    { grant_type: 'authorization_code', code, redirect_uri: grant.redirect_uri, code_verifier: verifier },
    exchanges,
  );
}

/**
 * The `redirect` strategy: request the authorization URL and follow same-origin redirects with a cookie jar until
 * one targets redirect_uri, whose code is read from the Location without requesting it.
 */
async function followRedirects(flows: FlowContext, grant: string, start: string, config: AuthorizationCodeGrant) {
  const jar = new CookieJar();
  const exchanges: Exchange[] = [];
  const origin = new URL(start).origin;
  const target = new URL(config.redirect_uri);
  let url = start;
  for (let hop = 0; hop < (config.code.max_hops ?? 10); hop++) {
    const result = await flows.send({ label: `authorize (${grant}) hop ${hop + 1}`, method: 'GET', url, headers: jar.header(url) });
    exchanges.push(result.exchange);
    const response = result.response;
    if (!response) throw new Blocked(`authorization request failed: ${result.exchange.error}`, exchanges);
    jar.store(url, response.setCookies);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || !location) {
      throw new Blocked(
        response.status === 200
          ? `the authorization endpoint showed a page at hop ${hop + 1} (${result.exchange.request.url}) instead of redirecting: the redirect strategy needs a server that approves test clients without a login page`
          : `the authorization endpoint answered ${response.status} at hop ${hop + 1} instead of redirecting`,
        exchanges,
      );
    }
    const next = new URL(location, url);
    if (next.origin === target.origin && next.pathname === target.pathname) {
      const code = next.searchParams.get('code');
      addSecret(code ?? undefined);
      const error = next.searchParams.get('error');
      if (!code) throw new Blocked(`the authorization server redirected back without a code${error ? `: error=${error} ${next.searchParams.get('error_description') ?? ''}` : ''}`, exchanges);
      return { code, exchanges };
    }
    if (next.origin !== origin) {
      throw new Blocked(`the authorization endpoint redirected to another host (${next.origin}); the redirect strategy follows only same-origin hops`, exchanges);
    }
    url = next.href;
  }
  throw new Blocked(`no redirect to ${config.redirect_uri} within ${config.code.max_hops ?? 10} hops`, exchanges);
}
