import type { HttpOptions } from '../http/client.js';
import { branch, reach } from '../http/chain.js';
import { startingOver } from './start-over.js';

/** A memoised flow's key: its name, carrying the type of its result (flow-keys.ts lists them all). */
export type FlowKey<T> = string & { readonly result?: T };

/**
 * Every flow of a suite, started at most once: the first check that asks starts it, every later one shares its
 * promise. Ten checks on one token response cost one token request.
 */
export class FlowMemo {
  private readonly flows = new Map<string, Promise<unknown>>();
  /** Where each flow's chain of requests ended, for the critical path (http/chain.ts). */
  private readonly depths = new Map<string, { depth: number }>();

  constructor(private readonly http: HttpOptions) {}

  /**
   * The flow of this key, started now if it was not. A flow starts over when a one-time credential it spent met a
   * busy server (start-over.ts); `attempt` counts its starts from 0.
   */
  once<T>(key: FlowKey<T>, make: (attempt: number) => Promise<T>): Promise<T> {
    let promise = this.flows.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = branch((chain) => {
        this.depths.set(key, chain);
        return startingOver((attempt) => Promise.resolve(attempt).then(make), this.http);
      });
      // A failure is reported by the checks that await it, not as an unhandled rejection.
      promise.catch(() => undefined);
      this.flows.set(key, promise);
    }
    // Whoever awaits the flow depends on its last request.
    const chain = this.depths.get(key)!;
    return promise.finally(() => reach(chain.depth));
  }

  /** A flow the run already started, without starting it: what a snapshot may read at no extra request. */
  started<T>(key: FlowKey<T>): Promise<T> | undefined {
    return this.flows.get(key) as Promise<T> | undefined;
  }
}
