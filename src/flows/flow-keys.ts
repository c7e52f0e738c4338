import type { JWTVerifyGetKey } from 'jose';
import type { Exchange } from '../http/exchange.js';
import type { HttpResult } from '../http/request.js';
import type { Authorization } from './authorization-code.js';
import type { DpopKey } from './dpop-proof.js';
import type { SecretMethod } from './client-auth.js';
import type { FlowKey } from './memo.js';
import type { Pushed } from './par.js';
import type { Tampering } from './tampered-jwt.js';
import type { TokenResult } from './token.js';

/**
 * The key of every memoised flow, with the type of its result: a check, a probe and a snapshot that read one flow
 * name it the same way, and a flow renamed is renamed for all of them.
 */

/**
 * How a resource is called: RFC 6750 §2.1 header, lower-case scheme, a garbage token, a narrower token, §2.3 query,
 * none, or the grant's JWT tampered with (RFC 9068 §4).
 */
export type ResourceProbe = 'bearer' | 'lowercase' | 'invalid' | 'insufficient' | 'query' | 'none' | Tampering;

/** Requests a conforming token endpoint must refuse (RFC 6749 §2.3.1, §3.1, §3.2, §5.2), and their control. */
export const TOKEN_ENDPOINT_PROBES = [
  'wrong-secret-basic',
  'wrong-secret-post',
  'unknown-grant-type',
  'missing-grant-type',
  'duplicate-parameter',
  'get',
  'credentials-in-query',
  'json-body',
  /** client_credentials with a scope no server defines, by a client_credentials grant's client. */
  'unknown-scope',
  /** client_credentials by a client the suite uses only for authorization_code. */
  'grant-type-not-allowed',
  /** The probes' control: the same client, authenticated right, asking for client_credentials. */
  'control',
] as const;
export type TokenEndpointProbe = (typeof TOKEN_ENDPOINT_PROBES)[number];

/**
 * Client assertions a conforming server refuses (RFC 7523 §3, OIDC Core §9), each with one defect; and one it accepts
 * as well as the usual: the issuer as aud instead of the token endpoint URL.
 */
export type AssertionProbe = 'wrong-signature' | 'expired' | 'wrong-audience' | 'issuer-not-subject' | 'alg-none' | 'issuer-audience';

/** Proofs that break one rule of RFC 9449 §4.3 at the token endpoint (§11.1 for the replay). */
export type ProofFlaw = 'wrong-htm' | 'wrong-htu' | 'stale-iat' | 'replayed-jti';

/** A DPoP-bound token presented wrongly: as a bearer token (RFC 9449 §7.2), or as DPoP without a proof (§7.1). */
export type Presentation = 'as-bearer' | 'without-proof';

/** A refresh by someone the refresh token was not issued to, and what came of it. */
export interface ForeignRefresh {
  /** Who presented it and how, e.g. "client second, client_secret_post". */
  presenter: string;
  /** How it authenticated: with a wrong secret, or as another client of the suite; and by which method. */
  wrongSecret: boolean;
  method: SecretMethod;
  refreshed: TokenResult;
}

/**
 * What introspection is asked about (RFC 7662 §2.1): the grant's own token, a revoked one, a made-up one, one whose
 * expires_in has passed (--long), and the grant's own token without the client's credentials.
 */
export type IntrospectionProbe = 'active' | 'revoked' | 'invalid' | 'expired' | 'unauthenticated';

/** An introspection request and the token response of the token it asked about, if any. */
export interface Introspected {
  introspection: HttpResult;
  token?: TokenResult;
  /** The expired probe: the same token introspected before it expired, and the seconds waited after it was issued. */
  before?: HttpResult;
  waited?: number;
}

export interface Refreshed {
  original: TokenResult;
  refreshed: TokenResult;
}

const key = <T>(name: string) => name as FlowKey<T>;

