import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { rsaKeyPair } from './rsa-key.js';

// RS256 is the algorithm OpenID Connect requires providers to support; ES256 is offered alongside.
const ALGORITHMS = ['RS256', 'ES256'] as const;

export interface SigningKeys {
  /** The provider's keystore: full private JWKs. */
  privateJwks: JWK[];
  /** The same keys as published in the JWKS. */
  publicJwks: JWK[];
}

/** Signing keys for one sandbox start: a fresh EC key, and the process's RSA key (rsa-key.ts: RSA costs the time). */
export async function generateSigningKeys(): Promise<SigningKeys> {
  const pairs = await Promise.all(
    ALGORITHMS.map(async (alg) => {
      const { publicKey, privateKey } = alg === 'RS256' ? await rsaKeyPair() : await generateKeyPair(alg, { extractable: true });
      const publicJwk = await exportJWK(publicKey);
      const labels = { kid: await calculateJwkThumbprint(publicJwk), alg, use: 'sig' };
      return { privateJwk: { ...(await exportJWK(privateKey)), ...labels }, publicJwk: { ...publicJwk, ...labels } };
    }),
  );
  return {
    privateJwks: pairs.map((pair) => pair.privateJwk),
    publicJwks: pairs.map((pair) => pair.publicJwk),
  };
}
