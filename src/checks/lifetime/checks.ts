import { NotApplicable } from '../../flows/blocked.js';
import { describeExchange } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { jwtAccessToken } from '../token-response/evidence.js';
import { clocks, tokenLifetime } from './evidence.js';
import { afterAccessTokenExpiry, afterCodeExpiry } from './probes.js';
import { rfc } from '../spec.js';
import { fail, pass, show } from '../types.js';
import { refusedVerdict } from '../verdicts.js';

/** How long tokens and codes live, against what the vendor documents and what the tokens themselves say. */

export const expiresInRange = defineCheck({
  id: 'lifetime.expires-in-range',
  area: 'lifetime',
  title: 'expires_in is within the lifetime the vendor documents',
  level: 'MUST',
  spec: [rfc(6749, '5.1')],
  scope: 'grant',
  requires: { expects: 'lifetimes.access_token' },
  gather: tokenLifetime,
  judge: ({ expiresIn, min, max }) =>
    typeof expiresIn === 'number' && expiresIn >= min && expiresIn <= max
      ? pass(`expires_in ${expiresIn} s`)
      : fail({
          rule: 'expires_in states the token lifetime; the vendor documents this range',
          expected: `expires_in between ${min} and ${max} s`,
          actual: `expires_in ${show(expiresIn)}`,
        }),
});

/** Seconds by which a JWT's own lifetime may differ from expires_in (the two are computed a moment apart). */
const CONSISTENCY_SECONDS = 5;

export const jwtExpConsistent = defineCheck({
  id: 'lifetime.jwt-exp-consistent',
  area: 'lifetime',
  title: "a JWT access token's exp − iat agrees with expires_in",
  level: 'SHOULD',
  spec: [rfc(9068, '2.2'), rfc(6749, '5.1')],
  scope: 'grant',
  gather: async (run, grant) => {
    const evidence = await jwtAccessToken(run, grant);
    const { exp, iat } = evidence.jwt.claims;
    if (typeof exp !== 'number' || typeof iat !== 'number' || evidence.expiresIn === undefined) {
      throw new NotApplicable('nothing to compare: exp, iat or expires_in is absent');
    }
    return { exchanges: evidence.exchanges, exp, iat, expiresIn: evidence.expiresIn };
  },
  judge: ({ exp, iat, expiresIn }) => {
    return Math.abs(exp - iat - expiresIn) <= CONSISTENCY_SECONDS
      ? pass(`exp − iat = ${exp - iat} s, expires_in ${expiresIn} s`)
      : fail({
          rule: 'the token and the response disagree on its lifetime; clients schedule refreshes by expires_in',
          expected: `exp − iat within ${CONSISTENCY_SECONDS} s of expires_in ${expiresIn}`,
          actual: `exp − iat = ${exp - iat} s`,
        });
  },
});

export const clockSkew = defineCheck({
  id: 'lifetime.clock-skew',
  area: 'lifetime',
  title: "the server's Date header and token iat agree with our clock",
  level: 'SHOULD',
  spec: [rfc(7519, '4.1.6'), rfc(7519, '4.1.4'), rfc(9110, '6.6.1')],
  scope: 'grant',
  gather: clocks,
  judge: ({ date, receivedAt, iat, tolerance }) => {
    const skews = [
      ...(date !== undefined ? [[`Date header ${Math.round((date - receivedAt) / 1000)} s`, (date - receivedAt) / 1000] as const] : []),
      ...(iat !== undefined ? [[`iat ${Math.round(iat - receivedAt / 1000)} s`, iat - receivedAt / 1000] as const] : []),
    ];
    const off = skews.filter(([, s]) => Math.abs(s) > tolerance);
    const shown = skews.map(([text]) => text).join(', ') || 'no Date header or iat';
    return off.length === 0
      ? pass(`${shown} from our clock`)
      : fail({
          rule: `a skewed clock makes fresh tokens look expired or not yet valid; tolerated: ${tolerance} s`,
          expected: `within ${tolerance} s of our clock`,
          actual: `${shown} from our clock`,
        });
  },
});

export const expiryEnforced = defineCheck({
  id: 'lifetime.expiry-enforced',
  area: 'lifetime',
  title: 'once expires_in has passed, the resource refuses the token with invalid_token (--long)',
  level: 'MUST',
  spec: [rfc(6750, '3.1')],
  scope: 'resource',
  requires: { long: true },
  gather: async (run, resource) => {
    const { waited, after } = await afterAccessTokenExpiry(run, resource);
    return { exchanges: [after.exchange], waited, after: after.exchange };
  },
  judge: ({ waited, after }) => {
    const status = after.response?.status;
    const challenge = after.response?.headers['www-authenticate'] ?? '';
    return status === 401 && /error="?invalid_token/i.test(challenge)
      ? pass(`after ${waited} s: ${describeExchange(after)}`)
      : fail({
          rule: 'an expired access token is refused with 401 and error="invalid_token"',
          expected: `401, WWW-Authenticate: Bearer error="invalid_token" after ${waited} s`,
          actual: `${describeExchange(after)}${challenge ? `, WWW-Authenticate: ${challenge}` : ''}`,
        });
  },
});

export const codeExpiry = defineCheck({
  id: 'lifetime.code-expiry',
  area: 'lifetime',
  title: 'a code redeemed after its documented lifetime is refused (--long)',
  level: 'MUST',
  spec: [rfc(6749, '4.1.2')],
  scope: 'grant',
  requires: { grantTypes: ['authorization_code'], expects: 'lifetimes.code', long: true },
  gather: async (run, grant) => {
    const { lifetime, token } = await afterCodeExpiry(run, grant);
    return { exchanges: token.exchanges, lifetime, token };
  },
  judge: ({ lifetime, token }) =>
    refusedVerdict(token, {
      rule: 'the authorization code MUST expire shortly after it is issued; the vendor documents this lifetime',
      expected: `refused after ${lifetime} s`,
    }),
});
