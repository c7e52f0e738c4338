import { authorize, redeemCode } from '../../flows/authorization-code.js';
import { Blocked, NotApplicable } from '../../flows/blocked.js';
import { FLOWS } from '../../flows/flow-keys.js';
import { liveAccessToken, token } from '../../flows/grant-tokens.js';
import { claimsOf } from '../../flows/jwt.js';
import { callResource } from '../../flows/resources.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import type { TokenResult } from '../../flows/token.js';
import type { HttpResult } from '../../http/request.js';
import { parseJsonBody } from '../../http/json.js';
import { isObject } from '../../http/exchange.js';

/** The UserInfo Endpoint (OIDC Core §5.3) as a protected resource: called like any other. */
const USERINFO = { name: 'userinfo', endpoint: 'userinfo_endpoint' } as const;

/** The scopes that ask for claims about the End-User (OIDC Core §5.4), openid included. */
const CLAIM_SCOPES = ['openid', 'profile', 'email', 'address', 'phone'];

/**
 * An access token obtained by an OpenID Connect authentication request of the grant (OIDC Core §5.3): the grant's
 * own when it asks only for OpenID scopes, else a fresh authorization asking for those alone, so that a server that
 * issues each token for one audience (RFC 8707) issues this one for the UserInfo Endpoint.
 */
export function userinfoToken(run: SuiteRun, grantName: string): Promise<TokenResult> {
  return run.memo.once(FLOWS.userinfoToken(grantName), async () => {
    const grant = run.suite.codeGrant(grantName);
    const scopes = (grant.scope ?? '').split(' ').filter(Boolean);
    const kept = scopes.filter((s) => CLAIM_SCOPES.includes(s));
    if (kept.length === scopes.length) return token(run, grantName);
    const narrowed = { ...grant, scope: kept.join(' ') };
    const authorization = await authorize(run, grantName, narrowed, { label: `authorize (${grantName}, OpenID scopes for userinfo)` });
    return redeemCode(run, grantName, narrowed, authorization, { label: `token (${grantName}, OpenID scopes for userinfo)` });
  });
}

/** The userinfo endpoint called with the grant's user token, with no token, or with a client_credentials grant's token. */
export function userinfo(run: SuiteRun, grantName: string, probe: 'user' | 'none' | 'machine'): Promise<HttpResult> {
  const key = FLOWS.userinfo(probe === 'none' ? '' : grantName, probe);
  return run.memo.once(key, async () => {
    const call = (value?: string) => callResource(run, USERINFO, `userinfo (${probe === 'none' ? 'no token' : `${grantName}'s token`})`, value);
    if (probe === 'none') return call();
    if (probe === 'machine') return call(await liveAccessToken(run, grantName));
    const result = await userinfoToken(run, grantName);
    if (!result.accessToken) throw new Blocked(`the authorization for userinfo issued no access token`, result.exchanges);
    return call(result.accessToken);
  });
}

/** The first grant of the suite whose token userinfo must accept (authorization_code asking openid): the refusals' control. */
export function userGrant(run: SuiteRun): string {
  const found = run.suite.grants().find(([, g]) => g.type === 'authorization_code' && (g.scope ?? '').split(' ').includes('openid'));
  if (!found) throw new NotApplicable('the suite has no authorization_code grant asking for openid, whose token the UserInfo Endpoint must accept');
  return found[0];
}

/**
 * The claims a UserInfo Response carries (OIDC Core §5.3.2): a JSON object, or a JWT's claims when it is signed
 * (application/jwt). Read from the response as received: a report shows a JWT only decoded.
 */
export function userinfoClaims({ response }: HttpResult): Record<string, unknown> | string {
  if (!response) return 'no response';
  const type = response.headers['content-type'] ?? '';
  if (/^application\/jwt\s*(;|$)/i.test(type)) return claimsOf(response.body.trim()) ?? 'a body labelled application/jwt that is no JWT';
  try {
    const value = parseJsonBody(response.body);
    return isObject(value) ? value : 'a JSON value that is not an object';
  } catch {
    return `neither JSON nor a JWT (Content-Type: ${type || 'none'})`;
  }
}
