import type { RequestListener } from 'node:http';
import type { ClientMetadata } from 'oidc-provider';
import { hostile, type HostileFault, type Issue } from './hostile.js';
import { dispatch, readRequest, send, type Forward, type Stage } from './http-data.js';
import {
  dropState,
  ignoreTokenRedirectUri,
  redirectBackAsPage,
  interceptCodeReplay,
  laxPkce,
  prefixMatchRedirectUri,
  shareCodeRedemption,
} from './request-faults/authorization-code.js';
import {
  editAssertionTokenResponse,
  ignoreAssertionType,
  issuerAudienceOnly,
  launderAssertion,
  type AssertionDefect,
  type AssertionSigner,
} from './request-faults/client-assertions.js';
import type { MemberEdit } from './member-edits.js';
import { laxDpopProof, type ProofLaxity } from './request-faults/dpop-proofs.js';
import { INTROSPECTION, REVOCATION, tokenError } from './request-faults/messages.js';
import { authenticatePushes, reusableRequestUri } from './request-faults/par.js';
import {
  claimRefreshTokenScope,
  honourRotatedRefreshTokens,
  ignoreRefreshRevocation,
  refreshAsTokenOwner,
  widenRefreshScope,
  type RefreshClientLaxity,
} from './request-faults/refresh-tokens.js';
import {
  introspectAsActive,
  lenientUserinfo,
  refuseUnknownTokenRevocation,
  serveUnauthenticated,
  type InactiveTaken,
} from './request-faults/token-management.js';
import {
  acceptGetOnToken,
  acceptJsonTokenBody,
  acceptQueryCredentials,
  dedupeTokenParameters,
  refuseGrant,
  rewriteTokenRefusal,
  type TokenRefusal,
} from './request-faults/token-endpoint.js';

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
  /**
   * Token endpoint refusals get another status (a 401 then loses its challenge), error code, or an HTML body; with
   * `assertion`, only those of requests that authenticate by a client assertion.
   */
  | { kind: 'rewrite-token-refusal'; refusals: 'every' | readonly TokenRefusal[]; assertion?: true; status?: number; error?: string; html?: true }
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
  /** Client assertions with this defect (and no other) are re-signed mended before the provider sees them. */
  | { kind: 'launder-assertion'; defect: AssertionDefect }
  /** Client assertions are refused unless their aud names the issuer: the token endpoint URL does not do. */
  | { kind: 'issuer-audience-only' }
  /** client_assertion_type is not read: any value is taken as RFC 7523's jwt-bearer. */
  | { kind: 'ignore-assertion-type' }
  /** Token responses to requests that authenticate by a client assertion have these members changed. */
  | { kind: 'edit-assertion-token-response'; edits: MemberEdit[] }
  /** The token endpoint does not check this claim of a DPoP proof (RFC 9449 §4.3). */
  | { kind: 'lax-dpop-proof'; laxity: ProofLaxity }
  /** A request_uri (RFC 9126) keeps working after its first use. */
  | { kind: 'reusable-request-uri' }
  /** A push without client authentication is served as if the client had authenticated. */
  | { kind: 'authenticate-pushes' }
  /** Revocation or introspection requests naming a client without its credentials are served as that client's. */
  | { kind: 'serve-unauthenticated'; endpoint: 'revocation' | 'introspection' }
  /** Revoking a token that is not active is refused with invalid_request. */
  | { kind: 'refuse-unknown-token-revocation' }
  /** Introspection answers these inactive tokens as active. */
  | { kind: 'introspect-as-active'; tokens: InactiveTaken }
  /** The UserInfo Endpoint answers claims without a token, or for a client_credentials (JWT) token. */
  | { kind: 'lenient-userinfo'; accepts: 'no-token' | 'machine-token' }
  /** The transport misbehaves: hangs, drips, floods, resets, or sends what is not what it says. */
  | HostileFault;

/**
 * Request-level faults: a layer in front of the provider that may rewrite, answer or replay requests before
 * oidc-provider sees them, or leave them unanswered. With no such fault it is the provider itself.
 */
export function frontDoor(
  faults: readonly RequestFault[],
  provider: RequestListener,
  clients: readonly ClientMetadata[],
  issue: Issue,
  signers: ReadonlyMap<string, AssertionSigner> = new Map(),
): RequestListener {
  if (faults.length === 0) return provider;
  const stages = faults.map((fault) => stage(fault, clients, issue, signers));
  return (req, res) => {
    // The provider answers each request as one on the connection it came by.
    const toProvider: Forward = (forwarded) => dispatch(provider, req, forwarded);
    const chain = stages.reduceRight<Forward>((next, current) => (forwarded) => current(forwarded, next), toProvider);
    void readRequest(req, `http://${req.headers.host ?? 'localhost'}`)
      .then(chain)
      .catch((error: unknown) => tokenError(500, 'server_error', String(error)))
      .then((response) => send(res, response));
  };
}

// ---- Faults -------------------------------------------------------------------------------------------------------

/** The step that plays a fault; the steps themselves are in ./request-faults/. */
function stage(fault: RequestFault, clients: readonly ClientMetadata[], issue: Issue, signers: ReadonlyMap<string, AssertionSigner>): Stage {
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
    case 'launder-assertion':
      return launderAssertion(fault.defect, signers);
    case 'issuer-audience-only':
      return issuerAudienceOnly();
    case 'ignore-assertion-type':
      return ignoreAssertionType();
    case 'edit-assertion-token-response':
      return editAssertionTokenResponse(fault.edits);
    case 'lax-dpop-proof':
      return laxDpopProof(fault.laxity);
    case 'reusable-request-uri':
      return reusableRequestUri();
    case 'authenticate-pushes':
      return authenticatePushes(clients);
    case 'serve-unauthenticated':
      return serveUnauthenticated(fault.endpoint === 'revocation' ? REVOCATION : INTROSPECTION, clients);
    case 'refuse-unknown-token-revocation':
      return refuseUnknownTokenRevocation();
    case 'introspect-as-active':
      return introspectAsActive(fault.tokens);
    case 'lenient-userinfo':
      return lenientUserinfo(fault.accepts);
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
