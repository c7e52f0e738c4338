import { describeExchange } from '../http/exchange.js';
import { defineCheck } from './check.js';
import { resourceProbe } from './evidence.js';
import { rfc } from './spec.js';
import { fail, pass } from './types.js';

export const bearerAccepted = defineCheck({
  id: 'resource-access.bearer-accepted',
  area: 'resource-access',
  title: 'the resource accepts the access token in an Authorization: Bearer header',
  level: 'MUST',
  spec: rfc(6750, '2.1'),
  scope: 'resource',
  gather: resourceProbe('bearer'),
  judge: ({ exchange, resource, grantedScope }) => {
    const status = exchange.response?.status ?? 0;
    if (status >= 200 && status < 300) return pass(describeExchange(exchange));
    const challenge = exchange.response?.headers['www-authenticate'];
    const missing = (resource.scope ?? '').split(' ').filter((s) => s && grantedScope !== undefined && !grantedScope.split(' ').includes(s));
    const hint = missing.length ? ` The token was granted "${grantedScope}" but the resource requires "${resource.scope}": request that scope.` : '';
    return fail(
      `resource servers MUST support the Authorization: Bearer header (RFC 6750 §2.1); a freshly issued token was refused.${hint}`,
      '2xx',
      `${describeExchange(exchange)}${challenge ? `, WWW-Authenticate: ${challenge}` : ''}`,
    );
  },
});

export const noToken401 = defineCheck({
  id: 'resource-access.no-token-401',
  area: 'resource-access',
  title: 'a request without a token gets 401 with WWW-Authenticate: Bearer',
  level: 'MUST',
  spec: rfc(6750, '3'),
  scope: 'resource',
  gather: resourceProbe('none'),
  judge: ({ exchange }) => {
    const status = exchange.response?.status;
    const challenge = exchange.response?.headers['www-authenticate'];
    const actual = `${status}, ${challenge ? `WWW-Authenticate: ${challenge}` : 'no WWW-Authenticate header'}`;
    return status === 401 && challenge !== undefined && /(^|,\s*)bearer\b/i.test(challenge)
      ? pass(actual)
      : fail('a request without credentials MUST be answered 401 with a WWW-Authenticate header naming the Bearer scheme (RFC 6750 §3, RFC 9110 §15.5.2)', '401, WWW-Authenticate: Bearer …', actual);
  },
});
