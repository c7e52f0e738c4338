import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A grant's DPoP key pair (RFC 9449 §4): its private half never leaves memory. */
export interface DpopKey {
  privateKey: CryptoKey;
  /** The public key as the proof's `jwk` header carries it. */
  jwk: JWK;
  /** Its JWK SHA-256 thumbprint (RFC 7638), what a bound token's `cnf.jkt` names (RFC 9449 §6.1). */
  thumbprint: string;
  /** The last DPoP-Nonce each server (by origin) gave, sent in later proofs to it (§8, §9). */
  nonces: Map<string, string>;
}

/** What a proof asserts (RFC 9449 §4.2). A probe overrides one member to break the rule it tests. */
export interface ProofClaims {
  htm: string;
  htu: string;
  /** The access token the request presents: the proof then carries `ath`, its SHA-256 hash. */
  accessToken?: string;
  nonce?: string;
  jti?: string;
  /** Seconds since the epoch; now by default. */
  iat?: number;
}

export async function newDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, thumbprint: await calculateJwkThumbprint(jwk), nonces: new Map() };
}

/** `ath`: base64url of the SHA-256 of the access token's ASCII (RFC 9449 §4.2). */
export function athOf(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

/** A DPoP proof JWT (RFC 9449 §4.2): typ dpop+jwt, the public key in `jwk`; htu without query or fragment. */
export function dpopProof(key: DpopKey, { htm, htu, accessToken, nonce, jti = randomUUID(), iat = Math.floor(Date.now() / 1000) }: ProofClaims): Promise<string> {
  const target = new URL(htu);
  target.search = '';
  target.hash = '';
  return new SignJWT({ jti, htm, htu: target.href, iat, ...(accessToken && { ath: athOf(accessToken) }), ...(nonce && { nonce }) })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk })
    .sign(key.privateKey);
}

