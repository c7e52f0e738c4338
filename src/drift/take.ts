import type { StartedSuite } from '../engine/evaluate.js';
import { testName } from '../engine/plan.js';
import type { TokenResult } from '../flows/token.js';
import type { HttpResult } from '../http/client.js';
import { isObject } from '../http/exchange.js';
import { parseJsonBody } from '../http/json.js';
import { redactJson } from '../secrets.js';
import { normalise, type VendorSnapshot } from './snapshot.js';

/**
 * What a run saw of each vendor, from the flows it already ran (no extra request): normalised discovery and SMART
 * documents, JWKS key ids, lifetimes per grant, error shapes per token-endpoint probe, and each check's result.
 */
export async function takeSnapshot(started: StartedSuite): Promise<VendorSnapshot> {
  const { flows, checks } = started;
  const suite = flows.suite;
  const documents: Record<string, unknown> = {};
  for (const [name, key] of [['discovery', 'discovery'], ['smart', 'smart']] as const) {
    const body = await bodyOf(flows.started<HttpResult>(key));
    if (body !== undefined) documents[name] = normalise(redactJson(body));
  }
  const jwks = await bodyOf(flows.started<HttpResult>('jwks'));
  const keyIds = isObject(jwks) && Array.isArray(jwks.keys) ? jwks.keys.flatMap((k) => (isObject(k) && typeof k.kid === 'string' ? [k.kid] : [])).sort() : undefined;

  const lifetimes: VendorSnapshot['lifetimes'] = {};
  for (const grant of Object.keys(suite.grants ?? {})) {
    const token = await settled(flows.started<TokenResult>(`token:${grant}`));
    if (token) lifetimes[grant] = typeof token.issued?.expires_in === 'number' ? token.issued.expires_in : undefined;
  }

  const errors: VendorSnapshot['errors'] = {};
  for (const key of flows.startedKeys().filter((k) => k.startsWith('token-endpoint:'))) {
    const response = (await settled(flows.started<HttpResult>(key)))?.exchange.response;
    if (!response) continue;
    const body = parse(response.body);
    errors[key.slice('token-endpoint:'.length)] = {
      status: response.status,
      ...(isObject(body) && typeof body.error === 'string' && { error: body.error }),
      ...(response.headers['content-type'] && { contentType: response.headers['content-type'].split(';')[0]! }),
    };
  }

  const results = Object.fromEntries(await Promise.all(checks.map(async (c) => [`${testName(c)}`, (await c.outcome).status] as const)));
  return { vendor: suite.vendor, documents, ...(keyIds && { keyIds }), lifetimes, errors, results };
}

async function settled<T>(promise: Promise<T> | undefined): Promise<T | undefined> {
  return promise?.catch(() => undefined);
}

async function bodyOf(result: Promise<HttpResult> | undefined): Promise<unknown> {
  const response = (await settled(result))?.response;
  return response?.status === 200 ? parse(response.body) : undefined;
}

function parse(body: string): unknown {
  try {
    return parseJsonBody(body);
  } catch {
    return undefined;
  }
}
