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
  /** The origins of the embedded server it ran against, if any (LoadedSuite.embeddedOrigins). */
  embeddedOrigins?: string[];
}

/**
 * The snapshot with each embedded origin written as a placeholder (http://embedded-1, …): every start of an embedded
 * server takes free ports, so a baseline would otherwise drift on every URL. Longer origins first, and only whole
 * ones: http://127.0.0.1:3960 is no part of http://127.0.0.1:39603.
 */
export function withEmbeddedPlaceholders(snapshot: VendorSnapshot, origins: string[]): VendorSnapshot {
  const placeholders = origins.map((origin, i) => [origin, `${new URL(origin).protocol}//embedded-${i + 1}`] as const);
  placeholders.sort(([a], [b]) => b.length - a.length);
  let text = JSON.stringify(snapshot);
  for (const [origin, placeholder] of placeholders) text = text.replace(new RegExp(`${escapeRegExp(origin)}(?![\\w:.-])`, 'g'), placeholder);
  return JSON.parse(text) as VendorSnapshot;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What a run saw of a vendor, from the flows it already ran (no extra request): normalised discovery and SMART
 * documents, JWKS key ids, lifetimes per grant, error shapes per token-endpoint probe, and each check's result.
 */
export async function takeSnapshot(seen: Seen, results: NonNullable<VendorSnapshot['results']>): Promise<VendorSnapshot> {
  return withEmbeddedPlaceholders(await seenOf(seen, results), seen.embeddedOrigins ?? []);
}

async function seenOf({ vendor, grants, memo }: Seen, results: NonNullable<VendorSnapshot['results']>): Promise<VendorSnapshot> {
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
