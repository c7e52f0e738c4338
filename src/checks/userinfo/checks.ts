import { Blocked } from '../../flows/blocked.js';
import { claimsOf } from '../../flows/jwt.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { describeExchange, type Exchange } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { accepted, answered, noTokenVerdict } from '../resource-access/checks.js';
import { oidcCore, rfc } from '../spec.js';
import { fail, pass, show, type Verdict } from '../types.js';
import { refusedForAnotherReason } from '../verdicts.js';
import { userGrant, userinfo, userinfoClaims, userinfoToken } from './probes.js';

/** The UserInfo Endpoint (OIDC Core §5.3), wherever the suite or its metadata names one. */

const userinfoRequires = { grantTypes: ['authorization_code'], grantUses: 'openid', endpoint: 'userinfo_endpoint' } as const;
const CONTROL = "the UserInfo Endpoint answers 200 to a user's access token";

/** The userinfo call with the user's token, and the id_token's sub it must match. */
async function userCall(run: SuiteRun, grant: string) {
  const token = await userinfoToken(run, grant);
  const idToken = token.issued?.id_token;
  const sub = typeof idToken === 'string' ? claimsOf(idToken)?.sub : undefined;
  if (sub === undefined) throw new Blocked('the token response has no id_token with a sub (see token-response.id-token-present)', token.exchanges);
  const result = await userinfo(run, grant, 'user');
  const other = refusedForAnotherReason(result.exchange);
  if (other) throw new Blocked(other, [result.exchange]);
  return { exchanges: [token.token.exchange, result.exchange], exchange: result.exchange, sub, claims: userinfoClaims(result) };
}

/** OIDC Core §5.3.2: 200 with the End-User's claims, whose sub is exactly the id_token's. */
export function subVerdict({ exchange, sub, claims }: { exchange: Exchange; sub: string; claims: Record<string, unknown> | string }): Verdict {
  const rule = "the UserInfo Endpoint answers a user's access token with claims whose sub exactly matches the ID Token's";
  if (!accepted(exchange)) return fail({ rule, expected: '200 with the claims', actual: answered(exchange) });
  if (typeof claims === 'string') return fail({ rule, expected: 'a JSON object (or a signed JWT) of claims', actual: claims });
  return claims.sub === sub ? pass(`sub ${show(sub)}, as in the ID Token`) : fail({ rule, expected: `sub ${show(sub)}`, actual: `sub ${show(claims.sub)}` });
}

export const subMatches = defineCheck({
  id: 'userinfo.sub-matches',
  area: 'userinfo',
  title: "a user's access token gets the user's claims, whose sub is the ID Token's",
  level: 'MUST',
  spec: [oidcCore('5.3.2', 'UserInfoResponse'), oidcCore('5.3.1', 'UserInfoRequest')],
  scope: 'grant',
  requires: userinfoRequires,
  gather: userCall,
  judge: (evidence) => subVerdict(evidence),
});

/** The control of a refusal at userinfo: a user's token is answered 200 there. */
async function userinfoControl(run: SuiteRun, grant: string): Promise<Exchange> {
  const { exchange } = await userinfo(run, grant, 'user');
  if (!accepted(exchange)) throw new Blocked(`the UserInfo Endpoint refuses even a user's token (see userinfo.sub-matches): ${answered(exchange)}`, [exchange]);
  return exchange;
}

export const noTokenRefused = defineCheck({
  id: 'userinfo.no-token-refused',
  area: 'userinfo',
  title: 'a userinfo request without a token gets 401 with WWW-Authenticate: Bearer',
  level: 'MUST',
  spec: [oidcCore('5.3.3', 'UserInfoError'), rfc(6750, '3')],
  scope: 'grant',
  requires: { ...userinfoRequires, control: CONTROL },
  gather: async (run: SuiteRun, grant: string) => {
    const [control, { exchange }] = await Promise.all([userinfoControl(run, grant), userinfo(run, grant, 'none')]);
    return { exchanges: [control, exchange], exchange };
  },
  judge: ({ exchange }) => noTokenVerdict(exchange),
});

export const clientCredentialsRefused = defineCheck({
  id: 'userinfo.client-credentials-refused',
  area: 'userinfo',
  title: 'a client_credentials token, which has no End-User, is refused at the UserInfo Endpoint',
  level: 'SHOULD',
  spec: [oidcCore('5.3', 'UserInfo'), oidcCore('5.3.1', 'UserInfoRequest')],
  scope: 'grant',
  requires: { grantTypes: ['client_credentials'], endpoint: 'userinfo_endpoint', control: CONTROL },
  gather: async (run: SuiteRun, grant: string) => {
    const [control, { exchange }] = await Promise.all([userinfoControl(run, userGrant(run)), userinfo(run, grant, 'machine')]);
    const exchanges = [control, exchange];
    if (!accepted(exchange) && refusedForAnotherReason(exchange)) throw new Blocked(refusedForAnotherReason(exchange)!, exchanges);
    return { exchanges, exchange };
  },
  judge: ({ exchange }) =>
    accepted(exchange)
      ? fail({
          rule: 'the UserInfo Endpoint returns claims about the End-User who authenticated, for an access token obtained by an OpenID Connect authentication request; a client_credentials token has no End-User',
          expected: '401 invalid_token',
          actual: describeExchange(exchange),
        })
      : pass(answered(exchange)),
});
