import { authorize, redeemCode, type Authorization, type RedeemOptions } from './authorization-code.js';
import { clientCredentials } from './client-credentials.js';
import type { RunContext } from './context.js';
import type { TokenResult } from './token.js';

/**
 * Grants run again for a probe that spends, misuses or revokes what they issue, so that a server that revokes a grant
 * on misuse (as RFC 6749 §4.1.2 suggests) never disturbs the tokens other checks read.
 */

/** A fresh authorization of a code grant, and how to redeem it; `purpose` names its requests in the report. */
export async function freshAuthorization(run: RunContext, grantName: string, purpose: string, pkce?: boolean) {
  const grant = run.suite.codeGrant(grantName);
  const authorization: Authorization = await authorize(run, grantName, grant, { label: `authorize (${grantName}, ${purpose})`, pkce });
  const redeem = (label: string, options: Omit<RedeemOptions, 'label'> = {}) =>
    redeemCode(run, grantName, grant, authorization, { ...options, label: `token (${grantName}, ${purpose}: ${label})` });
  return { grant, authorization, redeem };
}

/** A fresh authorization redeemed for its tokens. */
export async function freshTokens(run: RunContext, grantName: string, purpose: string): Promise<TokenResult> {
  const grant = run.suite.codeGrant(grantName);
  const authorization = await authorize(run, grantName, grant, { label: `authorize (${grantName}, ${purpose})` });
  return redeemCode(run, grantName, grant, authorization, { label: `token (${grantName}, ${purpose})` });
}

/** A fresh access token of any grant: client_credentials asks again, a code grant authorizes again. */
export function freshAccessToken(run: RunContext, grantName: string, purpose: string): Promise<TokenResult> {
  const grant = run.suite.grant(grantName);
  return grant.type === 'client_credentials'
    ? clientCredentials(run, grantName, grant, `token (${grantName}, ${purpose})`)
    : freshTokens(run, grantName, purpose);
}
