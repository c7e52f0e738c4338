import { isObject } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { jwksAnswer, jwksDocument } from './evidence.js';
import { rfc } from '../spec.js';
import { fail, pass } from '../types.js';
import { schemaVerdict } from '../verdicts.js';

/** Members that hold private or symmetric key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

export const schema = defineCheck({
  id: 'jwks.schema',
  area: 'jwks',
  title: 'jwks_uri serves a JWK Set whose keys each have a kty',
  level: 'MUST',
  spec: [rfc(7517, '5'), rfc(7517, '4.1'), rfc(7517, '8.5')],
  scope: 'suite',
  gather: jwksAnswer,
  judge: ({ exchange, document, notJson }) =>
    document === undefined
      ? fail({
          rule: 'jwks_uri MUST serve a JWK Set as JSON (application/jwk-set+json)',
          expected: 'a JSON JWK Set',
          actual: `${exchange.response?.headers['content-type'] ?? 'no Content-Type'}, ${notJson ?? 'not JSON'}`,
        })
      : schemaVerdict({
          schema: 'jwks',
          value: document,
          rule: 'jwks_uri MUST serve a JWK Set: {"keys": [...]} where every key has "kty"',
          expected: 'a valid JWK Set',
          passed: 'a valid JWK Set',
        }),
});

export const noPrivateMembers = defineCheck({
  id: 'jwks.no-private-members',
  area: 'jwks',
  title: 'published keys carry no private or symmetric key material',
  level: 'MUST',
  spec: [rfc(7518, '6.3.2'), rfc(7518, '6.2.2'), rfc(7518, '6.4.1')],
  scope: 'suite',
  gather: jwksDocument,
  judge: ({ document }) => {
    const keys = isObject(document) && Array.isArray(document.keys) ? document.keys : [];
    const leaks = keys.flatMap((key, i) => {
      const members = isObject(key) ? PRIVATE_MEMBERS.filter((m) => m in key) : [];
      return members.length ? [`keys[${i}]${isObject(key) && typeof key.kid === 'string' ? ` (kid ${key.kid})` : ''}: ${members.join(', ')}`] : [];
    });
    return leaks.length === 0
      ? pass(`${keys.length} keys, public members only`)
      : fail({
          rule: 'a published JWK Set is public: private members (d of an EC key; d, p, q, dp, dq, qi, oth of an RSA key; k of a symmetric key) give away the signing key',
          expected: 'public key members only',
          actual: leaks.join('; '),
        });
  },
});

export const uniqueKid = defineCheck({
  id: 'jwks.unique-kid',
  area: 'jwks',
  title: 'different keys use distinct kid values',
  level: 'SHOULD',
  spec: [rfc(7517, '4.5')],
  scope: 'suite',
  gather: jwksDocument,
  judge: ({ document }) => {
    const kids = (isObject(document) && Array.isArray(document.keys) ? document.keys : []).flatMap((k) =>
      isObject(k) && typeof k.kid === 'string' ? [k.kid] : [],
    );
    const repeated = [...new Set(kids.filter((kid, i) => kids.indexOf(kid) !== i))];
    return repeated.length === 0
      ? pass(`${kids.length} distinct kid values`)
      : fail({
          rule: 'different keys within a JWK Set SHOULD use distinct kid values, or a verifier cannot tell which key signed',
          expected: 'distinct kid values',
          actual: `repeated: ${repeated.join(', ')}`,
        });
  },
});
