import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';

/** How long a proof is taken after its iat (either way), and how long its jti is remembered: RFC 9449 §11.1. */
const WINDOW_SECONDS = 300;
const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA'];

/** What the resource knows of a request presenting a DPoP-bound token. */
export interface Presented {
  proof: string | undefined;
  method: string;
  token: string;
  /** The thumbprint the token is bound to (cnf.jkt, RFC 9449 §6), if it names one. */
  jkt?: string;
}

/** Why a DPoP proof does not prove possession for this request (RFC 9449 §4.3, §7.1), or undefined when it does. */
export type DpopVerifier = (presented: Presented) => Promise<string | undefined>;

/** Verifies proofs for the resource at `url`, remembering each jti while its proof would be accepted. */
export function createDpopVerifier(url: string): DpopVerifier {
  const seen = new Map<string, number>();
  return async ({ proof, method, token, jkt }) => {
    if (!proof) return 'a DPoP proof is required with a DPoP-bound token';
    let payload: Record<string, unknown>;
    let jwk: JWK | undefined;
    try {
      ({
        payload,
        protectedHeader: { jwk },
      } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ALGORITHMS }));
    } catch (error) {
      return `the DPoP proof does not verify: ${String(error)}`;
    }
    const now = Math.floor(Date.now() / 1000);
    if (payload.htm !== method) return 'the DPoP proof was made for another method (htm)';
    if (typeof payload.htu !== 'string' || withoutQuery(payload.htu) !== withoutQuery(url)) return 'the DPoP proof was made for another URI (htu)';
    if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > WINDOW_SECONDS) return 'the DPoP proof is not recent (iat)';
    if (payload.ath !== createHash('sha256').update(token, 'ascii').digest('base64url')) return 'the DPoP proof is for another access token (ath)';
    if (jkt && (!jwk || (await calculateJwkThumbprint(jwk)) !== jkt)) return 'the DPoP proof key is not the one the token is bound to';
    if (typeof payload.jti !== 'string' || !payload.jti) return 'the DPoP proof has no jti';
    for (const [jti, until] of seen) if (until < now) seen.delete(jti);
    if (seen.has(payload.jti)) return 'the DPoP proof was used before (jti)';
    seen.set(payload.jti, now + 2 * WINDOW_SECONDS);
    return undefined;
  };
}

function withoutQuery(uri: string): string | undefined {
  const parsed = URL.parse(uri);
  if (!parsed) return undefined;
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}
