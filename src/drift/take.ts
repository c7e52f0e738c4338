import { FLOWS, TOKEN_ENDPOINT_PROBES } from '../flows/flow-keys.js';
import type { FlowMemo } from '../flows/memo.js';
import type { HttpResult } from '../http/request.js';
import { isObject } from '../http/exchange.js';
import { parseJsonBody } from '../http/json.js';
import { redactJson } from '../secrets.js';
import { normalise, type VendorSnapshot } from './snapshot.js';

/** What a run saw of one vendor: its name, its grants, and the memo of the flows it ran. */
export interface Seen {
  vendor: string;
  grants: string[];
  memo: FlowMemo;
}

/**
 * What a run saw of a vendor, from the flows it already ran (no extra request): normalised discovery and SMART
 * documents, JWKS key ids, lifetimes per grant, error shapes per token-endpoint probe, and each check's result.
 */
export async function takeSnapshot({ vendor, grants, memo }: Seen, results: NonNullable<VendorSnapshot['results']>): Promise<VendorSnapshot> {
  const documents: Record<string, unknown> = {};
  for (const [name, key] of [
    ['discovery', FLOWS.discovery],
    ['smart', FLOWS.smart],
  ] as const) {
    const body = await bodyOf(memo.started(key));
    if (body !== undefined) documents[name] = normalise(redactJson(body));
  }
  const jwks = await bodyOf(memo.started(FLOWS.jwks));
  const keyIds =
    isObject(jwks) && Array.isArray(jwks.keys) ? jwks.keys.flatMap((k) => (isObject(k) && typeof k.kid === 'string' ? [k.kid] : [])).sort() : undefined;

  const lifetimes: VendorSnapshot['lifetimes'] = {};
  for (const grant of grants) {
    const token = await settled(memo.started(FLOWS.token(grant)));
    if (token) lifetimes[grant] = typeof token.issued?.expires_in === 'number' ? token.issued.expires_in : undefined;
  }

  const errors: VendorSnapshot['errors'] = {};
  for (const probe of TOKEN_ENDPOINT_PROBES) {
    const response = (await settled(memo.started(FLOWS.tokenEndpointProbe(probe))))?.exchange.response;
    if (!response) continue;
    const body = parse(response.body);
    errors[probe] = {
      status: response.status,
      ...(isObject(body) && typeof body.error === 'string' && { error: body.error }),
      ...(response.headers['content-type'] && { contentType: response.headers['content-type'].split(';')[0]! }),
    };
  }
  return { vendor, documents, ...(keyIds && { keyIds }), lifetimes, errors, results };
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
