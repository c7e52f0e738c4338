import { codeSaid } from '../http/exchange.js';
import { authorizationCode, type Authorization } from './authorization-code.js';
import { Blocked, NotApplicable } from './blocked.js';
import { clientCredentials } from './client-credentials.js';
import type { RunContext } from './context.js';
import { FLOWS } from './flow-keys.js';
import type { TokenResult } from './token.js';

/** The grant as the suite declares it: the token every other check on this grant reads. */
export function token(run: RunContext, grantName: string): Promise<TokenResult & { authorization?: Authorization }> {
  return run.memo.once(FLOWS.token(grantName), () => {
    const grant = run.suite.grant(grantName);
    return grant.type === 'client_credentials' ? clientCredentials(run, grantName, grant) : authorizationCode(run, grantName, grant);
  });
}

/** The grant's access token, or Blocked saying why there is none. */
export async function accessToken(run: RunContext, grantName: string | undefined): Promise<string> {
  if (!grantName) throw new NotApplicable("this resource is called with vendor headers, not a grant's token");
  const result = await token(run, grantName);
  if (!result.accessToken) {
    const { exchange, response } = result.token;
    throw new Blocked(
      `grant ${grantName} issued no access token (${exchange.error ?? `token endpoint answered ${response?.status}${codeSaid(exchange)}`})`,
      result.exchanges,
    );
  }
  return result.accessToken;
}
