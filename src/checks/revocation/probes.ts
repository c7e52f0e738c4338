import { errorCodeOf } from '../../http/exchange.js';
import type { HttpResult } from '../../http/request.js';
import type { Resource } from '../../suite/suite.types.js';
import { randomValue } from '../../flows/authorization-code.js';
import { Blocked, NotApplicable } from '../../flows/blocked.js';
import { FLOWS } from '../../flows/flow-keys.js';
import { freshAccessToken, freshTokens } from '../../flows/fresh-grants.js';
import { accessTokenOf } from '../../flows/grant-tokens.js';
import { callResource } from '../../flows/resources.js';
import { confidentialClient, postToken, revoke } from '../../flows/revocation.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import type { TokenResult } from '../../flows/token.js';
import { refresh, refreshTokenOf } from '../refresh/probes.js';

/** Revocation (RFC 7009), each probe on tokens of its own so that what it revokes disturbs no other check. */

/** A refresh token revoked, then used. */
export function refreshAfterRevocation(run: SuiteRun, grantName: string): Promise<{ revocation: HttpResult; refreshed: TokenResult }> {
  return run.memo.once(FLOWS.refreshAfterRevocation(grantName), async () => {
    // Before any token is spent: without a revocation endpoint there is nothing to probe.
    await run.endpoint('revocation_endpoint');
    const original = await freshTokens(run, grantName, 'revocation');
    const value = refreshTokenOf(run, original);
    const revocation = await revoke(run, grantName, value, 'refresh_token');
    return { revocation, refreshed: await refresh(run, grantName, value, 'refresh with the revoked token') };
  });
}

/** A fresh access token of the grant (RFC 7009 applies to every grant's tokens), revoked by its client. */
export function revokedAccessToken(run: SuiteRun, grantName: string) {
  return run.memo.once(FLOWS.revokedAccessToken(grantName), async () => {
    await run.endpoint('revocation_endpoint');
    const token = await freshAccessToken(run, grantName, 'access token revocation');
    const accessToken = accessTokenOf(token);
    return { token: { ...token, accessToken }, revocation: await revoke(run, grantName, accessToken, 'access_token') };
  });
}

/** The revocation of a grant's fresh access token, accepted; not applicable where the server does not revoke access tokens. */
export async function acceptedRevocation(run: SuiteRun, grantName: string) {
  const revoked = await revokedAccessToken(run, grantName);
  const { exchange } = revoked.revocation;
  // RFC 7009 §2.2.1: a server may not revoke access tokens at all, and says so.
  if (errorCodeOf(exchange) === 'unsupported_token_type')
    throw new NotApplicable(`the authorization server does not revoke grant ${grantName}'s access tokens (unsupported_token_type)`);
  if (exchange.response?.status !== 200)
    throw new Blocked(`the revocation request was not accepted: ${exchange.response?.status ?? exchange.error}`, [exchange]);
  return revoked;
}

/** The grant's revoked access token presented to a resource of that grant. */
export function resourceAfterRevocation(run: SuiteRun, resource: Resource): Promise<{ revocation: HttpResult; after: HttpResult }> {
  return run.memo.once(FLOWS.resourceAfterRevocation(resource.name), async () => {
    if (!resource.grant) throw new NotApplicable(`resource ${resource.name} is called with vendor headers, not a grant's token`);
    const { token, revocation } = await revokedAccessToken(run, resource.grant);
    return { revocation, after: await callResource(run, resource, `resource ${resource.name} (revoked token)`, token.accessToken) };
  });
}

/** RFC 7009 §2.2: a token the server never issued, revoked by the grant's client (with no hint: its type is unknown). */
export function revocationOfUnknownToken(run: SuiteRun, grantName: string): Promise<HttpResult> {
  return run.memo.once(FLOWS.revocationOfUnknownToken(grantName), () =>
    postToken(run, 'revocation_endpoint', grantName, { token: `conformance-unknown-${randomValue()}` }, { label: `revoke an unknown token (${grantName})` }),
  );
}

/**
 * A fresh access token of the grant revoked first without the client's credentials (the probe), then with them (the
 * control: the same request done right is accepted).
 */
export function revocationWithoutClientAuth(run: SuiteRun, grantName: string): Promise<{ probe: HttpResult; control: HttpResult }> {
  return run.memo.once(FLOWS.revocationWithoutClientAuth(grantName), async () => {
    await run.endpoint('revocation_endpoint');
    confidentialClient(run, grantName);
    const accessToken = accessTokenOf(await freshAccessToken(run, grantName, 'revocation without client authentication'));
    const probe = await revoke(run, grantName, accessToken, 'access_token', 'unauthenticated');
    return { probe, control: await revoke(run, grantName, accessToken, 'access_token') };
  });
}
