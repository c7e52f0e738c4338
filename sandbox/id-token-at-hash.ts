import { createHash } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import type { Middleware } from 'oidc-provider';
import { isJwt, resignJwt } from './jwt-rewrite.js';
import type { SigningKeys } from './signing-keys.js';

/**
 * oidc-provider leaves at_hash out of ID Tokens from the token endpoint (OpenID Connect Core §3.1.3.6 makes it
 * OPTIONAL there); the sandbox adds it, re-signing with the same key, so that clients' at_hash validation is exercised.
 */
export function idTokenAtHash(keys: SigningKeys): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'token' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown>;
    const { id_token: idToken, access_token: accessToken } = body;
    if (!isJwt(idToken) || typeof accessToken !== 'string') return;
    const value = accessTokenHash(accessToken, String(decodeProtectedHeader(idToken).alg));
    ctx.body = { ...body, id_token: await resignJwt(idToken, keys, { claims: [{ op: 'set', member: 'at_hash', value }] }) };
  };
}

/** §3.2.2.9: the left half of the access token's hash, with the hash function of the ID Token's alg. */
function accessTokenHash(accessToken: string, alg: string): string {
  const bits = /(256|384|512)$/.exec(alg)?.[1];
  if (!bits) throw new Error(`no at_hash hash function for alg ${alg}`);
  const digest = createHash(`sha${bits}`).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
