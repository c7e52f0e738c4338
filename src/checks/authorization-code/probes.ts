import type { HttpResult } from '../../http/request.js';
import { authorizeWithRedirectUri, redirectUriOf, type Authorization } from '../../flows/authorization-code.js';
import { FLOWS } from '../../flows/flow-keys.js';
import { freshAuthorization } from '../../flows/fresh-grants.js';
import { callResource } from '../../flows/resources.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import type { TokenResult } from '../../flows/token.js';

/** Probes of an authorization_code grant that misuse a code, each on its own fresh authorization. */

/** A registered redirect_uri with a suffix: what a server that compares by prefix would accept. */
function mismatchedRedirectUri(redirectUri: string): string {
  return `${redirectUri}-mismatch`;
}

/** A code redeemed, then redeemed again; then the first access token tried at the grant's resource. */
export function codeReplay(run: SuiteRun, grantName: string): Promise<{ first: TokenResult; second: TokenResult; after?: HttpResult }> {
  return run.memo.once(FLOWS.codeReplay(grantName), async () => {
    const { redeem } = await freshAuthorization(run, grantName, 'replay');
    const first = await redeem('first');
    const second = await redeem('again');
    const [resource] = run.suite.resourcesOf(grantName);
    const after =
      resource && first.accessToken
        ? await callResource(run, resource, `resource ${resource.name} (first token after the replay)`, first.accessToken)
        : undefined;
    return { first, second, after };
  });
}

/** A code redeemed twice at the same moment. */
export function codeRace(run: SuiteRun, grantName: string): Promise<TokenResult[]> {
  return run.memo.once(FLOWS.codeRace(grantName), async () => {
    const { redeem } = await freshAuthorization(run, grantName, 'parallel');
    return Promise.all([redeem('one'), redeem('two')]);
  });
}

/** A code redeemed with another redirect_uri than the one it was issued for. */
export function redirectMismatchAtToken(run: SuiteRun, grantName: string): Promise<TokenResult> {
  return run.memo.once(FLOWS.redirectMismatchAtToken(grantName), async () => {
    const redirectUri = mismatchedRedirectUri(redirectUriOf(grantName, run.suite.codeGrant(grantName)));
    const { redeem } = await freshAuthorization(run, grantName, 'redirect_uri mismatch');
    return redeem('other redirect_uri', { redirectUri });
  });
}

/** An authorization request naming an unregistered redirect_uri. */
export function redirectMismatchAtAuthorize(run: SuiteRun, grantName: string): Promise<{ authorization: Authorization; redirectUri: string }> {
  return run.memo.once(FLOWS.redirectMismatchAtAuthorize(grantName), async () => {
    const grant = run.suite.codeGrant(grantName);
    const redirectUri = mismatchedRedirectUri(redirectUriOf(grantName, grant));
    return { authorization: await authorizeWithRedirectUri(run, grantName, grant, redirectUri), redirectUri };
  });
}
