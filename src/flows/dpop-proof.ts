import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { renewed, type HttpRequest, type HttpResult } from '../http/request.js';

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
export function dpopProof(
  key: DpopKey,
  { htm, htu, accessToken, nonce, jti = randomUUID(), iat = Math.floor(Date.now() / 1000) }: ProofClaims,
): Promise<string> {
  const target = new URL(htu);
  target.search = '';
  target.hash = '';
  return new SignJWT({ jti, htm, htu: target.href, iat, ...(accessToken && { ath: athOf(accessToken) }), ...(nonce && { nonce }) })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk })
    .sign(key.privateKey);
}

/**
 * Sends a request with a DPoP proof for its method and URL (and the token it presents). A server that asks for a
 * nonce (RFC 9449 §8: 400 use_dpop_nonce; §9: 401 with error="use_dpop_nonce") gets the request once more, its
 * proof carrying the nonce from the DPoP-Nonce header. `claims` override the proof's (a probe's wrong htm).
 * `nonce` and `jti`: what the last proof sent carried.
 */
export async function sendWithProof(
  run: { send(request: HttpRequest): Promise<HttpResult> },
  key: DpopKey,
  request: HttpRequest,
  claims: Partial<ProofClaims> = {},
): Promise<HttpResult & { nonce?: string; jti: string }> {
  const origin = new URL(request.url).origin;
  let sent: string | undefined;
  let jti = '';
  // Each sending carries a new proof (its jti is single use, RFC 9449 §11.1) with the server's latest nonce, on the
  // request renewed as well (a new client assertion).
  const proven = async (base: HttpRequest): Promise<HttpRequest> => {
    sent = claims.nonce ?? key.nonces.get(origin);
    jti = claims.jti ?? randomUUID();
    const proof = await dpopProof(key, { htm: base.method, htu: base.url, ...claims, nonce: sent, jti });
    return { ...base, headers: { ...base.headers, dpop: proof }, secrets: [...(base.secrets ?? []), proof], renew: async () => proven(await renewed(base)) };
  };
  const attempt = async (base: HttpRequest) => {
    const result = await run.send(await proven(base));
    const nonce = result.response?.headers['dpop-nonce'];
    if (nonce) key.nonces.set(origin, nonce);
    return result;
  };
  const first = await attempt(request);
  const result = nonceRequested(first) && claims.nonce === undefined ? await attempt(await renewed(request)) : first;
  return { ...result, nonce: sent, jti };
}

/** Whether the answer asks for a (new) nonce: RFC 9449 §8 at the authorization server, §9 at a resource. */
export function nonceRequested({ response }: HttpResult): boolean {
  if (!response?.headers['dpop-nonce']) return false;
  if (response.status === 401) return /error\s*=\s*"?use_dpop_nonce"?/i.test(response.headers['www-authenticate'] ?? '');
  if (response.status !== 400) return false;
  try {
    return (JSON.parse(response.body) as { error?: unknown }).error === 'use_dpop_nonce';
  } catch {
    return false;
  }
}
