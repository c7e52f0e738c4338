import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { HttpResult } from '../http/request.js';
import { isObject } from '../http/exchange.js';
import { notJson, parseJsonBody } from '../http/json.js';
import { Blocked, NotApplicable } from './blocked.js';
import type { Endpoint, ProtocolContext } from './context.js';
import { FLOWS } from './flow-keys.js';

/** Private and symmetric JWK members: dropped before verifying, so a leaky JWKS is judged by its own check only. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** Endpoints whose absence makes their checks not applicable; every flow needs the others. */
const OPTIONAL: ReadonlySet<Endpoint> = new Set([
  'revocation_endpoint',
  'introspection_endpoint',
  'authorization_endpoint',
  'jwks_uri',
  'userinfo_endpoint',
  'pushed_authorization_request_endpoint',
]);

/** The metadata document (RFC 8414 §3, OIDC Discovery §4), as it answered. */
export function discovery(run: ProtocolContext): Promise<HttpResult> {
  const url = run.suite.discoveryUrl;
  if (!url) return Promise.reject(new NotApplicable('the suite has no discovery document; its endpoints are given directly'));
  return run.memo.once(FLOWS.discovery, () => run.send({ label: 'discovery', method: 'GET', url, headers: { accept: 'application/json' } }));
}

/** The metadata as a JSON object, or Blocked: checks that read members cannot judge without it. */
export async function metadata(run: ProtocolContext): Promise<{ result: HttpResult; document: Record<string, unknown> }> {
  const result = await discovery(run);
  const { response, exchange } = result;
  if (!response) throw new Blocked(`discovery failed: ${exchange.error}`, [exchange]);
  if (response.status !== 200) throw new Blocked(`discovery answered ${response.status}, not 200`, [exchange]);
  let document: unknown;
  try {
    document = parseJsonBody(response.body);
  } catch (error) {
    throw new Blocked(`discovery answered ${notJson(error)}`, [exchange]);
  }
  if (!isObject(document)) throw new Blocked('discovery did not answer a JSON object', [exchange]);
  return { result, document };
}

/** An endpoint as the suite gives it, else as the metadata declares it. */
export async function endpoint(run: ProtocolContext, name: Endpoint): Promise<string> {
  const given = run.suite.loaded.endpoints?.[name];
  if (given) return given;
  if (!run.suite.discoveryUrl) {
    if (OPTIONAL.has(name)) throw new NotApplicable(`the suite gives no ${name}`);
    throw new Blocked(`the suite gives no ${name} and has no discovery document`);
  }
  const { document, result } = await metadata(run);
  const value = document[name];
  if (typeof value === 'string' && value) return value;
  if (OPTIONAL.has(name) && name !== 'jwks_uri') throw new NotApplicable(`the discovery document has no ${name}`);
  throw new Blocked(`the discovery document has no ${name}`, [result.exchange]);
}

/** A member of the metadata, for policies it declares; undefined without a discovery document or that member. */
export async function declared(run: ProtocolContext, member: string): Promise<unknown> {
  if (!run.suite.discoveryUrl) return undefined;
  return (await metadata(run)).document[member];
}

/** The token endpoint a grant uses: its own, or the suite's. */
export function tokenEndpoint(run: ProtocolContext, grantName: string): Promise<string> {
  const own = run.suite.loaded.grants?.[grantName]?.token_endpoint;
  return own ? Promise.resolve(own) : endpoint(run, 'token_endpoint');
}

export function jwks(run: ProtocolContext): Promise<HttpResult> {
  return run.memo.once(FLOWS.jwks, async () =>
    run.send({ label: 'jwks', method: 'GET', url: await endpoint(run, 'jwks_uri'), headers: { accept: 'application/json' } }),
  );
}

/** The JWKS's public members as a jose key set, for verifying signatures. */
export function keySet(run: ProtocolContext): Promise<JWTVerifyGetKey> {
  return run.memo.once(FLOWS.keySet, async () => {
    const { exchange, response } = await jwks(run);
    if (response?.status !== 200) throw new Blocked(`the JWKS could not be fetched (${exchange.error ?? response?.status})`, [exchange]);
    let set: JSONWebKeySet;
    try {
      set = parseJsonBody(response.body) as JSONWebKeySet;
    } catch (error) {
      throw new Blocked(`the JWKS is ${notJson(error)} (see jwks.schema)`, [exchange]);
    }
    const keys = (Array.isArray(set.keys) ? set.keys : []).map((key) => Object.fromEntries(Object.entries(key).filter(([k]) => !PRIVATE_MEMBERS.includes(k))));
    return createLocalJWKSet({ keys });
  });
}

/** The SMART configuration document (SMART App Launch, .well-known/smart-configuration), when the suite names one. */
export function smart(run: ProtocolContext): Promise<HttpResult> {
  const url = run.suite.loaded.discovery?.smart;
  if (!url) return Promise.reject(new NotApplicable('the suite declares no SMART configuration (discovery.smart)'));
  return run.memo.once(FLOWS.smart, () => run.send({ label: 'smart-configuration', method: 'GET', url, headers: { accept: 'application/json' } }));
}
