import { verifierProbe, withoutPkce } from './probes.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { defineCheck } from '../check.js';
import { rfc } from '../spec.js';
import { fail, pass } from '../types.js';
import { outcomeOf, refusedVerdict } from '../verdicts.js';

/** PKCE (RFC 7636) as the server enforces it, each on its own authorization. */

const pkceCheck = { area: 'pkce', level: 'MUST', scope: 'grant' } as const;
const withPkce = { grantTypes: ['authorization_code'], grantUses: 'pkce' } as const;

function verifier(kind: 'wrong' | 'missing') {
  return async (run: SuiteRun, grant: string) => {
    const result = await verifierProbe(run, grant, kind);
    return { exchanges: result.exchanges, result };
  };
}

export const verifierMismatch = defineCheck({
  id: 'pkce.verifier-mismatch',
  title: 'a code redeemed with the wrong code_verifier is refused',
  ...pkceCheck,
  requires: withPkce,
  spec: [rfc(7636, '4.6')],
  gather: verifier('wrong'),
  judge: ({ result }) =>
    refusedVerdict(result, {
      rule: 'if the transformed code_verifier does not equal the code_challenge, the server MUST return invalid_grant',
      expected: 'refused (invalid_grant)',
    }),
});

export const verifierMissing = defineCheck({
  id: 'pkce.verifier-missing',
  title: 'a code issued with a challenge is refused when no code_verifier is sent',
  ...pkceCheck,
  requires: withPkce,
  spec: [rfc(7636, '4.6'), rfc(9700, '2.1.1')],
  gather: verifier('missing'),
  judge: ({ result }) =>
    refusedVerdict(result, {
      rule: 'a code bound to a code_challenge must not be redeemable without its verifier',
      expected: 'refused (invalid_grant or invalid_request)',
    }),
});

export const required = defineCheck({
  id: 'pkce.required',
  title: 'an authorization without code_challenge yields no token',
  ...pkceCheck,
  spec: [rfc(9700, '2.1.1')],
  requires: { grantTypes: ['authorization_code'], expects: 'pkce_required' },
  gather: async (run: SuiteRun, grant: string) => {
    const { authorization, token } = await withoutPkce(run, grant);
    return { exchanges: [...authorization.exchanges, ...(token ? [token.token.exchange] : [])], token };
  },
  judge: ({ token }) =>
    token?.accessToken
      ? fail({
          rule: 'this server is documented to require PKCE; without a code_challenge the flow must not produce a token',
          expected: 'the authorization request refused',
          actual: outcomeOf(token),
        })
      : pass(token ? `redemption refused: ${outcomeOf(token)}` : 'the authorization request was refused'),
});
