import type { Grant } from '../suite/suite.types.js';
import type { ProtocolContext } from './context.js';
import { newDpopKey, type DpopKey } from './dpop-proof.js';
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
