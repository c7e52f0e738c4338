import type { HttpResult } from '../../http/request.js';
import type { Resource } from '../../suite/suite.types.js';
import { Blocked, NotApplicable } from '../../flows/blocked.js';
import { FLOWS } from '../../flows/flow-keys.js';
import { freshAccessToken } from '../../flows/fresh-grants.js';
import { accessToken } from '../../flows/grant-tokens.js';
import { callResource } from '../../flows/resources.js';
import { revoke } from '../../flows/revocation.js';
import type { SuiteRun } from '../../flows/suite-run.js';

/** A fresh access token of the resource's grant revoked (RFC 7009 applies to every grant's tokens), then presented to it. */
export function resourceAfterRevocation(run: SuiteRun, resource: Resource): Promise<{ revocation: HttpResult; after: HttpResult }> {
  return run.memo.once(FLOWS.resourceAfterRevocation(resource.name), async () => {
    // Before any token is spent: without a revocation endpoint there is nothing to probe.
    await run.endpoint('revocation_endpoint');
    if (!resource.grant) throw new NotApplicable(`resource ${resource.name} is called with vendor headers, not a grant's token`);
    const original = await freshAccessToken(run, resource.grant, 'access token revocation');
    if (!original.accessToken) throw new Blocked(`grant ${resource.grant} issued no access token`, original.exchanges);
    const revocation = await revoke(run, resource.grant, original.accessToken, 'access_token');
    return { revocation, after: await callResource(run, resource, `resource ${resource.name} (revoked token)`, original.accessToken) };
  });
}

/** The resource's grant's token, bound to its client's certificate, presented over a connection without it (RFC 8705 §3). */
export function resourceWithoutCertificate(run: SuiteRun, resource: Resource): Promise<HttpResult> {
  return run.memo.once(FLOWS.resourceWithoutCertificate(resource.name), async () =>
    callResource(run, resource, `resource ${resource.name} (without the client certificate)`, await accessToken(run, resource.grant), 'header', false),
  );
}
