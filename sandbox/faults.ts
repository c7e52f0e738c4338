import type { MemberEdit } from './member-edits.js';

/** Authorization server endpoints a fault can target: oidc-provider route names, and the SMART configuration. */
export type Endpoint = 'discovery' | 'jwks' | 'token' | 'introspection' | 'userinfo' | 'smart-configuration' | 'pushed_authorization_request';

/** The successful responses an endpoint fault touches. */
interface Target {
  endpoint: Endpoint;
  /** Only token responses to this grant type; all by default. */
  grantType?: string;
}

/** How the protected resource deviates from RFC 6750 and RFC 9068. */
export type ResourceDeviation =
  /** Every token that would be accepted is refused as invalid_token. */
  | 'refuse-tokens'
  /** A request without a token gets 401 without WWW-Authenticate. */
  | 'omit-challenge'
  /** An invalid token gets a challenge without the error attribute. */
  | 'omit-error-code'
  /** A token lacking the scope gets 401 invalid_token instead of 403 insufficient_scope. */
  | 'scope-as-invalid-token'
  /** Only the exact spelling "Bearer" is taken as the scheme. */
  | 'case-sensitive-scheme'
  /** The RFC 6750 §2.3 access_token query parameter is accepted. */
  | 'accept-query-token'
  /** JWTs are read without verifying their signature (any alg, "none" included). */
  | 'ignore-jwt-signature'
  /** Signed JWTs are verified, but an unsecured one (alg "none") is taken as it is. */
  | 'accept-alg-none'
  | 'ignore-jwt-issuer'
  | 'ignore-jwt-typ'
  /** A JWT without exp is accepted. */
  | 'tolerate-missing-exp'
  /** Expired tokens are accepted. */
  | 'accept-expired'
  /** Tokens revoked one by one are still accepted (revoked grants are not). */
  | 'miss-revocations'
  /** An opaque token the provider never issued is accepted as if it carried every scope. */
  | 'accept-unissued-tokens'
  /** A DPoP-bound token presented as a bearer token is accepted (RFC 9449 §7.2). */
  | 'accept-dpop-as-bearer'
  /** A DPoP-bound token presented with the DPoP scheme but no proof is accepted (RFC 9449 §7.1). */
  | 'skip-dpop-proof';

/** One deliberate deviation from the specifications. Endpoint faults touch successful responses only. */
export type Fault =
  | (Target & { kind: 'replace-response'; status: number; body: Record<string, unknown> })
  /** Another success status, the body kept (a push answered 200 instead of RFC 9126's 201, say). */
  | (Target & { kind: 'set-status'; status: number })
  | (Target & { kind: 'set-header'; header: string; value: string })
  | (Target & { kind: 'remove-header'; header: string })
  | (Target & { kind: 'edit-body' } & MemberEdit)
  /** Re-signs the JWT in a body member, with the same key, after editing its header and claims. */
  | (Target & { kind: 'edit-jwt'; member: string; header?: MemberEdit[]; claims?: MemberEdit[] })
  | (Target & { kind: 'corrupt-jwt-signature'; member: string })
  /**
   * Sets a body member to `path` on a loopback HTTPS listener whose certificate is self-signed, which no client trusts;
   * or, when `trusted`, issued by a test CA whose certificate whoever starts the sandbox is handed to trust, as a
   * private CA's would be.
   */
  | (Target & { kind: 'tls-url'; member: string; path: string; trusted: boolean })
  /** In the JWKS, the key for `alg` takes the kid of the key for `kidOf`. */
  | { kind: 'share-kid'; alg: string; kidOf: string }
  | { kind: 'publish-private-keys' }
  /** Every response's Date header is off by this many seconds. */
  | { kind: 'skew-date'; seconds: number }
  | { kind: 'resource'; deviation: ResourceDeviation };

export function resourceDeviations(faults: readonly Fault[]): ReadonlySet<ResourceDeviation> {
  return new Set(faults.flatMap((fault) => (fault.kind === 'resource' ? [fault.deviation] : [])));
}

/** The TLS listener a profile's faults point to: none, or one whose certificate the client is told to trust or not. */
export function tlsListenerOf(faults: readonly Fault[]): { trusted: boolean } | undefined {
  return faults.find((fault) => fault.kind === 'tls-url');
}
