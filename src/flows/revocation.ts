import type { HttpResult } from '../http/request.js';
import { tokenRequest } from './client-auth.js';
import type { RunContext } from './context.js';

/** RFC 7009 §2.1: revoke a token at the revocation endpoint, authenticated as the grant's client. */
export async function revoke(run: RunContext, grantName: string, token: string, hint: 'access_token' | 'refresh_token'): Promise<HttpResult> {
  const url = await run.endpoint('revocation_endpoint');
  // A JWT assertion names the authorization server by its token endpoint (RFC 7523 §3), at every endpoint.
  const audience = await run.tokenEndpoint(grantName);
  const { headers, body, secrets } = await tokenRequest(run.client(run.suite.grant(grantName).client), { token, token_type_hint: hint }, audience);
  return run.send({ label: `revoke ${hint} (${grantName})`, method: 'POST', url, headers, body, secrets: [...secrets, token] });
}
