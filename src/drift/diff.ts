import { isDeepStrictEqual } from 'node:util';
import { isObject } from '../http/exchange.js';
import type { Snapshot, VendorSnapshot } from './snapshot.js';

export type Change = 'added' | 'removed' | 'changed';

/** What part of a vendor's snapshot a difference is in: the rules judge each part differently. */
export type Area = 'vendor' | 'document' | 'jwks' | 'lifetimes' | 'errors';

/** One difference between a baseline and a current snapshot, not yet judged. */
export interface Difference {
  vendor: string;
  area: Area;
  /** Member names from the snapshot's root, e.g. ['discovery', 'issuer'] or ['errors', 'wrong-secret-basic', 'error']. */
  at: string[];
  /** The string added to or removed from a list member, e.g. 'client_credentials' of grant_types_supported. */
  element?: string;
  change: Change;
  before?: unknown;
  after?: unknown;
}

/** The dotted path of a difference, e.g. "discovery.grant_types_supported[client_credentials]". */
export function pathOf(d: Difference): string {
  const dotted = d.at.join('.');
  return d.element === undefined ? dotted : `${dotted}[${d.element}]`;
}

/** Every difference, vendor by vendor in the baseline's order, then the vendors new in the current snapshot. */
export function diffSnapshots(baseline: Snapshot, current: Snapshot): Difference[] {
  const now = new Map(current.vendors.map((v) => [v.vendor, v]));
  const known = new Set(baseline.vendors.map((v) => v.vendor));
  const vendor = (name: string, change: Change): Difference => ({ vendor: name, area: 'vendor', at: ['vendor'], change });
  return [
    ...baseline.vendors.flatMap((before) => {
      const after = now.get(before.vendor);
      return after ? diffVendor(before, after) : [vendor(before.vendor, 'removed')];
    }),
    ...current.vendors.filter((v) => !known.has(v.vendor)).map((v) => vendor(v.vendor, 'added')),
  ];
}

type Unplaced = Omit<Difference, 'vendor'>;

function diffVendor(baseline: VendorSnapshot, after: VendorSnapshot): Difference[] {
  const before = observed(baseline, after);
  return [
    ...diffValue('document', [], before.documents, after.documents),
    ...diffValue('jwks', ['jwks', 'kid'], before.keyIds, after.keyIds),
    ...diffValue('lifetimes', ['lifetimes'], before.lifetimes, after.lifetimes),
    ...diffValue('errors', ['errors'], before.errors, after.errors),
  ].map((d) => ({ vendor: before.vendor, ...d }));
}

/**
 * The baseline narrowed to what the current run observed: a document it did not fetch, a JWKS it did not read, a
 * grant or probe it did not run (a partial run: --only, --shard) is not compared, rather than read as removed.
 */
function observed(baseline: VendorSnapshot, current: VendorSnapshot): VendorSnapshot {
  const seen = <T>(record: Record<string, T>, now: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(record).filter(([key]) => now[key] !== undefined));
  return {
    ...baseline,
    documents: seen(baseline.documents, current.documents),
    keyIds: current.keyIds && baseline.keyIds,
    lifetimes: seen(baseline.lifetimes, current.lifetimes),
    errors: seen(baseline.errors, current.errors),
  };
}

/**
 * Objects are compared member by member; lists of strings as sets, one difference per element (a missing list
 * counts as empty); anything else as a whole. A member whose value is undefined counts as absent, as it does in JSON.
 */
function diffValue(area: Area, at: string[], before: unknown, after: unknown): Unplaced[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffValue(area, [...at, key], before[key], after[key]));
  }
  const [beforeList, afterList] = [before === undefined ? [] : before, after === undefined ? [] : after];
  if (isStrings(beforeList) && isStrings(afterList)) {
    const [was, is] = [new Set(beforeList), new Set(afterList)];
    return [
      ...[...was].filter((e) => !is.has(e)).map((element): Unplaced => ({ area, at, element, change: 'removed', before: element })),
      ...[...is].filter((e) => !was.has(e)).map((element): Unplaced => ({ area, at, element, change: 'added', after: element })),
    ];
  }
  if (before === undefined) return [{ area, at, change: 'added', after }];
  if (after === undefined) return [{ area, at, change: 'removed', before }];
  return [{ area, at, change: 'changed', before, after }];
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
