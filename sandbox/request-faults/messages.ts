import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Delivery } from '../hostile.js';

/**
 * Requests and responses as data, as the front door (../front-door.ts) holds them between the client and the provider,
 * and what the fault steps read and rewrite them with.
 */

export interface FrontRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FrontResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  /** Sent some other way than at once, as a hostile fault says. */
  delivery?: Delivery;
}

export type Forward = (request: FrontRequest) => Promise<FrontResponse>;
/** One fault: handles a request, forwarding it (or others) to the next stage and finally the provider, or not. */
export type Stage = (request: FrontRequest, next: Forward) => Promise<FrontResponse>;

// oidc-provider's default routes.
export const DISCOVERY = '/.well-known/openid-configuration';
export const JWKS = '/jwks';
export const AUTHORIZATION = '/auth';
export const TOKEN = '/token';
export const INTROSPECTION = '/token/introspection';
export const REVOCATION = '/token/revocation';
const FORM = 'application/x-www-form-urlencoded';

export function isForm(request: FrontRequest): boolean {
  return request.method === 'POST' && (request.headers['content-type'] ?? '').startsWith(FORM);
}

/** The parameters of a POST to the token endpoint (of one grant type if given); undefined for any other request. */
export function tokenParams(request: FrontRequest, grantType?: string): URLSearchParams | undefined {
  if (request.url.pathname !== TOKEN || !isForm(request)) return undefined;
  const params = new URLSearchParams(request.body.toString());
  return grantType === undefined || params.get('grant_type') === grantType ? params : undefined;
}

export function withForm(request: FrontRequest, params: URLSearchParams): FrontRequest {
  const body = Buffer.from(params.toString());
  const { 'transfer-encoding': _chunked, ...headers } = request.headers;
  return { ...request, method: 'POST', headers: { ...headers, 'content-type': FORM, 'content-length': String(body.length) }, body };
}

export function withQuery(request: FrontRequest, params: Record<string, string>): FrontRequest {
  const url = new URL(request.url);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { ...request, url };
}

export function jsonOf(response: FrontResponse): Record<string, unknown> | undefined {
  if (!String(response.headers['content-type'] ?? '').startsWith('application/json')) return undefined;
  return JSON.parse(response.body.toString()) as Record<string, unknown>;
}

export function withJson(response: FrontResponse, body: Record<string, unknown>): FrontResponse {
  return { ...response, body: Buffer.from(JSON.stringify(body)) };
}

/** A token endpoint error as the provider words them (RFC 6749 §5.2), uncacheable. */
export function tokenError(status: number, error: string, description: string): FrontResponse {
  return withJson({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' },
    body: Buffer.alloc(0),
  }, { error, error_description: description });
}

export function locationOf(response: FrontResponse, base: URL): URL | undefined {
  const location = response.headers.location;
  return typeof location === 'string' ? new URL(location, base) : undefined;
}

export function redirectsBack(redirect: URL | undefined, redirectUris: ReadonlySet<string>): redirect is URL {
  return redirect !== undefined && redirectUris.has(`${redirect.origin}${redirect.pathname}`);
}
