import { decodeJwt } from 'jose';
import type Provider from 'oidc-provider';

/**
 * oidc-provider keeps no record of the JWT access tokens it issues (the sandbox's client_credentials tokens), so its
 * revocation endpoint answers them unsupported_token_type. The sandbox revokes them all the same, as an authorization
 * server whose resources ask it about each token does: a JWT revoked by the client it was issued to (RFC 7009 §2.1)
 * is remembered, and the resource refuses it. Returns whether a token was revoked so.
 */
export function revocableJwts(provider: Provider): (token: string) => boolean {
  const revoked = new Set<string>();
  provider.use(async (ctx, next) => {
    await next();
    const token = ctx.oidc?.params?.token;
    if (ctx.oidc?.route !== 'revocation' || (ctx.body as { error?: unknown } | undefined)?.error !== 'unsupported_token_type' || typeof token !== 'string')
      return;
    // The client authenticated before its token was looked at; a token issued to another client is not its to revoke.
    if (clientOf(token) !== ctx.oidc.client?.clientId) return;
    revoked.add(token);
    ctx.status = 200;
    ctx.body = '';
  });
  return (token) => revoked.has(token);
}

function clientOf(token: string): unknown {
  try {
    return decodeJwt(token).client_id;
  } catch {
    return undefined;
  }
}
