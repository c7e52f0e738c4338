import type { HttpRequest, HttpResult } from '../http/request.js';
import type { Grant } from '../suite/suite.types.js';
import type { ProtocolContext } from './context.js';
import { dpopProof, newDpopKey, type DpopKey, type ProofClaims } from './dpop-proof.js';
import { FLOWS } from './flow-keys.js';

export function usesDpop(grant: Grant): boolean {
  return grant.dpop === true || grant.dpop === 'true';
}

/** The grant's key pair, made once per suite; undefined when the grant does not use DPoP. */
export function dpopKey(run: ProtocolContext, grantName: string): Promise<DpopKey | undefined> {
  const grant = run.suite.loaded.grants?.[grantName];
  if (!grant || !usesDpop(grant)) return Promise.resolve(undefined);
  return run.memo.once(FLOWS.dpopKey(grantName), newDpopKey);
}

/**
 * Sends a request with a DPoP proof for its method and URL (and the token it presents). A server that asks for a
 * nonce (RFC 9449 §8: 400 use_dpop_nonce; §9: 401 with error="use_dpop_nonce") gets the request once more, its
 * proof carrying the nonce from the DPoP-Nonce header. `claims` override the proof's (a probe's wrong htm).
 * `nonce`: the one the last proof sent carried, if any.
 */
export async function sendWithProof(
  run: Pick<ProtocolContext, 'send'>,
  key: DpopKey,
  request: HttpRequest,
  claims: Partial<ProofClaims> = {},
): Promise<HttpResult & { nonce?: string }> {
  const origin = new URL(request.url).origin;
  let sent: string | undefined;
  const attempt = async () => {
    sent = claims.nonce ?? key.nonces.get(origin);
    const proof = await dpopProof(key, { htm: request.method, htu: request.url, ...claims, nonce: sent });
    const result = await run.send({ ...request, headers: { ...request.headers, dpop: proof }, secrets: [...(request.secrets ?? []), proof] });
    const nonce = result.response?.headers['dpop-nonce'];
    if (nonce) key.nonces.set(origin, nonce);
    return result;
  };
  const first = await attempt();
  const result = nonceRequested(first) && claims.nonce === undefined ? await attempt() : first;
  return { ...result, nonce: sent };
}

/** Whether the answer asks for a (new) nonce: RFC 9449 §8 at the authorization server, §9 at a resource. */
export function nonceRequested({ response }: HttpResult): boolean {
  if (!response?.headers['dpop-nonce']) return false;
  if (response.status === 401) return /error\s*=\s*"?use_dpop_nonce"?/i.test(response.headers['www-authenticate'] ?? '');
  if (response.status !== 400) return false;
  try {
    return (JSON.parse(response.body) as { error?: unknown }).error === 'use_dpop_nonce';
  } catch {
    return false;
  }
}
