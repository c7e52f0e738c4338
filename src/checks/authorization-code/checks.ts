import { Blocked } from '../../flows/blocked.js';
import { token } from '../../flows/grant-tokens.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { describeExchange } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { resourceAcceptsToken } from '../resource-access/evidence.js';
import { codeRace, codeReplay, redirectMismatchAtAuthorize, redirectMismatchAtToken } from './probes.js';
import { rfc } from '../spec.js';
import { couldNotRun, fail, pass, show } from '../types.js';
import { outcomeOf, refusedForAnotherReason, refusedVerdict } from '../verdicts.js';

/** Checks of the authorization code itself (RFC 6749 §4.1), each on its own authorization. */

const codeCheck = { area: 'authorization-code', level: 'MUST', scope: 'grant', requires: { grantTypes: ['authorization_code'] } } as const;

export const stateEchoed = defineCheck({
  id: 'authorization-code.state-echoed',
  title: 'the redirect back carries the state sent, unchanged',
  ...codeCheck,
  spec: [rfc(6749, '4.1.2')],
  requires: { grantTypes: ['authorization_code'], grantUses: 'redirect' },
  gather: async (run: SuiteRun, grant: string) => {
    const authorization = (await token(run, grant)).authorization!;
    return { exchanges: authorization.exchanges, sent: authorization.state, returned: authorization.callback?.searchParams.get('state') ?? undefined };
  },
  judge: ({ sent, returned }) =>
    returned === sent
      ? pass('state echoed')
      : fail({
          rule: 'state is REQUIRED in the response if it was in the request, with the exact value received',
          expected: show(sent),
          actual: show(returned),
        }),
});

export const singleUse = defineCheck({
  id: 'authorization-code.single-use',
  title: 'a code redeemed a second time is refused',
  ...codeCheck,
  spec: [rfc(6749, '4.1.2')],
  requires: { grantTypes: ['authorization_code'], control: 'the first redemption of the code gets a token' },
  gather: async (run: SuiteRun, grant: string) => {
    const { first, second } = await codeReplay(run, grant);
    return { exchanges: [...first.exchanges, second.token.exchange], first, second };
  },
  judge: ({ first, second }) => {
    // The first redemption is the control: a second refusal proves single use only if the code worked once.
    if (!first.accessToken)
      return couldNotRun(`the first redemption of a fresh code got no token, so a refused second one proves nothing: ${outcomeOf(first)}`);
    return refusedVerdict(second, {
      rule: 'the client MUST NOT use the authorization code more than once; the server MUST deny a second request',
      expected: 'the second redemption refused (invalid_grant)',
    });
  },
});

export const parallelRedemption = defineCheck({
  id: 'authorization-code.parallel-redemption',
  title: 'a code redeemed twice at the same moment yields at most one token',
  ...codeCheck,
  spec: [rfc(6749, '4.1.2'), rfc(6749, '10.5')],
  requires: { grantTypes: ['authorization_code'], control: 'one of the redemptions gets a token' },
  gather: async (run: SuiteRun, grant: string) => {
    const results = await codeRace(run, grant);
    return { exchanges: [...results[0]!.exchanges, ...results.slice(1).map((r) => r.token.exchange)], results };
  },
  judge: ({ results }) => {
    const issued = results.filter((r) => r.accessToken).length;
    if (issued === 0) return couldNotRun(`no redemption got a token, so the race proves nothing: ${results.map(outcomeOf).join('; ')}`);
    return issued === 1
      ? pass(results.map(outcomeOf).join('; '))
      : fail({
          rule: 'single use must hold under concurrency: a race between two redemptions is how single use breaks',
          expected: 'at most one token',
          actual: `${issued} tokens: ${results.map(outcomeOf).join('; ')}`,
        });
  },
});

export const replayRevokesTokens = defineCheck({
  id: 'authorization-code.replay-revokes-tokens',
  title: 'after a code replay, the tokens first issued for it are revoked',
  ...codeCheck,
  level: 'SHOULD',
  spec: [rfc(6749, '4.1.2'), rfc(9700, '4.5')],
  requires: { grantTypes: ['authorization_code'], control: "the grant's resource accepts its own token" },
  gather: async (run: SuiteRun, grant: string) => {
    const resource = run.suite.resourceFor(grant);
    const { first, second, after } = await codeReplay(run, grant);
    const exchanges = [first.token.exchange, second.token.exchange, ...(after ? [after.exchange] : [])];
    if (!first.accessToken) throw new Blocked('the first redemption issued no token', exchanges);
    if (second.accessToken) throw new Blocked('the replay was not refused (see authorization-code.single-use)', exchanges);
    // The grant has a resource (resourceFor) and a token came, so codeReplay called it.
    const other = refusedForAnotherReason(after!.exchange);
    if (other) throw new Blocked(other, exchanges);
    // A refusal shows the revocation only where the resource takes the grant's tokens.
    await resourceAcceptsToken(run, resource);
    return { exchanges, after: after!.exchange };
  },
  judge: ({ after }) => {
    const status = after.response?.status ?? 0;
    return status >= 200 && status < 300
      ? fail({
          rule: 'if a code is used more than once, the server SHOULD revoke all tokens previously issued based on it',
          expected: 'the first access token refused after the replay',
          actual: describeExchange(after),
        })
      : pass(`the first access token is now refused: ${describeExchange(after)}`);
  },
});

export const redirectUriAtToken = defineCheck({
  id: 'authorization-code.redirect-uri-token',
  title: 'a code redeemed with another redirect_uri is refused',
  ...codeCheck,
  spec: [rfc(6749, '4.1.3')],
  gather: async (run: SuiteRun, grant: string) => {
    const result = await redirectMismatchAtToken(run, grant);
    return { exchanges: result.exchanges, result };
  },
  judge: ({ result }) =>
    refusedVerdict(result, {
      rule: 'the redirect_uri at the token endpoint MUST be identical to the one in the authorization request',
      expected: 'refused (invalid_grant)',
    }),
});

export const redirectUriAtAuthorize = defineCheck({
  id: 'authorization-code.redirect-uri-authorize',
  title: 'an unregistered redirect_uri is never redirected to',
  ...codeCheck,
  spec: [rfc(6749, '4.1.2.1'), rfc(6749, '3.1.2.3'), rfc(9700, '4.1.3')],
  gather: async (run: SuiteRun, grant: string) => {
    const { authorization, redirectUri } = await redirectMismatchAtAuthorize(run, grant);
    return { exchanges: authorization.exchanges, redirected: authorization.callback !== undefined, redirectUri, withCode: authorization.code !== undefined };
  },
  judge: ({ redirected, redirectUri, withCode }) =>
    redirected
      ? fail({
          rule: 'with a mismatching redirect_uri the server MUST NOT redirect the user-agent to it; redirect URIs are compared exactly',
          expected: 'an error page, no redirect',
          actual: `redirected to ${redirectUri}${withCode ? ' with a code' : ''}`,
        })
      : pass('no redirect to the unregistered URI'),
});
