import { escapeHtml } from '../html.js';
import { jsonOf, withForm, type HttpRequest, type HttpResponse, type Stage } from '../http-data.js';
import { TOKEN, tokenError, tokenParams, withJson } from './messages.js';

/** Fault steps in how the token endpoint reads a request and words its refusals, whatever the grant. */

/** Token endpoint refusals a fault can single out, by what the request got wrong. */
export type TokenRefusal =
  | 'invalid-client-basic'
  | 'invalid-client-post'
  /** invalid_client for a request that authenticates by a client assertion (RFC 7523 §2.2). */
  | 'invalid-client-assertion'
  | 'unsupported-grant-type'
  | 'missing-grant-type'
  | 'duplicate-parameter'
  /** Any refusal the provider words invalid_grant: a spent, revoked or mismatched code or refresh token, a wrong verifier. */
  | 'invalid-grant'
  | 'invalid-scope';

/** What a refusal is turned into; each member left out keeps the provider's. */
interface RefusalRewrite {
  status?: number;
  error?: string;
  html?: true;
}

/** Every token request of this grant type that would get tokens is refused with this error code instead. */
export function refuseGrant(grantType: string, error: string): Stage {
  return async (request, next) => {
    const response = await next(request);
    return tokenParams(request, grantType) && response.status === 200 ? tokenError(400, error, `${grantType} is refused`) : response;
  };
}

/** GET /token is served as if its query had been POSTed. */
export function acceptGetOnToken(): Stage {
  return (request, next) => {
    if (request.method !== 'GET' || request.url.pathname !== TOKEN) return next(request);
    return next(withForm({ ...request, url: new URL(TOKEN, request.url) }, request.url.searchParams));
  };
}

/** A token request that repeats a parameter is served with its first value. */
export function dedupeTokenParameters(): Stage {
  return (request, next) => {
    const params = tokenParams(request);
    if (!params) return next(request);
    const first = new Map<string, string>();
    for (const [name, value] of params) if (!first.has(name)) first.set(name, value);
    return next(withForm(request, new URLSearchParams([...first])));
  };
}

/** A token request with a JSON body is served as if its members had been form-encoded. */
export function acceptJsonTokenBody(): Stage {
  return (request, next) => {
    if (request.method !== 'POST' || request.url.pathname !== TOKEN || !(request.headers['content-type'] ?? '').startsWith('application/json'))
      return next(request);
    const members = JSON.parse(request.body.toString()) as Record<string, unknown>;
    return next(withForm(request, new URLSearchParams(Object.entries(members).map(([k, v]): [string, string] => [k, String(v)]))));
  };
}

/** client_id and client_secret in a token request's query authenticate it. */
export function acceptQueryCredentials(): Stage {
  return (request, next) => {
    const params = tokenParams(request);
    const { searchParams } = request.url;
    if (!params || !searchParams.has('client_secret')) return next(request);
    const url = new URL(request.url);
    for (const name of ['client_id', 'client_secret']) {
      params.set(name, searchParams.get(name) ?? '');
      url.searchParams.delete(name);
    }
    return next(withForm({ ...request, url }, params));
  };
}

/**
 * Token endpoint refusals (every one, or those listed; with `assertion`, only of requests that authenticate by a client
 * assertion) get another status, error code, or an HTML body.
 */
export function rewriteTokenRefusal(fault: { refusals: 'every' | readonly TokenRefusal[]; assertion?: true } & RefusalRewrite): Stage {
  return async (request, next) => {
    const response = await next(request);
    const params = tokenParams(request);
    const body = response.status >= 400 ? jsonOf(response) : undefined;
    if (!params || typeof body?.error !== 'string' || (fault.assertion && !params.has('client_assertion'))) return response;
    const reason = refusalReason(request, params, body.error);
    if (fault.refusals !== 'every' && (reason === 'other' || !fault.refusals.includes(reason))) return response;
    return rewriteRefusal(response, body, fault);
  };
}

/** What a token endpoint refusal was for, judged by the request. */
function refusalReason(request: HttpRequest, params: URLSearchParams, error: string): TokenRefusal | 'other' {
  if (error === 'invalid_client') {
    if (params.has('client_assertion')) return 'invalid-client-assertion';
    return request.headers.authorization ? 'invalid-client-basic' : 'invalid-client-post';
  }
  if (error === 'unsupported_grant_type') return 'unsupported-grant-type';
  if (error === 'invalid_grant') return 'invalid-grant';
  if (error === 'invalid_scope') return 'invalid-scope';
  if (!params.has('grant_type')) return 'missing-grant-type';
  const names = [...params.keys()];
  return new Set(names).size < names.length ? 'duplicate-parameter' : 'other';
}

function rewriteRefusal(
  response: HttpResponse,
  body: Record<string, unknown>,
  { status = response.status, error = String(body.error), html }: RefusalRewrite,
): HttpResponse {
  const headers = { ...response.headers };
  // A Basic challenge belongs to a 401 only.
  if (status !== 401) delete headers['www-authenticate'];
  const rewritten: Record<string, unknown> = { ...body, error };
  if (!html) return withJson({ ...response, status, headers }, rewritten);
  const page =
    `<!DOCTYPE html>\n<html><head><title>${escapeHtml(error)}</title></head>` +
    `<body><h1>${escapeHtml(error)}</h1><p>${escapeHtml(typeof rewritten.error_description === 'string' ? rewritten.error_description : '')}</p></body></html>\n`;
  return { status, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(page) };
}
