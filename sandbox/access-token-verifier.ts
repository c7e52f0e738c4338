import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import type Provider from 'oidc-provider';

/** What the resource learns from a valid access token. */
export interface TokenGrant {
  sub: string;
  clientId: string;
  scopes: Set<string>;
}

/** Resolves a valid access token meant for `audience`, or undefined for any other string. */
export type AccessTokenVerifier = (token: string) => Promise<TokenGrant | undefined>;

export function createAccessTokenVerifier(
  { provider, publicJwks, audience }: { provider: Provider; publicJwks: JWK[]; audience: string },
): AccessTokenVerifier {
  const keys = createLocalJWKSet({ keys: publicJwks });

  async function verifyJwt(token: string): Promise<TokenGrant | undefined> {
    try {
      const { payload } = await jwtVerify(token, keys, { issuer: provider.issuer, audience, typ: 'at+jwt' });
      return { sub: String(payload.sub), clientId: String(payload.client_id), scopes: scopeSet(payload.scope) };
    } catch {
      return undefined;
    }
  }

  // Opaque tokens are looked up in the provider's store, as introspection does, so that revoked
  // and expired ones are refused.
  async function lookUpOpaque(token: string): Promise<TokenGrant | undefined> {
    const found = await provider.AccessToken.find(token);
    if (!found || ![found.aud].flat().includes(audience)) return undefined;
    return { sub: found.accountId ?? found.clientId, clientId: found.clientId, scopes: scopeSet(found.scope) };
  }

  return (token) => (token.split('.').length === 3 ? verifyJwt(token) : lookUpOpaque(token));
}

function scopeSet(scope: unknown): Set<string> {
  return new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
}
