import type { HttpResult } from '../http/client.js';
import { authorize, authorizeWithRedirectUri, redeemCode, randomValue, redirectUriOf, type Authorization } from './authorization-code.js';
import type { SuiteFlows } from './suite-flows.js';
import type { TokenResult } from './token.js';

/**
 * Probes of an authorization_code grant that misuse a code. Each runs its own fresh authorization, so a server
 * that revokes a grant on misuse (as RFC 6749 §4.1.2 suggests) never disturbs the tokens other checks read.
 */

/** A registered redirect_uri with a suffix: what a server that compares by prefix would accept. */
export function mismatchedRedirectUri(redirectUri: string): string {
  return `${redirectUri}-mismatch`;
}

async function fresh(flows: SuiteFlows, grantName: string, purpose: string, pkce?: boolean) {
  const grant = flows.codeGrant(grantName);
  const authorization = await authorize(flows, grantName, grant, { label: `authorize (${grantName}, ${purpose})`, pkce });
  const redeem = (label: string, options: Parameters<typeof redeemCode>[4] = {}) =>
    redeemCode(flows, grantName, grant, authorization, { ...options, label: `token (${grantName}, ${purpose}: ${label})` });
  return { grant, authorization, redeem };
}

/** A code redeemed, then redeemed again; then the first access token tried at the grant's resource. */
export function codeReplay(flows: SuiteFlows, grantName: string): Promise<{ first: TokenResult; second: TokenResult; after?: HttpResult }> {
  return flows.once(`code-replay:${grantName}`, async () => {
    const { redeem } = await fresh(flows, grantName, 'replay');
    const first = await redeem('first');
    const second = await redeem('again');
    const resource = flows.suite.resources?.find((r) => r.grant === grantName);
    const after = resource && first.accessToken ? await flows.callResource(resource, `resource ${resource.name} (first token after the replay)`, first.accessToken) : undefined;
    return { first, second, after };
  });
}

/** A code redeemed twice at the same moment. */
export function codeRace(flows: SuiteFlows, grantName: string): Promise<TokenResult[]> {
  return flows.once(`code-race:${grantName}`, async () => {
    const { redeem } = await fresh(flows, grantName, 'parallel');
    return Promise.all([redeem('one'), redeem('two')]);
  });
}

/** A code redeemed with another redirect_uri than the one it was issued for. */
export function redirectMismatchAtToken(flows: SuiteFlows, grantName: string): Promise<TokenResult> {
  return flows.once(`redirect-mismatch-token:${grantName}`, async () => {
    const redirectUri = mismatchedRedirectUri(redirectUriOf(grantName, flows.codeGrant(grantName)));
    const { redeem } = await fresh(flows, grantName, 'redirect_uri mismatch');
    return redeem('other redirect_uri', { redirectUri });
  });
}

/** An authorization request naming an unregistered redirect_uri. */
export function redirectMismatchAtAuthorize(flows: SuiteFlows, grantName: string): Promise<{ authorization: Authorization; redirectUri: string }> {
  return flows.once(`redirect-mismatch-authorize:${grantName}`, async () => {
    const grant = flows.codeGrant(grantName);
    const redirectUri = mismatchedRedirectUri(redirectUriOf(grantName, grant));
    return { authorization: await authorizeWithRedirectUri(flows, grantName, grant, redirectUri), redirectUri };
  });
}

/** RFC 7636 §4.5 misuse: a wrong verifier, or none. */
export function verifierProbe(flows: SuiteFlows, grantName: string, kind: 'wrong' | 'missing'): Promise<TokenResult> {
  return flows.once(`verifier-${kind}:${grantName}`, async () => {
    const { redeem } = await fresh(flows, grantName, `${kind} code_verifier`);
    return redeem(`${kind} code_verifier`, { verifier: kind === 'wrong' ? randomValue() : null });
  });
}

/** An authorization request without code_challenge; if a code comes back, its redemption without a verifier. */
export function withoutPkce(flows: SuiteFlows, grantName: string): Promise<{ authorization: Authorization; token?: TokenResult }> {
  return flows.once(`without-pkce:${grantName}`, async () => {
    const { authorization, redeem } = await fresh(flows, grantName, 'no PKCE', false);
    return { authorization, token: authorization.code ? await redeem('no code_verifier', { verifier: null }) : undefined };
  });
}
