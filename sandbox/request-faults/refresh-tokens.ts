import type { ClientMetadata } from 'oidc-provider';
import { jsonOf, withForm, type Forward, type HttpRequest, type Stage } from '../http-data.js';
import { INTROSPECTION, REVOCATION, postedForm, tokenParams, withJson } from './messages.js';

/** Fault steps in the refresh_token grant and the revocation of refresh tokens. */

/** A refresh token that was rotated keeps working: it stands for its newest successor. */
export function honourRotatedRefreshTokens(): Stage {
  const successors = new Map<string, string>();
  return async (request, next) => {
    const params = tokenParams(request, 'refresh_token');
    let token = params?.get('refresh_token');
    if (!params || !token) return next(request);
    for (let newer = successors.get(token); newer; newer = successors.get(token)) token = newer;
    params.set('refresh_token', token);
    const response = await next(withForm(request, params));
    const rotated = response.status === 200 ? jsonOf(response)?.refresh_token : undefined;
    if (typeof rotated === 'string' && rotated !== token) successors.set(token, rotated);
    return response;
  };
}

/** Refresh requests are served as if every requested scope were granted: the response states the wider scope. */
export function widenRefreshScope(): Stage {
  return async (request, next) => {
    const params = tokenParams(request, 'refresh_token');
    const scope = params?.get('scope');
    if (!params || !scope) return next(request);
    const granted = await introspect(request, params, next);
    if (!granted) return next(request);
    const held = (typeof granted.scope === 'string' ? granted.scope : '').split(' ');
    // The provider itself would refuse the wider scope, so it is asked for what the token holds and the answer widened.
    params.set(
      'scope',
      scope
        .split(' ')
        .filter((name) => held.includes(name))
        .join(' '),
    );
    const response = await next(withForm(request, params));
    const body = jsonOf(response);
    return response.status === 200 && body ? withJson(response, { ...body, scope }) : response;
  };
}

/** Refresh responses to a request with a scope claim the refresh token's whole scope. */
export function claimRefreshTokenScope(): Stage {
  return async (request, next) => {
    const params = tokenParams(request, 'refresh_token');
    if (!params?.get('scope')) return next(request);
    // Asked first: a rotated refresh token is no longer active.
    const granted = await introspect(request, params, next);
    const response = await next(request);
    const body = jsonOf(response);
    return response.status === 200 && body && granted ? withJson(response, { ...body, scope: granted.scope }) : response;
  };
}

/**
 * Where a refresh's client authentication is not checked, and the request is served as the token owner's:
 * `any-client` serves any client that authenticates; `body-credentials` does not check client_id and client_secret
 * in the body at all (Basic still is); `any-secret` needs the owner's client id and takes any secret with it.
 */
export type RefreshClientLaxity = 'any-client' | 'body-credentials' | 'any-secret';

export function refreshAsTokenOwner(clients: readonly ClientMetadata[], laxity: RefreshClientLaxity): Stage {
  // Any confidential client may introspect another's token, which names the token's owner.
  const inspector = clients.find((client) => client.client_secret)!;
  return async (request, next) => {
    const params = tokenParams(request, 'refresh_token');
    if (!params) return next(request);
    // `any-client` asks with the presenting client's credentials: only a client that authenticates learns the owner.
    const asked =
      laxity === 'any-client'
        ? await introspect(request, params, next)
        : await introspect(
            { ...request, headers: { ...request.headers, authorization: basicOf(inspector) } },
            new URLSearchParams({ refresh_token: params.get('refresh_token') ?? '' }),
            next,
          );
    const owner = clients.find((client) => client.client_id === asked?.client_id);
    const excused =
      laxity === 'any-client' || (laxity === 'body-credentials' ? !request.headers.authorization : presentedClientId(request, params) === owner?.client_id);
    if (!owner || !excused) return next(request);
    params.delete('client_id');
    params.delete('client_secret');
    return next(withForm({ ...request, headers: { ...request.headers, authorization: basicOf(owner) } }, params));
  };
}

/** HTTP Basic credentials of a client (RFC 6749 §2.3.1: each part form-urlencoded first). */
function basicOf(client: ClientMetadata): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret ?? '')}`).toString('base64')}`;
}

/** The client id a token request presents, by Basic or in the body. */
function presentedClientId(request: HttpRequest, params: URLSearchParams): string | null {
  const header = request.headers.authorization;
  if (!header?.startsWith('Basic ')) return params.get('client_id');
  return decodeURIComponent(Buffer.from(header.slice('Basic '.length), 'base64').toString().split(':')[0] ?? '');
}

/** Revocation requests hinted as refresh tokens are answered 200 and revoke nothing. */
export function ignoreRefreshRevocation(): Stage {
  return (request, next) => {
    const revokesRefreshToken = request.url.pathname === REVOCATION && postedForm(request)?.get('token_type_hint') === 'refresh_token';
    return revokesRefreshToken ? Promise.resolve({ status: 200, headers: { 'cache-control': 'no-store' }, body: Buffer.alloc(0) }) : next(request);
  };
}

/** The provider's view of a request's refresh token, asked with the request's client credentials; undefined unless active. */
async function introspect(request: HttpRequest, params: URLSearchParams, next: Forward): Promise<Record<string, unknown> | undefined> {
  const query = new URLSearchParams({ token: params.get('refresh_token') ?? '' });
  for (const name of ['client_id', 'client_secret']) {
    const value = params.get(name);
    if (value !== null) query.set(name, value);
  }
  const { host, authorization } = request.headers;
  const response = await next(
    withForm({ method: 'POST', url: new URL(INTROSPECTION, request.url), headers: { host, authorization }, body: Buffer.alloc(0) }, query),
  );
  const body = response.status === 200 ? jsonOf(response) : undefined;
  return body?.active === true ? body : undefined;
}
