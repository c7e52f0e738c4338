import type { ClientMetadata } from 'oidc-provider';
import { decodeJwt } from 'jose';
import { json, jsonOf, type HttpRequest, type Stage } from '../http-data.js';
import { INTROSPECTION, REVOCATION, USERINFO, postedForm, tokenError, withJson } from './messages.js';

/** Fault steps at the revocation (RFC 7009), introspection (RFC 7662) and userinfo (OIDC Core §5.3) endpoints. */

/** Which tokens an introspection fault answers as active though the provider says they are not. */
export type InactiveTaken = 'revoked' | 'unknown' | 'expired';

/** The client a token-management request names without authenticating: client_id in the body, no secret, no Authorization. */
function unauthenticatedClient(request: HttpRequest, clients: readonly ClientMetadata[]): ClientMetadata | undefined {
  const params = postedForm(request);
  if (!params || request.headers.authorization || params.get('client_secret') !== null) return undefined;
  return clients.find((client) => client.client_id === params.get('client_id'));
}

/** Requests to the endpoint that name a client without its credentials are served as that client's. */
export function serveUnauthenticated(path: typeof REVOCATION | typeof INTROSPECTION, clients: readonly ClientMetadata[]): Stage {
  return (request, next) => {
    const client = request.url.pathname === path ? unauthenticatedClient(request, clients) : undefined;
    if (!client) return next(request);
    const basic = Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret ?? '')}`).toString('base64');
    const params = postedForm(request)!;
    params.delete('client_id');
    const body = Buffer.from(params.toString());
    return next({ ...request, headers: { ...request.headers, authorization: `Basic ${basic}`, 'content-length': String(body.length) }, body });
  };
}

/** Revoking a token the provider does not know as active is refused with invalid_request, where RFC 7009 §2.2 wants 200. */
export function refuseUnknownTokenRevocation(): Stage {
  return async (request, next) => {
    const params = request.url.pathname === REVOCATION ? postedForm(request) : undefined;
    if (!params) return next(request);
    const { headers } = request;
    // Asked with the request's own credentials: a request the provider would refuse still gets its refusal.
    const known = await next({ ...request, url: new URL(INTROSPECTION, request.url), headers: { ...headers }, body: request.body });
    if (known.status !== 200 || jsonOf(known)?.active === true) return next(request);
    return tokenError(400, 'invalid_request', 'the token is unknown');
  };
}

/**
 * Introspection answers some inactive tokens as active: those revoked at this server, those it never heard of, or
 * those it once said were active (which have since expired, revoked ones aside).
 */
export function introspectAsActive(taken: InactiveTaken): Stage {
  const revoked = new Set<string>();
  const seenActive = new Map<string, Record<string, unknown>>();
  return async (request, next) => {
    const token = postedForm(request)?.get('token');
    const response = await next(request);
    if (!token || response.status !== 200) return response;
    if (request.url.pathname === REVOCATION) revoked.add(token);
    if (request.url.pathname !== INTROSPECTION) return response;
    const body = jsonOf(response);
    if (body?.active === true) seenActive.set(token, body);
    if (body?.active !== false) return response;
    const earlier = seenActive.get(token);
    const wrong = { revoked: revoked.has(token), unknown: !revoked.has(token) && !earlier, expired: !revoked.has(token) && earlier !== undefined }[taken];
    return wrong ? withJson(response, earlier ?? { active: true }) : response;
  };
}

/** The UserInfo Endpoint answers claims without a token, or for a JWT access token (the sandbox's machine tokens) as its sub's. */
export function lenientUserinfo(accepts: 'no-token' | 'machine-token'): Stage {
  return (request, next) => {
    if (request.url.pathname !== USERINFO) return next(request);
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (accepts === 'no-token' && !scheme) return Promise.resolve(json(200, { sub: 'anonymous' }));
    if (accepts === 'machine-token' && scheme?.toLowerCase() === 'bearer' && token?.split('.').length === 3) {
      return Promise.resolve(json(200, { sub: decodeJwt(token).sub }));
    }
    return next(request);
  };
}
