import type { ClientMetadata } from 'oidc-provider';
import { jsonOf, type HttpRequest, type Stage } from '../http-data.js';
import { AUTHORIZATION, PUSHED_AUTHORIZATION, postedForm, withQuery } from './messages.js';

/** Fault steps at the pushed authorization request endpoint (RFC 9126) and the request_uri values it issues. */

/**
 * A request_uri already used keeps working: each use after the first is served with a request_uri the front door
 * has the provider issue again, by pushing the original request once more.
 */
export function reusableRequestUri(): Stage {
  const pushes = new Map<string, HttpRequest>();
  const used = new Set<string>();
  return async (request, next) => {
    if (request.url.pathname === PUSHED_AUTHORIZATION && request.method === 'POST') {
      const response = await next(request);
      const requestUri = response.status === 201 ? jsonOf(response)?.request_uri : undefined;
      if (typeof requestUri === 'string') pushes.set(requestUri, request);
      return response;
    }
    const requestUri = request.url.pathname === AUTHORIZATION ? request.url.searchParams.get('request_uri') : null;
    const push = requestUri === null ? undefined : pushes.get(requestUri);
    if (!requestUri || !push) return next(request);
    if (!used.has(requestUri)) {
      used.add(requestUri);
      return next(request);
    }
    const again = jsonOf(await next(push))?.request_uri;
    return next(typeof again === 'string' ? withQuery(request, { request_uri: again }) : request);
  };
}

/** A push that carries no client authentication is served as if the client had authenticated with its secret. */
export function authenticatePushes(clients: readonly ClientMetadata[]): Stage {
  return (request, next) => {
    const form = request.url.pathname === PUSHED_AUTHORIZATION ? postedForm(request) : undefined;
    const client = clients.find((c) => c.client_id === form?.get('client_id'));
    if (!form || !client || request.headers.authorization || form.has('client_secret')) return next(request);
    const basic = Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret ?? '')}`).toString('base64');
    return next({ ...request, headers: { ...request.headers, authorization: `Basic ${basic}` } });
  };
}
