import { formOf, json, type HttpRequest, type HttpResponse } from '../http-data.js';

/** What the fault stages read and rewrite the provider's requests and responses (../http-data.ts) with. */

// oidc-provider's default routes.
export const DISCOVERY = '/.well-known/openid-configuration';
export const JWKS = '/jwks';
export const AUTHORIZATION = '/auth';
export const TOKEN = '/token';
export const INTROSPECTION = '/token/introspection';
export const REVOCATION = '/token/revocation';
export const PUSHED_AUTHORIZATION = '/request';
export const USERINFO = '/me';

/** The form a request POSTs; undefined for any other request. */
export function postedForm(request: HttpRequest): URLSearchParams | undefined {
  return request.method === 'POST' ? formOf(request) : undefined;
}

/** The parameters of a POST to the token endpoint (of one grant type if given); undefined for any other request. */
export function tokenParams(request: HttpRequest, grantType?: string): URLSearchParams | undefined {
  const params = request.url.pathname === TOKEN ? postedForm(request) : undefined;
  return params && (grantType === undefined || params.get('grant_type') === grantType) ? params : undefined;
}

export function withQuery(request: HttpRequest, params: Record<string, string>): HttpRequest {
  const url = new URL(request.url);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { ...request, url };
}

export function withJson(response: HttpResponse, body: Record<string, unknown>): HttpResponse {
  return { ...response, body: Buffer.from(JSON.stringify(body)) };
}

/** A token endpoint error as the provider words them (RFC 6749 §5.2), uncacheable. */
export function tokenError(status: number, error: string, description: string): HttpResponse {
  return json(status, { error, error_description: description }, { 'cache-control': 'no-store', pragma: 'no-cache' });
}

export function locationOf(response: HttpResponse, base: URL): URL | undefined {
  const location = response.headers.location;
  return typeof location === 'string' ? new URL(location, base) : undefined;
}

export function redirectsBack(redirect: URL | undefined, redirectUris: ReadonlySet<string>): redirect is URL {
  return redirect !== undefined && redirectUris.has(`${redirect.origin}${redirect.pathname}`);
}
