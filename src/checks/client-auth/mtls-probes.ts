import { Blocked } from '../../flows/blocked.js';
import { FLOWS } from '../../flows/flow-keys.js';
import { token } from '../../flows/grant-tokens.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { redeem, type TokenResult } from '../../flows/token.js';
import { outcomeOf } from '../verdicts.js';

/**
 * A client_credentials grant's request made again over a connection that presents no certificate (RFC 8705 §2), after
 * its control: the grant's own request, with the certificate, got a token.
 */
export function withoutCertificate(run: SuiteRun, grantName: string): Promise<{ control: TokenResult; probe: TokenResult }> {
  return run.memo.once(FLOWS.withoutCertificate(grantName), async () => {
    const control = await token(run, grantName);
    if (!control.accessToken) throw new Blocked(`the request with the certificate got no token either: ${outcomeOf(control)}`, control.exchanges);
    const grant = run.suite.grant(grantName);
    const client = { ...run.suite.client(grant.client), certificate: undefined, key: undefined };
    const params = { grant_type: 'client_credentials', scope: grant.type === 'client_credentials' ? grant.scope : undefined };
    return { control, probe: await redeem(run, grantName, client, params, [], `token (${grantName}: without the client certificate)`) };
  });
}
