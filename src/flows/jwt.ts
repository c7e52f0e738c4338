import { createHash } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload, type JWTVerifyGetKey, type ProtectedHeaderParameters } from 'jose';

/** A JWT as a report may show it: header and claims (never the signature) and whether the signature verified. */
export interface DecodedJwt {
  header: ProtectedHeaderParameters;
  claims: JWTPayload;
  /** 'valid', or why verification against the JWKS failed. */
  signature: string;
}

export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

/** A JWT's claims without verifying it, or undefined when it does not decode. */
export function claimsOf(token: string): JWTPayload | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/** A JWT's header and claims without verifying it, or undefined when the token is not a JWT. */
export function decodeUnverified(token: string): Omit<DecodedJwt, 'signature'> | undefined {
  if (!looksLikeJwt(token)) return undefined;
  try {
    return { header: decodeProtectedHeader(token), claims: decodeJwt(token) };
  } catch {
    return undefined;
  }
}

/** Decodes a JWT and verifies its signature with the issuer's keys; undefined when the token is not a JWT. */
export async function decodeAndVerify(token: string, keys: JWTVerifyGetKey): Promise<DecodedJwt | undefined> {
  const decoded = decodeUnverified(token);
  if (!decoded) return undefined;
  const { header, claims } = decoded;
  try {
    await compactVerify(token, keys);
    return { header, claims, signature: 'valid' };
  } catch (error) {
    return { header, claims, signature: (error as Error).message };
  }
}

/** OIDC Core §3.1.3.6: the left half of the hash of the access token, with the hash of the ID token's alg. */
export function accessTokenHash(accessToken: string, alg: string | undefined): string | undefined {
  const bits = alg === 'EdDSA' ? '512' : /(\d{3})$/.exec(alg ?? '')?.[1];
  if (!bits || !['256', '384', '512'].includes(bits)) return undefined;
  const digest = createHash(`sha${bits}`).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
