import { formOf, type HttpRequest, type HttpResponse } from '../http-data.js';
import { basicCredentials, tokenReply } from './toolkit.js';

/**
 * A token request as both of 1up's authorization servers read it (RFC 6749 §2.3.1, §3.1, §3.2, §5.2): a POSTed form
 * with each parameter once, and the client authenticated by Basic or by client_id and client_secret in the body
 * (client_secret_post, the method 1up documents). Grant types are each server's own.
 */

export type TokenRequest = { params: URLSearchParams; clientId: string } | { refusal: HttpResponse };

export function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): HttpResponse {
  return tokenReply(status, { error, error_description: description }, headers);
}

export function readTokenRequest(request: HttpRequest, clients: ReadonlyMap<string, string>, realm: string): TokenRequest {
  const refuse = (description: string) => ({ refusal: oauthError(400, 'invalid_request', description) });
  if (request.method !== 'POST') return { refusal: oauthError(405, 'invalid_request', 'the token endpoint accepts POST only', { allow: 'POST' }) };
  if (request.url.searchParams.has('client_id') || request.url.searchParams.has('client_secret')) {
    return refuse('client credentials are not accepted in the query string');
  }
  const params = formOf(request);
  if (!params) return refuse('the body must be application/x-www-form-urlencoded');
  const names = [...params.keys()];
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated) return refuse(`parameter ${repeated} is given more than once`);
  if (!params.get('grant_type')) return refuse('grant_type is required');

  const basic = basicCredentials(request);
  const posted = params.has('client_secret') ? { id: params.get('client_id') ?? '', secret: params.get('client_secret') ?? '' } : undefined;
  if (basic && posted) return refuse('use one client authentication method, not both');
  const given = basic ?? posted;
  if (!given || clients.get(given.id) !== given.secret) {
    return { refusal: oauthError(401, 'invalid_client', 'client authentication failed', { 'www-authenticate': `Basic realm="${realm}"` }) };
  }
  return { params, clientId: given.id };
}
