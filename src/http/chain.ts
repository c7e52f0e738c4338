import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * How many dependent requests led to the current one. Each check and each memoised flow is a chain of its own,
 * starting where it was started from; a request is one deeper than the chain it is sent in, and awaiting a flow
 * brings its depth into the awaiting chain. The deepest request of a run is its critical path: the least time any
 * client could take is that many round trips.
 */
interface Chain {
  depth: number;
}

const chains = new AsyncLocalStorage<Chain>();

export function currentDepth(): number {
  return chains.getStore()?.depth ?? 0;
}

/** Moves the current chain to at least `depth` (a request it sent, or a flow it awaited, ended there). */
export function reach(depth: number): void {
  const chain = chains.getStore();
  if (chain && depth > chain.depth) chain.depth = depth;
}

/** Runs `work` as a chain of its own from the current depth; `chain` lets the caller read where it ended. */
export function branch<T>(work: (chain: Chain) => Promise<T>): Promise<T> {
  const chain = { depth: currentDepth() };
  return chains.run(chain, () => work(chain));
}

/** Runs `work` as a fresh chain from depth 0 (a check). */
export function root<T>(work: () => Promise<T>): Promise<T> {
  return chains.run({ depth: 0 }, work);
}
