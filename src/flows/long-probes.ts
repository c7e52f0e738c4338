import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpResult } from '../http/client.js';
import { authorize, redeemCode } from './authorization-code.js';
import { Blocked, NotApplicable } from './blocked.js';
import type { SuiteFlows } from './suite-flows.js';
import type { TokenResult } from './token.js';

/**
 * Probes that wait out a lifetime (`--long`). Each starts as soon as its token or code exists and sleeps alongside
 * every other flow, so a long run takes about the longest lifetime, not their sum.
 */

function requireLong(flows: SuiteFlows): void {
  if (!flows.options.long) throw new NotApplicable('waits out a lifetime: run with --long');
}

/** Waits, unless the run's deadline comes first: then the probe cannot run, and says why. */
export async function wait(flows: SuiteFlows, seconds: number): Promise<void> {
  const deadline = flows.options.http.deadlineAt;
  if (deadline !== undefined && Date.now() + seconds * 1000 > deadline) throw new Blocked(`waiting ${seconds} s would pass the run's deadline (--deadline)`);
  await sleep(seconds * 1000);
}

/** A margin past the lifetime, for clocks and rounding. */
const GRACE_SECONDS = 1;

/** The grant's access token presented to its resource once expires_in has passed. */
export function afterAccessTokenExpiry(flows: SuiteFlows, resourceName: string): Promise<{ token: TokenResult; waited: number; after: HttpResult }> {
  return flows.once(`expired:${resourceName}`, async () => {
    requireLong(flows);
    const resource = flows.suite.resources?.find((r) => r.name === resourceName);
    if (!resource) throw new Blocked(`unknown resource ${resourceName}`);
    const accessToken = await flows.accessToken(resource.grant);
    const token = await flows.token(resource.grant!);
    const expiresIn = token.issued?.expires_in;
    if (typeof expiresIn !== 'number') throw new NotApplicable('the token response states no numeric expires_in to wait out');
    const waited = expiresIn + GRACE_SECONDS;
    await wait(flows, waited);
    return { token, waited, after: await flows.callResource(resource, `resource ${resource.name} (after expires_in)`, accessToken) };
  });
}

/** A code redeemed once the suite's declared code lifetime has passed. */
export function afterCodeExpiry(flows: SuiteFlows, grantName: string): Promise<{ lifetime: number; token: TokenResult }> {
  return flows.once(`code-expired:${grantName}`, async () => {
    const declared = flows.suite.expect?.lifetimes?.code;
    if (declared === undefined) throw new NotApplicable('the suite declares no code lifetime (expect.lifetimes.code)');
    requireLong(flows);
    const grant = flows.codeGrant(grantName);
    const lifetime = Number(declared);
    const authorization = await authorize(flows, grantName, grant, { label: `authorize (${grantName}, code expiry)` });
    await wait(flows, lifetime + GRACE_SECONDS);
    return { lifetime, token: await redeemCode(flows, grantName, grant, authorization, { label: `token (${grantName}, code after ${lifetime + GRACE_SECONDS} s)` }) };
  });
}
