import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, UnsecuredJWT, type JWK, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type Provider from 'oidc-provider';
import type { ResourceDeviation } from './faults.js';
import { issuedTokens } from './issued-tokens.js';

/** What the resource learns from a valid access token. */
export interface TokenGrant {
  sub: string;
  clientId: string;
  scopes: Set<string>;
  /** The thumbprint of the key a DPoP-bound token is bound to (RFC 9449 §6: cnf.jkt). */
  jkt?: string;
}

/** Resolves a valid access token meant for `audience`, or undefined for any other string. */
export type AccessTokenVerifier = (token: string) => Promise<TokenGrant | undefined>;

export interface VerifierOptions {
  provider: Provider;
  publicJwks: JWK[];
  audience: string;
  /** How the resource deviates; the verifier heeds the deviations about tokens. */
  deviations: ReadonlySet<ResourceDeviation>;
  /** Whether a JWT was revoked at the authorization server (jwt-revocation.ts). */
  revokedJwt: (token: string) => boolean;
}

/**
 * How the sandbox reads its JWT access tokens: verified against its keys, as RFC 9068 §4 says, except where a profile's
 * deviations make it lax about them; rejects what it does not accept.
 */
export function jwtReader({
  publicJwks,
  issuer,
  audience,
  deviations,
}: {
  publicJwks: JWK[];
  issuer: string;
  audience?: string;
  deviations: ReadonlySet<ResourceDeviation>;
}) {
  const keys = createLocalJWKSet({ keys: publicJwks });
  const claimRules: JWTVerifyOptions = {
    audience,
    issuer: deviations.has('ignore-jwt-issuer') ? undefined : issuer,
    typ: deviations.has('ignore-jwt-typ') ? undefined : 'at+jwt',
    requiredClaims: deviations.has('tolerate-missing-exp') ? [] : ['exp'],
    // jose always checks exp; a year's tolerance outlasts any sandbox.
    clockTolerance: deviations.has('accept-expired') ? '1 year' : 0,
  };
  return async (token: string): Promise<JWTPayload> => {
    if (deviations.has('ignore-jwt-signature')) return UnsecuredJWT.decode(unsigned(token), claimRules).payload;
    if (deviations.has('accept-alg-none') && decodeProtectedHeader(token).alg === 'none') return UnsecuredJWT.decode(token, claimRules).payload;
    return (await jwtVerify(token, keys, claimRules)).payload;
  };
}

export function createAccessTokenVerifier({ provider, publicJwks, audience, deviations, revokedJwt }: VerifierOptions): AccessTokenVerifier {
  const acceptExpired = deviations.has('accept-expired');
  const claimsOf = jwtReader({ publicJwks, issuer: provider.issuer, audience, deviations });

  async function verifyJwt(token: string): Promise<TokenGrant | undefined> {
    if (revokedJwt(token) && !deviations.has('miss-revocations')) return undefined;
    try {
      const payload = await claimsOf(token);
      const cnf = payload.cnf as { jkt?: unknown } | undefined;
      return { sub: String(payload.sub), clientId: String(payload.client_id), scopes: scopeSet(payload.scope), ...boundTo(cnf?.jkt) };
    } catch {
      return undefined;
    }
  }

  // Opaque tokens are looked up in the provider's store, as introspection does, so that revoked and expired ones
  // are refused. A resource that misses revocations or ignores expiry has its own copy of the tokens instead.
  const copy =
    acceptExpired || deviations.has('miss-revocations') ? issuedTokens(provider, { missRevocations: deviations.has('miss-revocations') }) : undefined;
  async function lookUpOpaque(token: string): Promise<TokenGrant | undefined> {
    const found = copy ? copy(token) : await provider.AccessToken.find(token);
    if (!found || (found.isExpired && !acceptExpired) || ![found.aud].flat().includes(audience)) return undefined;
    return { sub: found.accountId ?? found.clientId, clientId: found.clientId, scopes: scopeSet(found.scope), ...boundTo(found.jkt) };
  }

  return (token) => (token.split('.').length === 3 ? verifyJwt(token) : lookUpOpaque(token));
}

// jose checks the claims of a JWT without verifying a signature only for unsecured JWTs, so it is relabelled as one.
function unsigned(token: string): string {
  const [, payload] = token.split('.');
  const header = Buffer.from(JSON.stringify({ ...decodeProtectedHeader(token), alg: 'none' })).toString('base64url');
  return `${header}.${payload}.`;
}

function scopeSet(scope: unknown): Set<string> {
  return new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
}

function boundTo(jkt: unknown): { jkt?: string } {
  return typeof jkt === 'string' ? { jkt } : {};
}
