import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

// RS256 is the algorithm OpenID Connect requires providers to support; ES256 is offered alongside.
const ALGORITHMS = ['RS256', 'ES256'] as const;

export interface SigningKeys {
  /** The provider's keystore: full private JWKs. */
  privateJwks: JWK[];
  /** The same keys as published in the JWKS. */
  publicJwks: JWK[];
}

/** Fresh signing keys for one sandbox start, generated concurrently (RSA dominates the cost). */
export async function generateSigningKeys(): Promise<SigningKeys> {
  const pairs = await Promise.all(
    ALGORITHMS.map(async (alg) => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
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
