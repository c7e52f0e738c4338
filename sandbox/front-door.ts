import { createHash, randomBytes } from 'node:crypto';
import { ServerResponse, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientMetadata } from 'oidc-provider';
import { INTERACTION_PATH } from './auto-approval.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Token endpoint refusals a fault can single out, by what the request got wrong. */
export type TokenRefusal =
  | 'invalid-client-basic'
  | 'invalid-client-post'
  | 'unsupported-grant-type'
  | 'missing-grant-type'
  | 'duplicate-parameter';

/** A request-level fault: interpreted by the front door before oidc-provider sees the request. */
export type RequestFault =
  /** GET /token is served as if its query had been POSTed. */
  | { kind: 'accept-get-on-token' }
  /** A token request that repeats a parameter is served with its first value. */
  | { kind: 'dedupe-token-parameters' }
  /** client_id and client_secret in a token request's query authenticate it. */
  | { kind: 'accept-query-credentials' }
  /** Token endpoint refusals get another status (a 401 then loses its challenge), error code, or an HTML body. */
  | { kind: 'rewrite-token-refusal'; refusals: 'every' | readonly TokenRefusal[]; status?: number; error?: string; html?: true }
  /** Authorization responses that carry a code do not echo state. */
  | { kind: 'drop-state' }
  /** Redemptions of one code share the first one's answer: always, or only those that arrive while it is pending. */
  | { kind: 'share-code-redemption'; reuse: 'always' | 'while-pending' }
  /** Replays of a redeemed code are refused before the provider sees them, so it never revokes what the code issued. */
  | { kind: 'intercept-code-replay' }
  /** The token endpoint ignores redirect_uri. */
  | { kind: 'ignore-token-redirect-uri' }
  /** An authorization request's redirect_uri only has to start with a registered one, and is redirected to. */
  | { kind: 'prefix-match-redirect-uri' }
  /** PKCE accepts a code_verifier that does not match, or none at all, for a code issued with a challenge. */
  | { kind: 'lax-pkce'; accept: 'any-verifier' | 'no-verifier' }
  /** Every refresh_token grant is refused. */
  | { kind: 'refuse-refresh' }
  /** A refresh token that was rotated keeps working: it stands for its newest successor. */
  | { kind: 'honour-rotated-refresh-tokens' }
  /** Refresh requests are served with the requested scopes the refresh token lacks left out. */
  | { kind: 'trim-refresh-scope' }
  /** Refresh responses to a request with a scope claim the refresh token's whole scope. */
  | { kind: 'claim-refresh-token-scope' }
  /** A refresh token works for any authenticated client: the request is served as its owner's. */
  | { kind: 'refresh-as-token-owner' }
  /** Revocation requests hinted as refresh tokens are answered 200 and revoke nothing. */
  | { kind: 'ignore-refresh-revocation' };

/**
 * Request-level faults: a layer in front of the provider that may rewrite, answer or replay requests before
 * oidc-provider sees them. With no such fault it is the provider itself.
 */
export function frontDoor(faults: readonly RequestFault[], provider: Handler, clients: readonly ClientMetadata[]): Handler {
  if (faults.length === 0) return provider;
  const stages = faults.map((fault) => stage(fault, clients));
  return (req, res) => {
    receive(req)
      .then((request) => {
        const toProvider: Forward = (forwarded) => dispatch(provider, req, forwarded);
        return stages.reduceRight<Forward>((next, current) => (forwarded) => current(forwarded, next), toProvider)(request);
      })
      .catch((error: unknown) => tokenError(500, 'server_error', String(error)))
      .then((response) => send(res, response));
  };
}

// ---- Requests and responses as data ------------------------------------------------------------------------------

interface FrontRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface FrontResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

type Forward = (request: FrontRequest) => Promise<FrontResponse>;
/** One fault: handles a request, forwarding it (or others) to the next stage and finally the provider, or not. */
type Stage = (request: FrontRequest, next: Forward) => Promise<FrontResponse>;

