import { authorize, freshAuthorizationParams, reuseRequestUri, type Authorization } from '../../flows/authorization-code.js';
import { Blocked } from '../../flows/blocked.js';
import { FLOWS } from '../../flows/flow-keys.js';
import { pushAuthorization, pushFailure, type Pushed } from '../../flows/par.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { wait } from '../../flows/wait.js';

/** Pushed authorization requests (RFC 9126) and their misuse, each on a push of its own. */

/** A margin past the request_uri's lifetime, for clocks and rounding. */
const GRACE_SECONDS = 1;

/** An authorization pushed first and walked with its request_uri: the par checks' control. */
export function pushedAuthorization(run: SuiteRun, grantName: string): Promise<Authorization> {
  return run.memo.once(FLOWS.pushedAuthorization(grantName), () =>
    authorize(run, grantName, run.suite.codeGrant(grantName), { par: true, label: `authorize (${grantName}, pushed)` }),
  );
}

/** A pushed authorization walked, then its request_uri sent to the authorization endpoint again. */
export function requestUriReuse(run: SuiteRun, grantName: string): Promise<{ first: Authorization; again: Authorization }> {
  return run.memo.once(FLOWS.requestUriReuse(grantName), async () => {
    const grant = run.suite.codeGrant(grantName);
    const first = await authorize(run, grantName, grant, { par: true, label: `authorize (${grantName}, request_uri first use)` });
    return { first, again: await reuseRequestUri(run, `authorize (${grantName}, request_uri used again)`, grant, first) };
  });
}

/** A push whose request_uri is first sent to the authorization endpoint once its expires_in has passed (--long). */
export function requestUriExpired(run: SuiteRun, grantName: string): Promise<{ pushed: Authorization; waited: number; after: Authorization }> {
  return run.memo.once(FLOWS.requestUriExpired(grantName), async () => {
    const grant = run.suite.codeGrant(grantName);
    const label = `authorize (${grantName}, request_uri after expires_in)`;
    const params = freshAuthorizationParams(run, grant);
    const push = await pushAuthorization(run, run.client(grant.client), params, { label: `${label} push` });
    const pushed: Authorization = { exchanges: [push.result.exchange], state: params.state!, pushed: push };
    if (!push.requestUri) throw new Blocked(pushFailure(push), pushed.exchanges);
    if (typeof push.expiresIn !== 'number' || !(push.expiresIn > 0)) throw new Blocked('the push states no positive expires_in to wait out', pushed.exchanges);
    const waited = push.expiresIn + GRACE_SECONDS;
    await wait(run.suite.options.http, waited);
    return { pushed, waited, after: await reuseRequestUri(run, label, grant, pushed) };
  });
}

/** An authorization request sent to the authorization endpoint as it is, not pushed. */
export function withoutPar(run: SuiteRun, grantName: string): Promise<Authorization> {
  return run.memo.once(FLOWS.withoutPar(grantName), () =>
    authorize(run, grantName, run.suite.codeGrant(grantName), { par: false, label: `authorize (${grantName}, not pushed)` }),
  );
}

/** An authorization request pushed with the client's id but without its authentication. */
export function unauthenticatedPush(run: SuiteRun, grantName: string): Promise<Pushed> {
  return run.memo.once(FLOWS.unauthenticatedPush(grantName), () => {
    const grant = run.suite.codeGrant(grantName);
    return pushAuthorization(run, run.client(grant.client), freshAuthorizationParams(run, grant), {
      label: `push (${grantName}, without client authentication)`,
      authenticated: false,
    });
  });
}
