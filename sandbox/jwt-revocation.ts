import { decodeJwt, type JWTPayload } from 'jose';
import type Provider from 'oidc-provider';

/**
 * oidc-provider keeps no record of the JWT access tokens it issues (the sandbox's client_credentials tokens), so its
 * revocation and introspection endpoints answer them unsupported_token_type. The sandbox revokes and introspects them
 * all the same, as an authorization server whose resources ask it about each token does: a JWT revoked by the client
 * it was issued to (RFC 7009 §2.1) is remembered, and the resource refuses it; introspection (RFC 7662 §2.2) says a
 * JWT is active while `read` takes it (as the resource reads it) until it expires or is revoked. Returns whether a
 * token was revoked so.
 */
export function revocableJwts(provider: Provider, read: (token: string) => Promise<JWTPayload>): (token: string) => boolean {
  const revoked = new Set<string>();
  provider.use(async (ctx, next) => {
    await next();
    const token = ctx.oidc?.params?.token;
    const route = ctx.oidc?.route;
    if ((ctx.body as { error?: unknown } | undefined)?.error !== 'unsupported_token_type' || typeof token !== 'string') return;
    if (route === 'introspection') {
      ctx.status = 200;
      ctx.body = revoked.has(token) ? { active: false } : await introspection(token, read, provider.issuer);
    } else if (route === 'revocation') {
      // The client authenticated before its token was looked at; a token issued to another client is not its to revoke.
      if (clientOf(token) !== ctx.oidc?.client?.clientId) return;
      revoked.add(token);
      ctx.status = 200;
      ctx.body = '';
    }
  });
  return (token) => revoked.has(token);
}

/** RFC 7662 §2.2: the JWT's claims, active while it is read as valid; active false for anything else. */
async function introspection(token: string, read: (token: string) => Promise<JWTPayload>, issuer: string): Promise<Record<string, unknown>> {
  try {
    const payload = await read(token);
    const { client_id, scope, exp, iat, sub, aud, jti } = payload;
    return { active: true, client_id, scope, exp, iat, sub, aud, iss: issuer, jti, token_type: 'Bearer' };
  } catch {
    return { active: false };
  }
}

function clientOf(token: string): unknown {
  try {
    return decodeJwt(token).client_id;
  } catch {
    return undefined;
  }
}
