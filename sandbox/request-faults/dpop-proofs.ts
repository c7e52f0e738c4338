import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Stage } from '../http-data.js';
import { TOKEN } from './messages.js';

/** A claim of a DPoP proof (RFC 9449 §4.3) the token endpoint does not check. */
export type ProofLaxity = 'htm' | 'htu' | 'iat';

/** Seconds a proof's iat may be off before it counts as stale here: well inside the provider's own window. */
const FRESH_SECONDS = 60;

/**
 * The token endpoint takes a DPoP proof whatever its htm, htu or iat says: a proof off in that claim is replaced,
 * before the provider sees it, by one that is right in it, signed with a key of the front door's (the token is then
 * bound to that key, which only the probe that sent the flawed proof ever sees).
 */
export function laxDpopProof(laxity: ProofLaxity): Stage {
  return async (request, next) => {
    const proof = request.headers.dpop;
    if (request.url.pathname !== TOKEN || typeof proof !== 'string') return next(request);
    const claims = decodeJwt(proof);
    const now = Math.floor(Date.now() / 1000);
    const right = { htm: request.method, htu: `${request.url.origin}${request.url.pathname}`, iat: now }[laxity];
    const off = laxity === 'iat' ? Math.abs(now - Number(claims.iat)) > FRESH_SECONDS : claims[laxity] !== right;
    if (!off) return next(request);
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const remade = await new SignJWT({ ...claims, [laxity]: right })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: await exportJWK(publicKey) })
      .sign(privateKey);
    return next({ ...request, headers: { ...request.headers, dpop: remade } });
  };
}