async function receive(req: IncomingMessage): Promise<FrontRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`),
    headers: req.headers,
    body: Buffer.concat(chunks),
  };
}

/**
 * Hands a request to the provider as a fresh IncomingMessage on the original's connection, and records its answer in
 * a response that is never sent, so that stages can read and rewrite it.
 */
function dispatch(provider: Handler, original: IncomingMessage, { method, url, headers, body }: FrontRequest): Promise<FrontResponse> {
  const { socket, httpVersion, httpVersionMajor, httpVersionMinor } = original;
  const req = Object.assign(Readable.from(body.length ? [body] : [], { objectMode: false }), {
    method,
    url: `${url.pathname}${url.search}`,
    headers,
    socket,
    httpVersion,
    httpVersionMajor,
    httpVersionMinor,
  }) as unknown as IncomingMessage;
  const res = new ServerResponse(req);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const collect = (chunk: unknown) => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    res.write = ((chunk: unknown) => {
      collect(chunk);
      return true;
    }) as ServerResponse['write'];
    res.end = ((chunk?: unknown) => {
      collect(chunk);
      resolve({ status: res.statusCode, headers: res.getHeaders(), body: Buffer.concat(chunks) });
      return res;
    }) as ServerResponse['end'];
    provider(req, res);
  });
}

function send(res: ServerResponse, { status, headers, body }: FrontResponse): void {
  res.statusCode = status;
  // Node computes Content-Length for the body as finally sent.
  for (const [name, value] of Object.entries(headers)) if (name !== 'content-length' && value !== undefined) res.setHeader(name, value);
  res.end(body);
}

// oidc-provider's default routes.
const AUTHORIZATION = '/auth';
const TOKEN = '/token';
const INTROSPECTION = '/token/introspection';
const REVOCATION = '/token/revocation';
const FORM = 'application/x-www-form-urlencoded';

function isForm(request: FrontRequest): boolean {
  return request.method === 'POST' && (request.headers['content-type'] ?? '').startsWith(FORM);
}

/** The parameters of a POST to the token endpoint (of one grant type if given); undefined for any other request. */
function tokenParams(request: FrontRequest, grantType?: string): URLSearchParams | undefined {
  if (request.url.pathname !== TOKEN || !isForm(request)) return undefined;
  const params = new URLSearchParams(request.body.toString());
  return grantType === undefined || params.get('grant_type') === grantType ? params : undefined;
}

function withForm(request: FrontRequest, params: URLSearchParams): FrontRequest {
  const body = Buffer.from(params.toString());
  const { 'transfer-encoding': _chunked, ...headers } = request.headers;
  return { ...request, method: 'POST', headers: { ...headers, 'content-type': FORM, 'content-length': String(body.length) }, body };
}

function withQuery(request: FrontRequest, params: Record<string, string>): FrontRequest {
  const url = new URL(request.url);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { ...request, url };
}

function jsonOf(response: FrontResponse): Record<string, unknown> | undefined {
  if (!String(response.headers['content-type'] ?? '').startsWith('application/json')) return undefined;
  return JSON.parse(response.body.toString()) as Record<string, unknown>;
}

function withJson(response: FrontResponse, body: Record<string, unknown>): FrontResponse {
  return { ...response, body: Buffer.from(JSON.stringify(body)) };
}

/** A token endpoint error as the provider words them (RFC 6749 §5.2), uncacheable. */
function tokenError(status: number, error: string, description: string): FrontResponse {
  return withJson({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' },
    body: Buffer.alloc(0),
  }, { error, error_description: description });
}

function locationOf(response: FrontResponse, base: URL): URL | undefined {
  const location = response.headers.location;
  return typeof location === 'string' ? new URL(location, base) : undefined;
}

function redirectsBack(redirect: URL | undefined, redirectUris: ReadonlySet<string>): redirect is URL {
  return redirect !== undefined && redirectUris.has(`${redirect.origin}${redirect.pathname}`);
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

// ---- Faults -------------------------------------------------------------------------------------------------------

function stage(fault: RequestFault, clients: readonly ClientMetadata[]): Stage {
  const redirectUris = new Set(clients.flatMap((client) => client.redirect_uris));
  switch (fault.kind) {
    case 'accept-get-on-token':
      return (request, next) => {
        if (request.method !== 'GET' || request.url.pathname !== TOKEN) return next(request);
        return next(withForm({ ...request, url: new URL(TOKEN, request.url) }, request.url.searchParams));
      };
    case 'dedupe-token-parameters':
      return (request, next) => {
        const params = tokenParams(request);
        if (!params) return next(request);
        const first = new Map<string, string>();
        for (const [name, value] of params) if (!first.has(name)) first.set(name, value);
        return next(withForm(request, new URLSearchParams([...first])));
      };
    case 'accept-query-credentials':
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
    case 'rewrite-token-refusal':
      return async (request, next) => {
        const response = await next(request);
        const params = tokenParams(request);
        const body = response.status >= 400 ? jsonOf(response) : undefined;
        if (!params || typeof body?.error !== 'string') return response;
        const reason = refusalReason(request, params, body.error);
        if (fault.refusals !== 'every' && (reason === 'other' || !fault.refusals.includes(reason))) return response;
        return rewriteRefusal(response, body, fault);
      };
    case 'drop-state':
      return async (request, next) => {
        const response = await next(request);
        const redirect = locationOf(response, request.url);
        if (!redirectsBack(redirect, redirectUris) || !redirect.searchParams.has('code')) return response;
        redirect.searchParams.delete('state');
        return { ...response, headers: { ...response.headers, location: redirect.href } };
      };
    case 'share-code-redemption':
      return shareCodeRedemption(fault.reuse);
    case 'intercept-code-replay':
      return interceptCodeReplay();
    case 'ignore-token-redirect-uri':
      return (request, next) => {
        const params = tokenParams(request, 'authorization_code');
        if (!params) return next(request);
        // With a single registered redirect_uri, oidc-provider takes that one when the parameter is absent.
        params.delete('redirect_uri');
        return next(withForm(request, params));
      };
    case 'prefix-match-redirect-uri':
      return prefixMatchRedirectUri(clients, redirectUris);
    case 'lax-pkce':
      return laxPkce(fault.accept, redirectUris);
    case 'refuse-refresh':
      return (request, next) => (tokenParams(request, 'refresh_token')
        ? Promise.resolve(tokenError(400, 'invalid_grant', 'grant request is invalid'))
        : next(request));
    case 'honour-rotated-refresh-tokens':
      return honourRotatedRefreshTokens();
    case 'trim-refresh-scope':
      return async (request, next) => {
        const params = tokenParams(request, 'refresh_token');
        const scope = params?.get('scope');
        if (!params || !scope) return next(request);
        const granted = await introspect(request, params, next);
        if (!granted) return next(request);
        const held = String(granted.scope ?? '').split(' ');
        params.set('scope', scope.split(' ').filter((name) => held.includes(name)).join(' '));
        return next(withForm(request, params));
      };
    case 'claim-refresh-token-scope':
      return async (request, next) => {
        const params = tokenParams(request, 'refresh_token');
        if (!params?.get('scope')) return next(request);
        // Asked first: a rotated refresh token is no longer active.
        const granted = await introspect(request, params, next);
        const response = await next(request);
        const body = jsonOf(response);
        return response.status === 200 && body && granted ? withJson(response, { ...body, scope: granted.scope }) : response;
      };
    case 'refresh-as-token-owner':
      return refreshAsTokenOwner(clients);
    case 'ignore-refresh-revocation':
      return (request, next) => {
        const revokesRefreshToken = request.url.pathname === REVOCATION && isForm(request)
          && new URLSearchParams(request.body.toString()).get('token_type_hint') === 'refresh_token';
        return revokesRefreshToken
          ? Promise.resolve({ status: 200, headers: { 'cache-control': 'no-store' }, body: Buffer.alloc(0) })
          : next(request);
      };
  }
}

/** What a token endpoint refusal was for, judged by the request. */
function refusalReason(request: FrontRequest, params: URLSearchParams, error: string): TokenRefusal | 'other' {
  if (error === 'invalid_client') return request.headers.authorization ? 'invalid-client-basic' : 'invalid-client-post';
  if (error === 'unsupported_grant_type') return 'unsupported-grant-type';
  if (!params.has('grant_type')) return 'missing-grant-type';
  const names = [...params.keys()];
  return new Set(names).size < names.length ? 'duplicate-parameter' : 'other';
}

function rewriteRefusal(
  response: FrontResponse,
  body: Record<string, unknown>,
  { status = response.status, error = String(body.error), html }: { status?: number; error?: string; html?: true },
): FrontResponse {
  const headers = { ...response.headers };
  // A Basic challenge belongs to a 401 only.
  if (status !== 401) delete headers['www-authenticate'];
  const rewritten: Record<string, unknown> = { ...body, error };
  if (!html) return withJson({ ...response, status, headers }, rewritten);
  const page = `<!DOCTYPE html>\n<html><head><title>${escapeHtml(error)}</title></head>`
    + `<body><h1>${escapeHtml(error)}</h1><p>${escapeHtml(String(rewritten.error_description ?? ''))}</p></body></html>\n`;
  return { status, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(page) };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function redeemedCode(request: FrontRequest): string | undefined {
  return tokenParams(request, 'authorization_code')?.get('code') ?? undefined;
}

// Long enough for redemptions sent together to meet, as a slow, non-atomic redemption would let them.
const RACE_WINDOW_MS = 250;

function shareCodeRedemption(reuse: 'always' | 'while-pending'): Stage {
  const first = new Map<string, Promise<FrontResponse>>();
  return async (request, next) => {
    const code = redeemedCode(request);
    if (code === undefined) return next(request);
    const earlier = first.get(code);
    if (earlier) return earlier;
    const answer = reuse === 'while-pending' ? sleep(RACE_WINDOW_MS).then(() => next(request)) : next(request);
    first.set(code, answer);
    const response = await answer;
    // Settled, a race window closes; otherwise only a token is worth handing out again.
    if (reuse === 'while-pending' || response.status !== 200) first.delete(code);
    return response;
  };
}

function interceptCodeReplay(): Stage {
  const redeemed = new Set<string>();
  return async (request, next) => {
    const code = redeemedCode(request);
    if (code === undefined) return next(request);
    if (redeemed.has(code)) return tokenError(400, 'invalid_grant', 'grant request is invalid');
    const response = await next(request);
    if (response.status === 200) redeemed.add(code);
    return response;
  };
}

/** How a fault takes part in authorizations: it may rewrite the request, and shapes the redirect that ends it. */
interface Journey<T> {
  /** The request to forward and what to remember until the end; undefined leaves the authorization alone. */
  begin(request: FrontRequest): { request: FrontRequest; value: T } | undefined;
  end(value: T, redirect: URL, response: FrontResponse): FrontResponse;
}

/**
 * Carries a value from an authorization request to the redirect that ends it at the client. The provider answers
 * /auth with that redirect at once, or with an interaction it resumes at /auth/<uid>.
 */
function authorizations<T>(redirectUris: ReadonlySet<string>, journey: Journey<T>): Stage {
  const interactions = new Map<string, T>();
  const follow = (request: FrontRequest, response: FrontResponse, value: T): FrontResponse => {
    const location = locationOf(response, request.url);
    if (location?.pathname.startsWith(INTERACTION_PATH)) {
      interactions.set(location.pathname.slice(INTERACTION_PATH.length), value);
      return response;
    }
    return redirectsBack(location, redirectUris) ? journey.end(value, location, response) : response;
  };
  return async (request, next) => {
    const { pathname } = request.url;
    if (pathname === AUTHORIZATION) {
      const begun = journey.begin(request);
      return begun ? follow(request, await next(begun.request), begun.value) : next(request);
    }
    const uid = pathname.startsWith(`${AUTHORIZATION}/`) ? pathname.slice(AUTHORIZATION.length + 1) : undefined;
    const value = uid === undefined ? undefined : interactions.get(uid);
    if (uid === undefined || value === undefined) return next(request);
    interactions.delete(uid);
    return follow(request, await next(request), value);
  };
}

function prefixMatchRedirectUri(clients: readonly ClientMetadata[], redirectUris: ReadonlySet<string>): Stage {
  return authorizations<string>(redirectUris, {
    begin(request) {
      const query = request.url.searchParams;
      const requested = query.get('redirect_uri');
      const registered = clients.find((client) => client.client_id === query.get('client_id'))?.redirect_uris ?? [];
      if (!requested || registered.includes(requested)) return undefined;
      const prefix = registered.find((uri) => requested.startsWith(uri));
      return prefix === undefined ? undefined : { request: withQuery(request, { redirect_uri: prefix }), value: requested };
    },
    end(requested, redirect, response) {
      const target = new URL(requested);
      for (const [name, value] of redirect.searchParams) target.searchParams.append(name, value);
      return { ...response, headers: { ...response.headers, location: target.href } };
    },
  });
}

/**
 * The front door verifies PKCE itself: the provider gets a challenge of the front door's own instead of the client's,
 * and the matching verifier whenever the front door accepts the client's (or its absence).
 */
function laxPkce(accept: 'any-verifier' | 'no-verifier', redirectUris: ReadonlySet<string>): Stage {
  const codes = new Map<string, { challenge: string; verifier: string }>();
  const authorize = authorizations<{ challenge: string; verifier: string }>(redirectUris, {
    begin(request) {
      const query = request.url.searchParams;
      const challenge = query.get('code_challenge');
      // Anything else is the provider's to refuse.
      if (!challenge || query.get('code_challenge_method') !== 'S256') return undefined;
      const verifier = randomBytes(32).toString('base64url');
      return { request: withQuery(request, { code_challenge: s256(verifier) }), value: { challenge, verifier } };
    },
    end(pkce, redirect, response) {
      const code = redirect.searchParams.get('code');
      if (code) codes.set(code, pkce);
      return response;
    },
  });
  return (request, next) => {
    const params = tokenParams(request, 'authorization_code');
    const pkce = codes.get(params?.get('code') ?? '');
    if (!params || !pkce) return authorize(request, next);
    const verifier = params.get('code_verifier');
    const accepted = verifier === null ? accept === 'no-verifier' : accept === 'any-verifier' || s256(verifier) === pkce.challenge;
    if (!accepted) return next(request);
    params.set('code_verifier', pkce.verifier);
    return next(withForm(request, params));
  };
}

function honourRotatedRefreshTokens(): Stage {
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

function refreshAsTokenOwner(clients: readonly ClientMetadata[]): Stage {
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
