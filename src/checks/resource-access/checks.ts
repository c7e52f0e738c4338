import { Blocked, NotApplicable } from '../../flows/blocked.js';
import { headerCall } from '../../flows/resources.js';
import { TAMPERINGS, type Tampering } from '../../flows/tampered-jwt.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { describeExchange, type Exchange } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { resourceProbe } from './evidence.js';
import { rfc } from '../spec.js';
import { fail, pass, type Verdict } from '../types.js';

export const bearerAccepted = defineCheck({
  id: 'resource-access.bearer-accepted',
  area: 'resource-access',
  title: 'the resource accepts the access token in the Authorization header (Bearer; DPoP with a proof for DPoP-bound tokens)',
  level: 'MUST',
  spec: [rfc(6750, '2.1')],
  scope: 'resource',
  gather: resourceProbe('bearer'),
  judge: ({ exchange, resource, grantedScope }) => {
    const status = exchange.response?.status ?? 0;
    if (status >= 200 && status < 300) return pass(describeExchange(exchange));
    const challenge = exchange.response?.headers['www-authenticate'];
    const missing = (resource.scope ?? '').split(' ').filter((s) => s && grantedScope !== undefined && !grantedScope.split(' ').includes(s));
    const hint = missing.length ? ` The token was granted "${grantedScope}" but the resource requires "${resource.scope}": request that scope.` : '';
    return fail({
      rule: `resource servers MUST support the Authorization: Bearer header; a freshly issued token was refused.${hint}`,
      expected: '2xx',
      actual: `${describeExchange(exchange)}${challenge ? `, WWW-Authenticate: ${challenge}` : ''}`,
    });
  },
});

/**
 * RFC 6750 §3: a request without credentials gets 401 with a WWW-Authenticate header naming the Bearer scheme; a
 * resource of DPoP-bound tokens may name DPoP instead (RFC 9449 §7.1), or both.
 */
export function noTokenVerdict(exchange: Exchange, dpop = false): Verdict {
  const status = exchange.response?.status;
  const challenge = exchange.response?.headers['www-authenticate'];
  const actual = `${status}, ${challenge ? `WWW-Authenticate: ${challenge}` : 'no WWW-Authenticate header'}`;
  const scheme = dpop ? /(^|,\s*)(bearer|dpop)\b/i : /(^|,\s*)bearer\b/i;
  return status === 401 && challenge !== undefined && scheme.test(challenge)
    ? pass(actual)
    : fail({
        rule: `a request without credentials MUST be answered 401 with a WWW-Authenticate header naming the ${dpop ? 'DPoP or Bearer' : 'Bearer'} scheme`,
        expected: `401, WWW-Authenticate: ${dpop ? 'DPoP' : 'Bearer'} …`,
        actual,
      });
}

export const noToken401 = defineCheck({
  id: 'resource-access.no-token-401',
  area: 'resource-access',
  title: 'a request without a token gets 401 with WWW-Authenticate naming its scheme (Bearer; DPoP for DPoP-bound tokens)',
  level: 'MUST',
  spec: [rfc(6750, '3'), rfc(9110, '15.5.2'), rfc(9449, '7.1')],
  scope: 'resource',
  gather: resourceProbe('none'),
  judge: ({ exchange, dpop }) => noTokenVerdict(exchange, dpop),
});

const resourceCheck = { area: 'resource-access', scope: 'resource' } as const;
/** A call that varies one thing about a request the resource accepts: the grant's own token is its control. */
const probedCheck = { ...resourceCheck, requires: { control: "the resource accepts the grant's own token as Bearer" } } as const;

/** The auth-params of a Bearer challenge, e.g. error="invalid_token". */
function challengeOf(exchange: Exchange): string {
  return exchange.response?.headers['www-authenticate'] ?? '';
}

export function answered(exchange: Exchange): string {
  const challenge = challengeOf(exchange);
  return `${describeExchange(exchange)}${challenge ? `, WWW-Authenticate: ${challenge}` : ''}`;
}

export const accepted = (exchange: Exchange) => (exchange.response?.status ?? 0) >= 200 && (exchange.response?.status ?? 0) < 300;

export const schemeCaseInsensitive = defineCheck({
  id: 'resource-access.scheme-case-insensitive',
  title: 'the authorization scheme is accepted in any case ("bearer", "dpop")',
  ...probedCheck,
  level: 'MUST',
  spec: [rfc(9110, '11.1'), rfc(6750, '2.1')],
  gather: resourceProbe('lowercase'),
  judge: ({ exchange }) =>
    accepted(exchange)
      ? pass(describeExchange(exchange))
      : fail({ rule: 'authentication scheme names are case-insensitive', expected: '2xx for "bearer <token>"', actual: answered(exchange) }),
});

export const invalidTokenRefused = defineCheck({
  id: 'resource-access.invalid-token-refused',
  title: 'a token the server never issued is refused',
  ...probedCheck,
  level: 'MUST',
  spec: [rfc(6750, '3'), rfc(6749, '7')],
  gather: resourceProbe('invalid'),
  judge: ({ exchange }) =>
    accepted(exchange)
      ? fail({
          rule: 'a resource server MUST validate the access token and refuse one that does not enable access',
          expected: '401',
          actual: answered(exchange),
        })
      : pass(answered(exchange)),
});

