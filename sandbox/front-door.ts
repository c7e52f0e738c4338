import { ServerResponse, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { ClientMetadata } from 'oidc-provider';
import { deliver, hostile, type HostileFault, type Issue } from './hostile.js';
import { dropState, ignoreTokenRedirectUri, redirectBackAsPage, interceptCodeReplay, laxPkce, prefixMatchRedirectUri, shareCodeRedemption } from './request-faults/authorization-code.js';
import { tokenError, type Forward, type FrontRequest, type FrontResponse, type Stage } from './request-faults/messages.js';
import {
  claimRefreshTokenScope,
  honourRotatedRefreshTokens,
  ignoreRefreshRevocation,
  refreshAsTokenOwner,
  widenRefreshScope,
  type RefreshClientLaxity,
} from './request-faults/refresh-tokens.js';
import { acceptGetOnToken, acceptJsonTokenBody, acceptQueryCredentials, dedupeTokenParameters, refuseGrant, rewriteTokenRefusal, type TokenRefusal } from './request-faults/token-endpoint.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export type { TokenRefusal };

/** A request-level fault: interpreted by the front door before oidc-provider sees the request. */
export type RequestFault =
  /** GET /token is served as if its query had been POSTed. */
  | { kind: 'accept-get-on-token' }
  /** A token request that repeats a parameter is served with its first value. */
  | { kind: 'dedupe-token-parameters' }
  /** client_id and client_secret in a token request's query authenticate it. */
  | { kind: 'accept-query-credentials' }
  /** A token request with a JSON body is read as if it were form-encoded. */
  | { kind: 'accept-json-token-body' }
  /** Token endpoint refusals get another status (a 401 then loses its challenge), error code, or an HTML body. */
  | { kind: 'rewrite-token-refusal'; refusals: 'every' | readonly TokenRefusal[]; status?: number; error?: string; html?: true }
  /** Authorization responses that carry a code do not echo state. */
  | { kind: 'drop-state' }
  /** Authorization responses come as an HTML page (Refresh header, meta refresh, form_post form), not a redirect. */
  | { kind: 'redirect-back-as-page' }
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
  /** Every token request of this grant type that would get tokens is refused with this error code instead. */
  | { kind: 'refuse-grant'; grantType: string; error: string }
  /** A refresh token that was rotated keeps working: it stands for its newest successor. */
  | { kind: 'honour-rotated-refresh-tokens' }
  /** Refresh requests are served with the requested scopes the refresh token lacks left out. */
  | { kind: 'widen-refresh-scope' }
  /** Refresh responses to a request with a scope claim the refresh token's whole scope. */
  | { kind: 'claim-refresh-token-scope' }
  /** A refresh is served as the token owner's where its client authentication goes unchecked (see the laxities). */
  | { kind: 'refresh-as-token-owner'; laxity: RefreshClientLaxity }
  /** Revocation requests hinted as refresh tokens are answered 200 and revoke nothing. */
  | { kind: 'ignore-refresh-revocation' }
  /** The transport misbehaves: hangs, drips, floods, resets, or sends what is not what it says. */
  | HostileFault;

/**
 * Request-level faults: a layer in front of the provider that may rewrite, answer or replay requests before
 * oidc-provider sees them, or leave them unanswered. With no such fault it is the provider itself.
 */
export function frontDoor(faults: readonly RequestFault[], provider: Handler, clients: readonly ClientMetadata[], issue: Issue): Handler {
  if (faults.length === 0) return provider;
  const stages = faults.map((fault) => stage(fault, clients, issue));
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

// ---- The mechanism -----------------------------------------------------------------------------------------------

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

function send(res: ServerResponse, { status, headers, body, delivery }: FrontResponse): void {
  res.statusCode = status;
  // Node computes Content-Length for the body as finally sent.
  for (const [name, value] of Object.entries(headers)) if (name !== 'content-length' && value !== undefined) res.setHeader(name, value);
  if (delivery) deliver(res, body, delivery);
  else res.end(body);
}

// ---- Faults -------------------------------------------------------------------------------------------------------

/** The step that plays a fault; the steps themselves are in ./request-faults/. */
function stage(fault: RequestFault, clients: readonly ClientMetadata[], issue: Issue): Stage {
  const redirectUris = new Set(clients.flatMap((client) => client.redirect_uris));
  switch (fault.kind) {
    case 'accept-get-on-token':
      return acceptGetOnToken();
    case 'dedupe-token-parameters':
      return dedupeTokenParameters();
    case 'accept-query-credentials':
      return acceptQueryCredentials();
    case 'accept-json-token-body':
      return acceptJsonTokenBody();
    case 'rewrite-token-refusal':
      return rewriteTokenRefusal(fault);
    case 'drop-state':
      return dropState(redirectUris);
    case 'redirect-back-as-page':
      return redirectBackAsPage(redirectUris);
    case 'share-code-redemption':
      return shareCodeRedemption(fault.reuse);
    case 'intercept-code-replay':
      return interceptCodeReplay();
    case 'ignore-token-redirect-uri':
      return ignoreTokenRedirectUri();
    case 'prefix-match-redirect-uri':
      return prefixMatchRedirectUri(clients, redirectUris);
    case 'lax-pkce':
      return laxPkce(fault.accept, redirectUris);
    case 'refuse-grant':
      return refuseGrant(fault.grantType, fault.error);
    case 'honour-rotated-refresh-tokens':
      return honourRotatedRefreshTokens();
    case 'widen-refresh-scope':
      return widenRefreshScope();
    case 'claim-refresh-token-scope':
      return claimRefreshTokenScope();
    case 'refresh-as-token-owner':
      return refreshAsTokenOwner(clients, fault.laxity);
    case 'ignore-refresh-revocation':
      return ignoreRefreshRevocation();
    case 'hang':
    case 'overloaded':
    case 'replace-body':
    case 'drip':
    case 'pad-body':
    case 'gzip-bomb':
    case 'reset-connection':
    case 'inject-text':
    case 'echo-request':
    case 'wrap-body':
    case 'form-as-text':
    case 'echo-session-cookie':
    case 'disguise-credentials':
      return hostile(fault, issue);
  }
}
