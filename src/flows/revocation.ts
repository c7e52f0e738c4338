import type { HttpResult } from '../http/request.js';
import { clientCertificate } from '../suite/client-certificate.js';
import { NotApplicable } from './blocked.js';
import { authenticatedPost, usesJwtAssertion } from './client-auth.js';
import type { Endpoint, RunContext } from './context.js';

/**
 * How a token-management request presents the grant's client: with its credentials (RFC 6749 §2.3), or with its
 * client_id alone, as a request that omits them would (what RFC 7009 §2.1 and RFC 7662 §2.1 require to be refused).
 */
export type Presentation = 'authenticated' | 'unauthenticated';

/** The grant's client, which must have credentials to leave out for an unauthenticated request to mean anything. */
export function confidentialClient(run: RunContext, grantName: string): void {
  const name = run.suite.grant(grantName).client;
  const client = run.client(name);
  if (client.auth === 'none' || (!client.secret && !usesJwtAssertion(client)))
    throw new NotApplicable(`client ${name} is public: it has no credentials to leave out`);
}

/** A token POSTed to the revocation or introspection endpoint by the grant's client. */
export async function postToken(
  run: RunContext,
  endpoint: Extract<Endpoint, 'revocation_endpoint' | 'introspection_endpoint'>,
  grantName: string,
  params: { token: string; token_type_hint?: string },
  { label, presentation = 'authenticated' }: { label: string; presentation?: Presentation },
): Promise<HttpResult> {
  const url = await run.endpoint(endpoint);
  const client = run.client(run.suite.grant(grantName).client);
  const presented = presentation === 'authenticated' ? client : { id: client.id, auth: 'none' as const };
  // A JWT assertion names the authorization server by its token endpoint (RFC 7523 §3), at every endpoint.
  // Asking about or revoking a token spends nothing, so a 5xx may be retried.
  // The certificate authenticates a tls_client_auth client (RFC 8705 §2), so an unauthenticated request goes without it.
  const certificate = presentation === 'authenticated' ? clientCertificate(client) : undefined;
  const request = { label, url, secrets: [params.token, client.secret], replayable: true, certificate };
  return run.send(await authenticatedPost(presented, params, await run.tokenEndpoint(grantName), request));
}

/** RFC 7009 §2.1: revoke a token at the revocation endpoint, as the grant's client. */
export function revoke(
  run: RunContext,
  grantName: string,
  token: string,
  hint: 'access_token' | 'refresh_token',
  presentation: Presentation = 'authenticated',
): Promise<HttpResult> {
  const how = presentation === 'authenticated' ? '' : ', without client authentication';
  return postToken(run, 'revocation_endpoint', grantName, { token, token_type_hint: hint }, { label: `revoke ${hint} (${grantName}${how})`, presentation });
}