export const invalidTokenError = defineCheck({
  id: 'resource-access.invalid-token-error',
  title: 'an invalid token gets 401 with error="invalid_token"',
  ...probedCheck,
  level: 'SHOULD',
  spec: [rfc(6750, '3.1')],
  gather: async (run, name) => {
    const evidence = await resourceProbe('invalid')(run, name);
    if (accepted(evidence.exchange)) throw new Blocked('the resource accepted a made-up token (see resource-access.invalid-token-refused)', evidence.exchanges);
    return evidence;
  },
  judge: ({ exchange }) =>
    exchange.response?.status === 401 && /error="?invalid_token/i.test(challengeOf(exchange))
      ? pass(answered(exchange))
      : fail({
          rule: 'an invalid, expired or revoked token SHOULD get 401 with the invalid_token error in the challenge',
          expected: '401, WWW-Authenticate: Bearer error="invalid_token"',
          actual: answered(exchange),
        }),
});

export const insufficientScope = defineCheck({
  id: 'resource-access.insufficient-scope',
  title: 'a token without the required scope gets 403 insufficient_scope',
  ...probedCheck,
  level: 'SHOULD',
  spec: [rfc(6750, '3.1')],
  gather: resourceProbe('insufficient'),
  judge: ({ exchange }) =>
    exchange.response?.status === 403 && /error="?insufficient_scope/i.test(challengeOf(exchange))
      ? pass(answered(exchange))
      : fail({
          rule: 'a token lacking the privileges the request needs SHOULD get 403 with the insufficient_scope error',
          expected: '403, WWW-Authenticate: Bearer error="insufficient_scope"',
          actual: answered(exchange),
        }),
});

export const queryToken = defineCheck({
  id: 'resource-access.query-token',
  title: 'an access token in the query string is not accepted',
  ...probedCheck,
  level: 'SHOULD',
  spec: [rfc(6750, '2.3'), rfc(6750, '5.3'), rfc(9700, '4.3.2')],
  gather: resourceProbe('query'),
  judge: ({ exchange }) =>
    accepted(exchange)
      ? fail({
          rule: 'tokens in URLs leak through logs, history and Referer; the query method SHOULD NOT be used, and the OAuth security best current practice forbids it',
          expected: 'refused',
          actual: describeExchange(exchange),
        })
      : pass(describeExchange(exchange)),
});

const TAMPERED: Record<Tampering, string> = {
  'tampered-signature': 'signature altered',
  'tampered-claims': 'sub altered under the original signature',
  'alg-none': 're-encoded with alg "none" and no signature',
};

export const tamperedJwtRefused = defineCheck({
  id: 'resource-access.tampered-jwt-refused',
  title: 'a JWT access token with its signature altered, its claims altered or alg "none" is refused',
  ...probedCheck,
  level: 'MUST',
  spec: [rfc(9068, '4'), rfc(8725, '3.1'), rfc(6750, '3.1')],
  gather: async (run, name) => {
    const answers = await Promise.all(TAMPERINGS.map(async (tampering) => ({ tampering, ...(await resourceProbe(tampering)(run, name)) })));
    return { exchanges: [...new Set(answers.flatMap((a) => a.exchanges))], answers: answers.map(({ tampering, exchange }) => ({ tampering, exchange })) };
  },
  judge: ({ answers }) => {
    const shown = answers.map(({ tampering, exchange }) => `${TAMPERED[tampering]}: ${answered(exchange)}`).join('; ');
    const taken = answers.filter(({ exchange }) => accepted(exchange)).map(({ tampering }) => TAMPERED[tampering]);
    return taken.length === 0
      ? pass(shown)
      : fail({
          rule: `a resource server MUST validate the signature of a JWT access token and MUST reject alg "none"; it accepted the token ${taken.join(', ')}`,
          expected: 'each refused: 401 with error="invalid_token"',
          actual: shown,
        });
  },
});

async function headerProbe(run: SuiteRun, name: string, method: 'GET' | 'POST') {
  const resource = run.suite.resource(name);
  if (method === 'POST' && !resource.writes_refused) throw new NotApplicable(`resource ${name} does not declare writes_refused`);
  const { exchange } = await headerCall(run, resource, method);
  if (!exchange.response) throw new Blocked(`resource request failed: ${exchange.error}`, [exchange]);
  return { exchanges: [exchange], exchange };
}

export const headerAuthAccepted = defineCheck({
  id: 'resource-access.header-auth-accepted',
  title: "the vendor's header authentication is accepted",
  ...resourceCheck,
  level: 'MUST',
  spec: [rfc(6749, '2.3')],
  gather: (run, name) => headerProbe(run, name, 'GET'),
  judge: ({ exchange }) =>
    accepted(exchange)
      ? pass(describeExchange(exchange))
      : fail({
          rule: 'the vendor documents this header authentication for its API, as another client authentication method',
          expected: '2xx for a read with the documented headers',
          actual: answered(exchange),
        }),
});

export const headerWriteRefused = defineCheck({
  id: 'resource-access.header-write-refused',
  title: 'a write with read-only header authentication is refused',
  ...resourceCheck,
  level: 'MUST',
  spec: [rfc(9110, '9.2.1')],
  gather: (run, name) => headerProbe(run, name, 'POST'),
  judge: ({ exchange }) =>
    accepted(exchange)
      ? fail({
          rule: 'the vendor documents this authentication for reads (safe methods) only; a write must be refused',
          expected: '4xx for a POST',
          actual: describeExchange(exchange),
        })
      : pass(answered(exchange)),
});
