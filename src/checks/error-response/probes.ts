import type { HttpRequest, HttpResult } from '../../http/request.js';
import { clientCertificate } from '../../suite/client-certificate.js';
import type { Client, Grant } from '../../suite/suite.types.js';
import { NotApplicable } from '../../flows/blocked.js';
import { authenticatedPost, type SuiteClient } from '../../flows/client-auth.js';
import { FLOWS, type TokenEndpointProbe } from '../../flows/flow-keys.js';
import type { SuiteRun } from '../../flows/suite-run.js';

export const WRONG_SECRET = 'conformance-wrong-secret';
const UNKNOWN_GRANT_TYPE = 'urn:oauth-conformance:unknown-grant';
const UNKNOWN_SCOPE = 'conformance:unknown-scope';

/**
 * The client the probes authenticate as at the suite's token endpoint: the first client_credentials grant's, else
 * another grant's client with a secret. Grants with a token endpoint of their own are left out: their clients are
 * unknown to this one.
 */
function probeClient(run: SuiteRun): { name: string; client: Client } {
  const grants = atSuiteTokenEndpoint(run);
  const withSecret = (g: (typeof grants)[number]) => run.suite.loaded.clients?.[g[1].client]?.secret !== undefined;
  const name = (grants.find((g) => g[1].type === 'client_credentials' && withSecret(g)) ?? grants.find(withSecret))?.[1].client;
  const client = name ? run.suite.loaded.clients?.[name] : undefined;
  if (!name || !client?.secret) throw new NotApplicable('the suite has no client with a secret to probe the token endpoint with');
  return { name, client };
}

/** The grants that run and use the suite's token endpoint: their clients are the ones it knows. */
function atSuiteTokenEndpoint(run: SuiteRun): Array<[string, Grant]> {
  return run.suite.grants().filter(([, g]) => !g.token_endpoint);
}

/** The client a probe authenticates as: the probes' client, or the one its case needs. */
function clientFor(run: SuiteRun, probe: TokenEndpointProbe): Client {
  if (probe !== 'unknown-scope' && probe !== 'grant-type-not-allowed') return probeClient(run).client;
  const grants = atSuiteTokenEndpoint(run);
  const machine = new Set(grants.filter(([, g]) => g.type === 'client_credentials').map(([, g]) => g.client));
  const name = probe === 'unknown-scope' ? [...machine][0] : grants.find(([, g]) => g.type === 'authorization_code' && !machine.has(g.client))?.[1].client;
  const client = name ? run.suite.loaded.clients?.[name] : undefined;
  if (!client?.secret) {
    throw new NotApplicable(
      probe === 'unknown-scope'
        ? 'the suite has no client_credentials grant with a secret to ask for an unknown scope'
        : 'the suite has no client that only uses authorization_code to ask for client_credentials',
    );
  }
  return client;
}

/**
 * Sends a probe as its client: no probe spends a one-time credential, so a 429 or 503 may be waited out and the probe
 * sent again; the client's certificate, if it has one, is presented as on its every request (a server binding its
 * tokens may require it).
 */
function probeRequest(probe: TokenEndpointProbe, client: Client, url: string) {
  return { label: `token endpoint probe: ${probe}`, url, secrets: [client.secret], replayable: true, certificate: clientCertificate(client) };
}

export function tokenEndpointProbe(run: SuiteRun, probe: TokenEndpointProbe): Promise<HttpResult> {
  return run.memo.once(FLOWS.tokenEndpointProbe(probe), async () => {
    const url = new URL(await run.endpoint('token_endpoint'));
    const client = clientFor(run, probe);
    const grant = { grant_type: 'client_credentials' };
    const basic = { ...client, auth: 'client_secret_basic' as const };
    const base = probeRequest(probe, client, url.href);
    const send = (request: Omit<HttpRequest, 'label' | 'url' | 'method'> & { method?: string; url?: string }) =>
      run.send({ ...base, method: 'POST', ...request });
    const authenticated = (as: SuiteClient, params: Record<string, string>) => authenticatedPost(as, params, url.href, base);
    switch (probe) {
      case 'control':
        return send(await authenticated(basic, grant));
      // These two authenticate as the suite says their client does: their case is not client authentication.
      case 'grant-type-not-allowed':
        return send(await authenticated(client, grant));
      case 'unknown-scope':
        return send(await authenticated(client, { ...grant, scope: UNKNOWN_SCOPE }));
      case 'wrong-secret-basic':
        return send(await authenticated({ ...basic, secret: WRONG_SECRET }, grant));
      case 'wrong-secret-post':
        return send(await authenticated({ ...client, auth: 'client_secret_post', secret: WRONG_SECRET }, grant));
      case 'unknown-grant-type':
        return send(await authenticated(basic, { grant_type: UNKNOWN_GRANT_TYPE }));
      case 'missing-grant-type':
        return send(await authenticated(basic, { scope: 'openid' }));
      case 'duplicate-parameter': {
        const request = await authenticated(basic, grant);
        return send({ ...request, body: `${request.body}&grant_type=client_credentials` });
      }
      case 'get': {
        const { headers } = await authenticated(basic, grant);
        const target = new URL(url);
        target.searchParams.set('grant_type', 'client_credentials');
        return send({ headers: { authorization: headers!.authorization!, accept: 'application/json' }, method: 'GET', url: target.href });
      }
      case 'json-body':
        return send({
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret }),
        });
      case 'credentials-in-query': {
        const target = new URL(url);
        target.searchParams.set('client_id', client.id);
        target.searchParams.set('client_secret', client.secret ?? '');
        return send({
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: 'grant_type=client_credentials',
          url: target.href,
        });
      }
    }
  });
}
