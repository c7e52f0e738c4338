import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWTHeaderParameters } from 'jose';
import { applyEdits, type MemberEdit } from './member-edits.js';
import type { SigningKeys } from './signing-keys.js';

export interface JwtEdits {
  header?: readonly MemberEdit[];
  claims?: readonly MemberEdit[];
}

export function isJwt(value: unknown): value is string {
  return typeof value === 'string' && value.split('.').length === 3;
}

/** The JWT with its header and claims edited, signed again with the provider's key that signed it (same kid). */
export async function resignJwt(jwt: string, keys: SigningKeys, { header = [], claims = [] }: JwtEdits): Promise<string> {
  const original = decodeProtectedHeader(jwt);
  const key = keys.privateJwks.find((candidate) => candidate.kid === original.kid);
  if (!key || !original.alg) throw new Error(`no signing key for kid ${String(original.kid)}`);
  const edited = applyEdits(original, header) as JWTHeaderParameters;
  return new SignJWT(applyEdits(decodeJwt(jwt), claims)).setProtectedHeader(edited).sign(await importJWK(key, original.alg));
}

/** The JWT with one bit of its signature flipped: well-formed, but no key verifies it. */
export function corruptSignature(jwt: string): string {
  const [header, payload, signature = ''] = jwt.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[0]! ^= 1;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}
