import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientMetadata } from 'oidc-provider';
import { INTERACTION_PATH } from '../auto-approval.js';
import { escapeHtml } from '../html.js';
import { withForm, type HttpRequest, type HttpResponse, type Stage } from '../http-data.js';
import { AUTHORIZATION, locationOf, redirectsBack, tokenError, tokenParams, withQuery } from './messages.js';

/** Fault steps in the authorization code grant: the authorization request, its redirect, and the code's redemption. */

/** Authorization responses that carry a code do not echo state. */
export function dropState(redirectUris: ReadonlySet<string>): Stage {
  return async (request, next) => {
    const response = await next(request);
    const redirect = locationOf(response, request.url);
    if (!redirectsBack(redirect, redirectUris) || !redirect.searchParams.has('code')) return response;
    redirect.searchParams.delete('state');
    return { ...response, headers: { ...response.headers, location: redirect.href } };
  };
}

/**
 * Authorization responses come as an HTML page instead of a redirect, carrying the code three ways: a `Refresh`
 * header, a meta refresh, and a form that posts the parameters to redirect_uri (as OAuth 2.0 form_post does).
 */
export function redirectBackAsPage(redirectUris: ReadonlySet<string>): Stage {
  return async (request, next) => {
    const response = await next(request);
    const redirect = locationOf(response, request.url);
    if (!redirectsBack(redirect, redirectUris)) return response;
    const to = escapeHtml(redirect.href);
    const fields = [...redirect.searchParams].map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
    const page =
      `<!doctype html><html><head><meta http-equiv="refresh" content="0;url=${to}"><title>Redirecting</title></head>` +
      `<body><p>Continue to <a href="${to}">the application</a>.</p>` +
      `<form method="post" action="${escapeHtml(`${redirect.origin}${redirect.pathname}`)}">${fields}<button>Continue</button></form></body></html>`;
    const { location: _location, 'content-length': _length, ...headers } = response.headers;
    return { status: 200, headers: { ...headers, 'content-type': 'text/html; charset=utf-8', refresh: `0;url=${redirect.href}` }, body: Buffer.from(page) };
  };
}

/** The token endpoint ignores redirect_uri. */
export function ignoreTokenRedirectUri(): Stage {
  return (request, next) => {
    const params = tokenParams(request, 'authorization_code');
    if (!params) return next(request);
    // With a single registered redirect_uri, oidc-provider takes that one when the parameter is absent.
    params.delete('redirect_uri');
    return next(withForm(request, params));
  };
}

function redeemedCode(request: HttpRequest): string | undefined {
  return tokenParams(request, 'authorization_code')?.get('code') ?? undefined;
}

// Long enough for redemptions sent together to meet, as a slow, non-atomic redemption would let them.
const RACE_WINDOW_MS = 250;

/** Redemptions of one code share the first one's answer: always, or only those that arrive while it is pending. */
export function shareCodeRedemption(reuse: 'always' | 'while-pending'): Stage {
  const first = new Map<string, Promise<HttpResponse>>();
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

/** Replays of a redeemed code are refused before the provider sees them, so it never revokes what the code issued. */
export function interceptCodeReplay(): Stage {
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
  begin(request: HttpRequest): { request: HttpRequest; value: T } | undefined;
  end(value: T, redirect: URL, response: HttpResponse): HttpResponse;
}

/**
 * Carries a value from an authorization request to the redirect that ends it at the client. The provider answers
 * /auth with that redirect at once, or with an interaction it resumes at /auth/<uid>.
 */
function authorizations<T>(redirectUris: ReadonlySet<string>, journey: Journey<T>): Stage {
  const interactions = new Map<string, T>();
  const follow = (request: HttpRequest, response: HttpResponse, value: T): HttpResponse => {
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

/** An authorization request's redirect_uri only has to start with a registered one, and is redirected to. */
export function prefixMatchRedirectUri(clients: readonly ClientMetadata[], redirectUris: ReadonlySet<string>): Stage {
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

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/**
 * PKCE accepts a code_verifier that does not match, or none at all, for a code issued with a challenge.
 *
 * The front door verifies PKCE itself: the provider gets a challenge of the front door's own instead of the client's,
 * and the matching verifier whenever the front door accepts the client's (or its absence).
 */
export function laxPkce(accept: 'any-verifier' | 'no-verifier', redirectUris: ReadonlySet<string>): Stage {
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
