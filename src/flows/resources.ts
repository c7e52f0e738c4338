import type { HttpResult } from '../http/request.js';
import type { TokenResult } from './token.js';
import { clientCertificate, type ClientCertificate } from '../suite/client-certificate.js';
import type { Resource } from '../suite/suite.types.js';
import { randomValue } from './authorization-code.js';
import { NotApplicable } from './blocked.js';
import type { RunContext } from './context.js';
import { endpoint } from './discovery.js';
import { dpopKey } from './dpop.js';
import { sendWithProof } from './dpop-proof.js';
import { FLOWS, type ResourceProbe } from './flow-keys.js';
import { liveAccess } from './grant-tokens.js';
import { tamper } from './tampered-jwt.js';

/**
 * Calls a protected resource one way (memoised per resource and probe), with a token that has lifetime left; the
 * token response of the token presented comes with the answer.
 */
export function resource(run: RunContext, target: Resource, probe: ResourceProbe): Promise<HttpResult & { presented?: TokenResult }> {
  if (target.auth) return Promise.reject(new NotApplicable(`resource ${target.name} is called with vendor headers, not Bearer tokens`));
  return run.memo.once(FLOWS.resource(target.name, probe), async () => {
    const call = (token?: string, how?: 'lowercase' | 'query', grant?: string) =>
      callResource(run, target, `resource ${target.name} (${probe})`, token, how, grant);
    const presenting = async (grant: string | undefined, send: (value: string) => Promise<HttpResult>) => {
      const { value, token } = await liveAccess(run, grant);
      return { ...(await send(value)), presented: token };
    };
    switch (probe) {
      case 'none':
        return call();
      case 'invalid':
        return call(`conformance-invalid-${randomValue()}`);
      case 'insufficient':
        if (!target.insufficient_grant) throw new NotApplicable(`resource ${target.name} names no insufficient_grant`);
        return presenting(target.insufficient_grant, (value) => call(value, undefined, target.insufficient_grant));
      case 'lowercase':
      case 'query':
        return presenting(target.grant, (value) => call(value, probe));
      case 'tampered-signature':
      case 'tampered-claims':
      case 'alg-none':
        return presenting(target.grant, (value) => call(tamper(value, probe)));
      default:
        return presenting(target.grant, (value) => call(value));
    }
  });
}

/** Where a resource is: its url, or the metadata endpoint it names (not applicable when the metadata lacks it). */
export function resourceUrl(run: RunContext, target: Resource): Promise<string> {
  // The schema requires one of the two.
  return target.endpoint ? endpoint(run, target.endpoint) : Promise.resolve(target.url!);
}

/**
 * One call to a resource, presenting the token in the Authorization header (or as the probe says): the token of a
 * DPoP grant (`grant`, the resource's by default) as `DPoP`, with a proof of its key (RFC 9449 §7.1); over a
 * connection that presents the certificate of the grant's client, if it has one (RFC 8705 §3), unless
 * `withCertificate` is false.
 */
export async function callResource(
  run: RunContext,
  target: Resource,
  label: string,
  token?: string,
  how: 'header' | 'lowercase' | 'query' = 'header',
  grant = target.grant,
  withCertificate = true,
): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const url = new URL(await resourceUrl(run, target));
  const key = token && how !== 'query' && grant ? await dpopKey(run, grant) : undefined;
  const scheme = key ? 'DPoP' : 'Bearer';
  if (token && how === 'query') url.searchParams.set('access_token', token);
  else if (token) headers.authorization = `${how === 'lowercase' ? scheme.toLowerCase() : scheme} ${token}`;
  const certificate = withCertificate ? grantCertificate(run, grant) : undefined;
  const request = { label, method: target.method ?? 'GET', url: url.href, headers, secrets: [token], certificate };
  return key ? sendWithProof(run, key, request, { accessToken: token }) : run.send(request);
}

/** The certificate of a grant's client, which its tokens may be bound to; none for a grant it has not. */
export function grantCertificate(run: RunContext, grant: string | undefined): ClientCertificate | undefined {
  return grant ? clientCertificate(run.client(run.suite.grant(grant).client)) : undefined;
}

/** Calls a resource with its vendor authentication headers: a read (GET) or a write (POST of an empty JSON object). */
export function headerCall(run: RunContext, target: Resource, method: 'GET' | 'POST'): Promise<HttpResult> {
  const auth = target.auth;
  if (!auth) return Promise.reject(new NotApplicable(`resource ${target.name} declares no vendor header authentication`));
  return run.memo.once(FLOWS.resourceHeaders(target.name, method), async () =>
    run.send({
      label: `resource ${target.name} (vendor headers, ${method})`,
      method,
      url: await resourceUrl(run, target),
      headers: { accept: 'application/json', ...auth.headers, ...(method === 'POST' && { 'content-type': 'application/json' }) },
      ...(method === 'POST' && { body: '{}' }),
    }),
  );
}
