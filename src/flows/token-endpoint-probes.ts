import type { HttpResult } from '../http/client.js';
import type { Client } from '../suite/suite.types.js';
import { NotApplicable } from './blocked.js';
import { tokenRequest } from './client-auth.js';
import type { SuiteFlows } from './suite-flows.js';

/** Requests a conforming token endpoint must refuse (RFC 6749 §2.3.1, §3.1, §3.2, §5.2). */
export type TokenEndpointProbe =
  | 'wrong-secret-basic'
  | 'wrong-secret-post'
  | 'unknown-grant-type'
  | 'missing-grant-type'
  | 'duplicate-parameter'
  | 'get'
  | 'credentials-in-query';

export const WRONG_SECRET = 'conformance-wrong-secret';
export const UNKNOWN_GRANT_TYPE = 'urn:oauth-conformance:unknown-grant';

/** The client the probes authenticate as: the first client_credentials grant's, else any client with a secret. */
export function probeClient(flows: SuiteFlows): { name: string; client: Client } {
  const grants = Object.entries(flows.suite.grants ?? {}).filter(([name]) => !flows.suite.disabled[`grants.${name}`]);
  const name =
    grants.find(([, g]) => g.type === 'client_credentials')?.[1].client ??
    Object.keys(flows.suite.clients ?? {}).find((c) => flows.suite.clients?.[c]?.secret && !flows.suite.disabled[`clients.${c}`]);
  const client = name ? flows.suite.clients?.[name] : undefined;
  if (!name || !client?.secret) throw new NotApplicable('the suite has no client with a secret to probe the token endpoint with');
  return { name, client };
}

export function tokenEndpointProbe(flows: SuiteFlows, probe: TokenEndpointProbe): Promise<HttpResult> {
  return flows.once(`token-endpoint:${probe}`, async () => {
    const url = new URL(await flows.endpoint('token_endpoint'));
    const { client } = probeClient(flows);
    const grant = { grant_type: 'client_credentials' };
    const basic = { ...client, auth: 'client_secret_basic' as const };
    const send = (request: { headers: Record<string, string>; body?: string }, method = 'POST', target = url.href) =>
      flows.send({ label: `token endpoint probe: ${probe}`, method, url: target, ...request, secrets: [client.secret] });
    switch (probe) {
      case 'wrong-secret-basic':
        return send(tokenRequest({ ...basic, secret: WRONG_SECRET }, grant));
      case 'wrong-secret-post':
        return send(tokenRequest({ ...client, auth: 'client_secret_post', secret: WRONG_SECRET }, grant));
      case 'unknown-grant-type':
        return send(tokenRequest(basic, { grant_type: UNKNOWN_GRANT_TYPE }));
      case 'missing-grant-type':
        return send(tokenRequest(basic, { scope: 'openid' }));
      case 'duplicate-parameter': {
        const request = tokenRequest(basic, grant);
        return send({ ...request, body: `${request.body}&grant_type=client_credentials` });
      }
      case 'get': {
        const { headers } = tokenRequest(basic, grant);
        const target = new URL(url);
        target.searchParams.set('grant_type', 'client_credentials');
        return send({ headers: { authorization: headers.authorization!, accept: 'application/json' } }, 'GET', target.href);
      }
      case 'credentials-in-query': {
        const target = new URL(url);
        target.searchParams.set('client_id', client.id);
        target.searchParams.set('client_secret', client.secret ?? '');
        return send({ headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: 'grant_type=client_credentials' }, 'POST', target.href);
      }
    }
  });
}