export const FLOWS = {
  discovery: key<HttpResult>('discovery'),
  smart: key<HttpResult>('smart'),
  jwks: key<HttpResult>('jwks'),
  keySet: key<JWTVerifyGetKey>('keyset'),
  /** The grant as the suite declares it: the token every other check on this grant reads. */
  token: (grant: string) => key<TokenResult & { authorization?: Authorization }>(`token:${grant}`),
  resource: (resource: string, probe: ResourceProbe) => key<HttpResult & { presented?: TokenResult }>(`resource:${resource}:${probe}`),
  resourceHeaders: (resource: string, method: 'GET' | 'POST') => key<HttpResult>(`resource:${resource}:headers:${method}`),
  tokenEndpointProbe: (probe: TokenEndpointProbe) => key<HttpResult>(`token-endpoint:${probe}`),
  /** The grant's DPoP key pair (RFC 9449), one per grant for all its requests. */
  dpopKey: (grant: string) => key<DpopKey>(`dpop-key:${grant}`),

  // dpop
  dpopProofProbe: (grant: string, flaw: ProofFlaw) => key<{ exchanges: Exchange[]; result: TokenResult }>(`dpop-proof:${grant}:${flaw}`),
  dpopPresentation: (resource: string, how: Presentation) => key<HttpResult>(`dpop-presentation:${resource}:${how}`),

  // authorization-code and pkce
  codeReplay: (grant: string) => key<{ first: TokenResult; second: TokenResult; after?: HttpResult }>(`code-replay:${grant}`),
  codeRace: (grant: string) => key<TokenResult[]>(`code-race:${grant}`),
  redirectMismatchAtToken: (grant: string) => key<TokenResult>(`redirect-mismatch-token:${grant}`),
  redirectMismatchAtAuthorize: (grant: string) => key<{ authorization: Authorization; redirectUri: string }>(`redirect-mismatch-authorize:${grant}`),
  verifier: (grant: string, kind: 'wrong' | 'missing') => key<TokenResult>(`verifier-${kind}:${grant}`),
  withoutPkce: (grant: string) => key<{ authorization: Authorization; token?: TokenResult }>(`without-pkce:${grant}`),

  // refresh
  refresh: (grant: string) => key<Refreshed>(`refresh:${grant}`),
  refreshReplay: (grant: string) => key<Refreshed & { replay: TokenResult }>(`refresh-replay:${grant}`),
  refreshScope: (grant: string, kind: 'wider' | 'narrower') => key<Refreshed & { requested: string }>(`refresh-${kind}:${grant}`),
  withoutRefreshScope: (grant: string) => key<{ scope: string; token: TokenResult }>(`without-refresh-scope:${grant}`),
  refreshByOtherClients: (grant: string) => key<ForeignRefresh[]>(`refresh-other-client:${grant}`),
  refreshBy: (grant: string, presenter: string) => key<ForeignRefresh>(`refresh-by:${grant}:${presenter}`),

  // client-auth
  assertionProbe: (grant: string, probe: AssertionProbe) => key<TokenResult>(`assertion:${grant}:${probe}`),
  /** SMART Backend Services requests a server refuses: an unknown grant_type, an unknown client_assertion_type. */
  smartProbe: (grant: string, probe: 'grant-type' | 'assertion-type') => key<TokenResult>(`smart:${grant}:${probe}`),
  assertionReplay: (grant: string) => key<{ first: TokenResult; replay: TokenResult }>(`assertion-replay:${grant}`),

  // revocation
  refreshAfterRevocation: (grant: string) => key<{ revocation: HttpResult; refreshed: TokenResult }>(`refresh-revoked:${grant}`),
  /** A fresh access token of the grant, revoked by its client: what the resource and introspection are then asked about. */
  revokedAccessToken: (grant: string) => key<{ token: TokenResult & { accessToken: string }; revocation: HttpResult }>(`access-token-revoked:${grant}`),
  resourceAfterRevocation: (resource: string) => key<{ revocation: HttpResult; after: HttpResult }>(`access-revoked:${resource}`),
  revocationOfUnknownToken: (grant: string) => key<HttpResult>(`revocation-unknown:${grant}`),
  revocationWithoutClientAuth: (grant: string) => key<{ probe: HttpResult; control: HttpResult }>(`revocation-unauthenticated:${grant}`),

  // introspection
  introspection: (grant: string, probe: IntrospectionProbe) => key<Introspected>(`introspection:${grant}:${probe}`),

  // userinfo
  userinfoToken: (grant: string) => key<TokenResult>(`userinfo-token:${grant}`),
  userinfo: (grant: string, probe: 'user' | 'none' | 'machine') => key<HttpResult>(`userinfo:${grant}:${probe}`),

  // par (RFC 9126)
  pushedAuthorization: (grant: string) => key<Authorization>(`par:${grant}`),
  requestUriReuse: (grant: string) => key<{ first: Authorization; again: Authorization }>(`par-reuse:${grant}`),
  requestUriExpired: (grant: string) => key<{ pushed: Authorization; waited: number; after: Authorization }>(`par-expired:${grant}`),
  withoutPar: (grant: string) => key<Authorization>(`par-without:${grant}`),
  unauthenticatedPush: (grant: string) => key<Pushed>(`par-unauthenticated:${grant}`),

  // mutual TLS (RFC 8705): the client's request made over a connection without its certificate
  withoutCertificate: (grant: string) => key<{ control: TokenResult; probe: TokenResult }>(`token-without-certificate:${grant}`),
  resourceWithoutCertificate: (resource: string) => key<HttpResult>(`resource-without-certificate:${resource}`),

  // lifetime (--long)
  afterAccessTokenExpiry: (resource: string) => key<{ token: TokenResult; waited: number; after: HttpResult }>(`expired:${resource}`),
  afterCodeExpiry: (grant: string) => key<{ lifetime: number; token: TokenResult }>(`code-expired:${grant}`),
};
