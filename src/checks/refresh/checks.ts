import { Blocked, NotApplicable } from '../../flows/blocked.js';
import type { ForeignRefresh } from '../../flows/flow-keys.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import type { Exchange } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { rfc } from '../spec.js';
import { couldNotRun, fail, pass, show, type Verdict } from '../types.js';
import { outcomeOf, refusedVerdict } from '../verdicts.js';
import { grantedScope, mainRefresh, refreshByOtherClients, refreshReplay, refreshScope, scopesFor, withoutRefreshScope } from './probes.js';

/** Refreshing an authorization_code grant's tokens (RFC 6749 §6), each probe that spends or revokes on its own authorization. */

const refreshCheck = { area: 'refresh', level: 'MUST', scope: 'grant', requires: { grantTypes: ['authorization_code'] } } as const;
/** The refusals of a refresh, and their control. */
const refusedRefresh = { grantTypes: ['authorization_code'], control: "the grant's own refresh gets a token" } as const;

export const works = defineCheck({
  id: 'refresh.works',
  title: 'the refresh token gets a new access token',
  ...refreshCheck,
  spec: [rfc(6749, '6'), rfc(6749, '5.1')],
  gather: async (run: SuiteRun, grant: string) => {
    const { refreshed } = await mainRefresh(run, grant);
    return { exchanges: [refreshed.token.exchange], refreshed };
  },
  judge: ({ refreshed }) =>
    refreshed.accessToken
      ? pass(outcomeOf(refreshed))
      : fail({ rule: 'a valid refresh token gets a new access token', expected: '200 with an access_token', actual: outcomeOf(refreshed) }),
});

/** The grant's refresh and whether it rotated; blocked when the refresh itself failed (refresh.works says so). */
async function rotation(run: SuiteRun, grant: string) {
  const { original, refreshed } = await mainRefresh(run, grant);
  if (!refreshed.accessToken) throw new Blocked('the refresh failed (see refresh.works)', [refreshed.token.exchange]);
  return { exchanges: [refreshed.token.exchange], rotated: refreshed.refreshToken !== undefined && refreshed.refreshToken !== original.refreshToken };
}

export const rotates = defineCheck({
  id: 'refresh.rotation',
  title: 'a refresh returns a new refresh token, as the suite documents',
  ...refreshCheck,
  spec: [rfc(9700, '4.14.2')],
  requires: { grantTypes: ['authorization_code'], expects: 'refresh.rotates' },
  gather: rotation,
  judge: ({ rotated }) =>
    rotated
      ? pass('a new refresh token was issued')
      : fail({
          rule: 'the vendor documents rotation: every refresh issues a new refresh token',
          expected: 'a new refresh_token',
          actual: 'the same refresh token, or none',
        }),
});

export const replayRefused = defineCheck({
  id: 'refresh.replay-refused',
  title: 'a rotated-out refresh token is refused',
  ...refreshCheck,
  spec: [rfc(9700, '4.14.2')],
  gather: async (run: SuiteRun, grant: string) => {
    const { original, refreshed, replay } = await refreshReplay(run, grant);
    if (!refreshed.accessToken) throw new Blocked('the refresh failed (see refresh.works)', [refreshed.token.exchange]);
    if (!refreshed.refreshToken || refreshed.refreshToken === original.refreshToken) {
      throw new NotApplicable('the refresh did not rotate the refresh token, so the old one stays valid');
    }
    return { exchanges: [refreshed.token.exchange, replay.token.exchange], replay };
  },
  judge: ({ replay }) =>
    refusedVerdict(replay, {
      rule: 'with rotation, a refresh token that was already used MUST be refused, or a stolen one stays usable',
      expected: 'refused (invalid_grant)',
    }),
});

/** The control of a refusal of a refresh: the grant's own refresh, done right, gets a token. */
export async function refreshControl(run: SuiteRun, grant: string): Promise<Exchange> {
  const { refreshed } = await mainRefresh(run, grant);
  if (!refreshed.accessToken)
    throw new Blocked(`the grant's own refresh failed, so a refusal would prove nothing (see refresh.works): ${outcomeOf(refreshed)}`, [
      refreshed.token.exchange,
    ]);
  return refreshed.token.exchange;
}

