import { addSecret } from '../secrets.js';
import { NotApplicable } from './blocked.js';
import { decodeUnverified } from './jwt.js';

/**
 * What a resource server must refuse of a JWT access token (RFC 9068 §4, RFC 8725 §3.1): its signature altered, its
 * claims altered under the original signature, and the same claims re-encoded as unsecured (`alg: none`).
 */
export const TAMPERINGS = ['tampered-signature', 'tampered-claims', 'alg-none'] as const;
export type Tampering = (typeof TAMPERINGS)[number];

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The access token tampered with one way; not applicable when it is opaque (there is no signature to alter). */
export function tamper(token: string, how: Tampering): string {
  const decoded = decodeUnverified(token);
  if (!decoded) throw new NotApplicable('the access token is opaque, not a JWT');
  const [header, payload, signature = ''] = token.split('.');
  // With the claims a report may show decoded, the original signature is the token: it must never be shown alone.
  addSecret(signature);
  switch (how) {
    case 'tampered-signature': {
      const bytes = Buffer.from(signature, 'base64url');
      bytes[bytes.length - 1]! ^= 0xff;
      return `${header}.${payload}.${bytes.toString('base64url')}`;
    }
    case 'tampered-claims':
      // Another subject: what an attacker holding one token would claim to be.
      return `${header}.${encode({ ...decoded.claims, sub: `${decoded.claims.sub ?? ''}-tampered` })}.${signature}`;
    case 'alg-none':
      return `${encode({ ...decoded.header, alg: 'none' })}.${payload}.`;
  }
}
