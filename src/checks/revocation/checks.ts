import { Blocked, NotApplicable } from '../../flows/blocked.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { codeSaid, describeExchange, errorCodeOf } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { refreshControl } from '../refresh/checks.js';
import { resourceAcceptsToken } from '../resource-access/evidence.js';
import { accepted, answered } from '../resource-access/checks.js';
import { rfc } from '../spec.js';
import { fail, pass } from '../types.js';
import { refusedForAnotherReason, refusedVerdict, unauthenticatedVerdict } from '../verdicts.js';
import { acceptedRevocation, refreshAfterRevocation, resourceAfterRevocation, revocationOfUnknownToken, revocationWithoutClientAuth } from './probes.js';

/** Token revocation (RFC 7009), wherever the suite or its metadata names a revocation endpoint. */

const revocationCheck = { area: 'revocation', scope: 'grant', requires: { endpoint: 'revocation_endpoint' } } as const;

export const refreshTokenRefused = defineCheck({
  id: 'revocation.refresh-token-refused',
  title: 'a revoked refresh token is refused',
  ...revocationCheck,
  level: 'MUST',
  spec: [rfc(7009, '2.1'), rfc(7009, '2.2')],
  requires: { grantTypes: ['authorization_code'], endpoint: 'revocation_endpoint', control: "the grant's own refresh gets a token" },
  gather: async (run: SuiteRun, grant: string) => {
    const [control, { revocation, refreshed }] = await Promise.all([refreshControl(run, grant), refreshAfterRevocation(run, grant)]);
    if (revocation.exchange.response?.status !== 200)
      throw new Blocked(`the revocation request was not accepted: ${revocation.exchange.response?.status ?? revocation.exchange.error}`, [revocation.exchange]);
    return { exchanges: [control, revocation.exchange, refreshed.token.exchange], refreshed };
  },
  judge: ({ refreshed }) =>
    refusedVerdict(refreshed, { rule: 'after revocation the token is invalid and can no longer be used', expected: 'refused (invalid_grant)' }),
});

export const accessTokenRefused = defineCheck({
  id: 'revocation.access-token-refused',
  area: 'revocation',
  title: 'a revoked access token is refused by the resource',
  scope: 'resource',
  requires: { endpoint: 'revocation_endpoint', control: "the resource accepts the grant's own token as Bearer" },
  level: 'SHOULD',
  spec: [rfc(7009, '2'), rfc(7662, '2.2')],
  gather: async (run, name) => {
    const resource = run.suite.resource(name);
    const { revocation, after } = await resourceAfterRevocation(run, resource);
    await acceptedRevocation(run, resource.grant!);
    await resourceAcceptsToken(run, resource);
    const exchanges = [revocation.exchange, after.exchange];
    const other = refusedForAnotherReason(after.exchange);
    if (other) throw new Blocked(other, exchanges);
    return { exchanges, exchange: after.exchange };
  },
  judge: ({ exchange }) =>
    accepted(exchange)
      ? fail({
          rule: 'a revoked token is invalid; a resource server that checks tokens with the authorization server refuses it',
          expected: '401 invalid_token',
          actual: describeExchange(exchange),
        })
      : pass(answered(exchange)),
});

export const unknownToken200 = defineCheck({
  id: 'revocation.unknown-token-200',
  title: 'revoking a token the server never issued answers 200',
  ...revocationCheck,
  level: 'MUST',
  spec: [rfc(7009, '2.2')],
  gather: async (run: SuiteRun, grant: string) => {
    const { exchange } = await revocationOfUnknownToken(run, grant);
    const other = refusedForAnotherReason(exchange);
    if (other) throw new Blocked(other, [exchange]);
    return { exchanges: [exchange], exchange };
  },
  judge: ({ exchange }) =>
    exchange.response?.status === 200
      ? pass(describeExchange(exchange))
      : fail({
          rule: 'invalid tokens do not cause an error response: the server answers 200, since the client cannot act on such an error',
          expected: '200',
          actual: `${describeExchange(exchange)}${codeSaid(exchange)}`,
        }),
});

export const requiresClientAuth = defineCheck({
  id: 'revocation.requires-client-auth',
  title: "revoking without the client's credentials is refused with invalid_client",
  ...revocationCheck,
  level: 'MUST',
  spec: [rfc(7009, '2.1'), rfc(7009, '2.2.1'), rfc(6749, '5.2')],
  requires: { endpoint: 'revocation_endpoint', control: "the same revocation with the client's credentials answers 200" },
  gather: async (run: SuiteRun, grant: string) => {
    const { probe, control } = await revocationWithoutClientAuth(run, grant);
    const exchanges = [probe.exchange, control.exchange];
    if (errorCodeOf(control.exchange) === 'unsupported_token_type')
      throw new NotApplicable(`the authorization server does not revoke grant ${grant}'s access tokens (unsupported_token_type)`);
    if (control.exchange.response?.status !== 200)
      throw new Blocked(
        `the revocation with the client's credentials was not accepted either, so a refusal would prove nothing: ${describeExchange(control.exchange)}${codeSaid(control.exchange)}`,
        exchanges,
      );
    return { exchanges, exchange: probe.exchange };
  },
  judge: ({ exchange }) =>
    unauthenticatedVerdict(exchange, {
      rule: "the server first validates a confidential client's credentials and refuses the request when they are missing, with invalid_client",
      expected: 'refused: invalid_client',
    }),
});