export const widerScopeRefused = defineCheck({
  id: 'refresh.wider-scope-refused',
  title: 'a refresh asking for scope beyond the grant gets no wider scope',
  ...refreshCheck,
  spec: [rfc(6749, '6'), rfc(6749, '5.1')],
  requires: refusedRefresh,
  gather: async (run: SuiteRun, grant: string) => {
    const [control, { requested, original, refreshed }] = await Promise.all([refreshControl(run, grant), refreshScope(run, grant, 'wider')]);
    const asked = scopesFor(run, grant).granted.join(' ');
    return {
      exchanges: [control, refreshed.token.exchange],
      requested,
      refreshed,
      original: grantedScope(original, asked),
      granted: refreshed.accessToken ? grantedScope(refreshed, requested) : [],
    };
  },
  judge: ({ requested, refreshed, original, granted }) => {
    // The server may refuse (invalid_scope) or ignore what it will not grant (RFC 6749 §3.3); only a wider grant breaks §6.
    if (!refreshed.accessToken)
      return refusedVerdict(refreshed, {
        rule: 'the requested scope MUST NOT include any scope not originally granted',
        expected: `refused for scope "${requested}"`,
      });
    const beyond = granted.filter((s) => !original.includes(s));
    return beyond.length === 0
      ? pass(`refreshed with scope "${granted.join(' ')}", within the original grant "${original.join(' ')}"`)
      : fail({
          rule: 'a refresh MUST NOT grant scope not originally granted; a response without scope grants the scope requested',
          expected: `refused, or scope within "${original.join(' ')}"`,
          actual: `granted "${granted.join(' ')}" (beyond the grant: ${beyond.join(' ')})`,
        });
  },
});

export const narrowerScope = defineCheck({
  id: 'refresh.narrower-scope',
  title: 'a refresh asking for less scope gets exactly that',
  ...refreshCheck,
  level: 'SHOULD',
  spec: [rfc(6749, '6'), rfc(6749, '5.1')],
  gather: async (run: SuiteRun, grant: string) => {
    const { requested, refreshed } = await refreshScope(run, grant, 'narrower');
    if (!refreshed.accessToken) throw new Blocked(`the refresh with a narrower scope failed: ${outcomeOf(refreshed)}`, [refreshed.token.exchange]);
    return { exchanges: [refreshed.token.exchange], requested, stated: refreshed.issued?.scope };
  },
  judge: ({ requested, stated }) => {
    const set = (s: string) => [...new Set(s.split(' ').filter(Boolean))].sort().join(' ');
    return stated === undefined || (typeof stated === 'string' && set(stated) === set(requested))
      ? pass(stated === undefined ? 'no scope member: the requested scope was granted' : `scope ${show(stated)}`)
      : fail({
          rule: 'a refresh may narrow the scope, and the response states the scope granted',
          expected: `scope "${requested}"`,
          actual: `scope ${show(stated)}`,
        });
  },
});

export const boundToClient = defineCheck({
  id: 'refresh.bound-to-client',
  title: 'only the client it was issued to, authenticated, can use a refresh token',
  ...refreshCheck,
  spec: [rfc(6749, '6'), rfc(6749, '2.3')],
  requires: refusedRefresh,
  gather: async (run: SuiteRun, grant: string) => {
    const [control, probes] = await Promise.all([refreshControl(run, grant), refreshByOtherClients(run, grant)]);
    return { exchanges: [control, ...probes.map((p) => p.refreshed.token.exchange)], probes };
  },
  judge: ({ probes }) => boundVerdict(probes),
});

/**
 * RFC 6749 §6: the server authenticates the client (§2.3) and checks the token was issued to it. Every foreign
 * presentation must be refused; invalid_client is such a refusal. Those accepted are named.
 */
function boundVerdict(probes: ForeignRefresh[]): Verdict {
  const rule = 'the server MUST authenticate the client and verify that the refresh token was issued to it';
  const judged = probes.map((p) => ({ ...p, verdict: refusedVerdict(p.refreshed, { rule, expected: 'refused', clientRuled: true }) }));
  const outcomes = (list: typeof judged) => list.map((p) => `${p.presenter}: ${outcomeOf(p.refreshed)}`).join('; ');
  const accepted = judged.filter((p) => p.verdict.status === 'fail');
  if (accepted.length)
    return fail({ rule, expected: `refused for ${probes.map((p) => p.presenter).join('; ')}`, actual: `accepted for ${outcomes(accepted)}` });
  const unjudged = judged.find((p) => p.verdict.status === 'blocked');
  return unjudged ? couldNotRun(`${unjudged.presenter}: ${unjudged.verdict.message}`) : pass(`refused for ${outcomes(judged)}`);
}

export const requiresScope = defineCheck({
  id: 'refresh.requires-scope',
  title: 'no refresh token without the scope the vendor documents for it',
  ...refreshCheck,
  spec: [rfc(6749, '1.5')],
  requires: { grantTypes: ['authorization_code'], expects: 'refresh.requires_scope' },
  gather: async (run: SuiteRun, grant: string) => {
    const { scope, token } = await withoutRefreshScope(run, grant);
    if (!token.accessToken) throw new Blocked(`the authorization without that scope issued no token: ${outcomeOf(token)}`, token.exchanges);
    return { exchanges: token.exchanges, scope, needed: run.suite.expect.refresh?.requires_scope, issued: token.refreshToken !== undefined };
  },
  judge: ({ scope, needed, issued }) =>
    issued
      ? fail({
          rule: `issuing a refresh token is at the server's discretion; this vendor documents it only with ${needed}`,
          expected: `no refresh_token for scope "${scope}"`,
          actual: 'a refresh_token',
        })
      : pass(`no refresh_token for scope "${scope}"`),
});
