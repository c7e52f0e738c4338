import type { Snapshot } from './snapshot.js';

/** A check whose result differs from the run before: how a reader sees when a check started failing. */
export interface ResultChange {
  vendor: string;
  check: string;
  before?: string;
  after?: string;
}

export function resultChanges(previous: Snapshot, current: Snapshot): ResultChange[] {
  return current.vendors.flatMap((now) => {
    const before = previous.vendors.find((v) => v.vendor === now.vendor)?.results ?? {};
    return Object.entries(now.results ?? {})
      .filter(([check, status]) => before[check] !== undefined && before[check] !== status)
      .map(([check, status]) => ({ vendor: now.vendor, check, before: before[check], after: status }));
  });
}
