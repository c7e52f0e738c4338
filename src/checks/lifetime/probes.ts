import type { HttpResult } from '../../http/request.js';
import { authorize, redeemCode } from '../../flows/authorization-code.js';
import { NotApplicable } from '../../flows/blocked.js';
import { FLOWS } from '../../flows/flow-keys.js';
import { accessToken, token } from '../../flows/grant-tokens.js';
import { callResource } from '../../flows/resources.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import type { TokenResult } from '../../flows/token.js';
import { wait } from '../../flows/wait.js';

/**
 * Probes that wait out a lifetime (`--long`). Each starts as soon as its token or code exists and sleeps alongside
 * every other flow, so a long run takes about the longest lifetime, not their sum.
 */

/** A margin past the lifetime, for clocks and rounding. */
const GRACE_SECONDS = 1;

/** The grant's access token presented to its resource once expires_in has passed. */
export function afterAccessTokenExpiry(run: SuiteRun, resourceName: string): Promise<{ token: TokenResult; waited: number; after: HttpResult }> {
  return run.memo.once(FLOWS.afterAccessTokenExpiry(resourceName), async () => {
    const resource = run.suite.resource(resourceName);
    const value = await accessToken(run, resource.grant);
    const result = await token(run, resource.grant!);
    const expiresIn = result.issued?.expires_in;
    if (typeof expiresIn !== 'number') throw new NotApplicable('the token response states no numeric expires_in to wait out');
    const waited = expiresIn + GRACE_SECONDS;
    await wait(run.suite.options.http, waited);
    return { token: result, waited, after: await callResource(run, resource, `resource ${resource.name} (after expires_in)`, value) };
  });
}

/** A code redeemed once the suite's declared code lifetime has passed. */
export function afterCodeExpiry(run: SuiteRun, grantName: string): Promise<{ lifetime: number; token: TokenResult }> {
  return run.memo.once(FLOWS.afterCodeExpiry(grantName), async () => {
    const grant = run.suite.codeGrant(grantName);
    const lifetime = Number(run.suite.expect.lifetimes!.code);
    const authorization = await authorize(run, grantName, grant, { label: `authorize (${grantName}, code expiry)` });
    await wait(run.suite.options.http, lifetime + GRACE_SECONDS);
    return {
      lifetime,
      token: await redeemCode(run, grantName, grant, authorization, { label: `token (${grantName}, code after ${lifetime + GRACE_SECONDS} s)` }),
    };
  });
}
