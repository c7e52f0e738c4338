import { randomValue, type Authorization } from '../../flows/authorization-code.js';
import { FLOWS } from '../../flows/flow-keys.js';
import { freshAuthorization } from '../../flows/fresh-grants.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import type { TokenResult } from '../../flows/token.js';

/** RFC 7636 §4.5 misuse: a wrong verifier, or none. */
export function verifierProbe(run: SuiteRun, grantName: string, kind: 'wrong' | 'missing'): Promise<TokenResult> {
  return run.memo.once(FLOWS.verifier(grantName, kind), async () => {
    const { redeem } = await freshAuthorization(run, grantName, `${kind} code_verifier`);
    return redeem(`${kind} code_verifier`, { verifier: kind === 'wrong' ? randomValue() : null });
  });
}

/** An authorization request without code_challenge; if a code comes back, its redemption without a verifier. */
export function withoutPkce(run: SuiteRun, grantName: string): Promise<{ authorization: Authorization; token?: TokenResult }> {
  return run.memo.once(FLOWS.withoutPkce(grantName), async () => {
    const { authorization, redeem } = await freshAuthorization(run, grantName, 'no PKCE', false);
    return { authorization, token: authorization.code ? await redeem('no code_verifier', { verifier: null }) : undefined };
  });
}
