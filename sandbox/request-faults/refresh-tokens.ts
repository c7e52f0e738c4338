import type { ClientMetadata } from 'oidc-provider';
import {
  INTROSPECTION,
  REVOCATION,
  isForm,
  jsonOf,
  tokenError,
  tokenParams,
  withForm,
  withJson,
  type Forward,
  type FrontRequest,
  type Stage,
} from './messages.js';

/** Fault steps in the refresh_token grant and the revocation of refresh tokens. */

/** Every refresh_token grant is refused. */
export function refuseRefresh(): Stage {
  return (request, next) => (tokenParams(request, 'refresh_token')
    ? Promise.resolve(tokenError(400, 'invalid_grant', 'grant request is invalid'))
    : next(request));
}

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
    const held = String(granted.scope ?? '').split(' ');
    // The provider itself would refuse the wider scope, so it is asked for what the token holds and the answer widened.
    params.set('scope', scope.split(' ').filter((name) => held.includes(name)).join(' '));
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

/** A refresh token works for any authenticated client: the request is served as its owner's. */
export function refreshAsTokenOwner(clients: readonly ClientMetadata[]): Stage {
  return async (request, next) => {
    const params = tokenParams(request, 'refresh_token');
    if (!params) return next(request);
    // Introspection authenticates the presenting client and names the token's.
    const token = await introspect(request, params, next);
    const owner = clients.find((client) => client.client_id === token?.client_id);
    if (!owner) return next(request);
    params.delete('client_id');
    params.delete('client_secret');
    const credentials = `${encodeURIComponent(owner.client_id)}:${encodeURIComponent(owner.client_secret)}`;
    return next(withForm({ ...request, headers: { ...request.headers, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } }, params));
  };
}

/** Revocation requests hinted as refresh tokens are answered 200 and revoke nothing. */
export function ignoreRefreshRevocation(): Stage {
  return (request, next) => {
    const revokesRefreshToken = request.url.pathname === REVOCATION && isForm(request)
      && new URLSearchParams(request.body.toString()).get('token_type_hint') === 'refresh_token';
    return revokesRefreshToken
      ? Promise.resolve({ status: 200, headers: { 'cache-control': 'no-store' }, body: Buffer.alloc(0) })
      : next(request);
  };
}

/** The provider's view of a request's refresh token, asked with the request's client credentials; undefined unless active. */
async function introspect(request: FrontRequest, params: URLSearchParams, next: Forward): Promise<Record<string, unknown> | undefined> {
  const query = new URLSearchParams({ token: params.get('refresh_token') ?? '' });
  for (const name of ['client_id', 'client_secret']) {
    const value = params.get(name);
    if (value !== null) query.set(name, value);
  }
  const { host, authorization } = request.headers;
  const response = await next(withForm({ method: 'POST', url: new URL(INTROSPECTION, request.url), headers: { host, authorization }, body: Buffer.alloc(0) }, query));
  const body = response.status === 200 ? jsonOf(response) : undefined;
  return body?.active === true ? body : undefined;
}
