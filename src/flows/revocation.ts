import type { HttpResult } from '../http/request.js';
import { clientCertificate } from '../suite/client-certificate.js';
import { tokenRequest } from './client-auth.js';
import type { RunContext } from './context.js';

/** RFC 7009 §2.1: revoke a token at the revocation endpoint, authenticated as the grant's client. */
export async function revoke(run: RunContext, grantName: string, token: string, hint: 'access_token' | 'refresh_token'): Promise<HttpResult> {
  const url = await run.endpoint('revocation_endpoint');
  const client = run.client(run.suite.grant(grantName).client);
  const { headers, body } = tokenRequest(client, { token, token_type_hint: hint });
  return run.send({ label: `revoke ${hint} (${grantName})`, method: 'POST', url, headers, body, secrets: [token], certificate: clientCertificate(client) });
}
