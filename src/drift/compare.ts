import { diffSnapshots, pathOf, type Change } from './diff.js';
import { judge, type Severity } from './rules.js';
import type { Snapshot } from './snapshot.js';

/** One difference between a baseline and the current run, judged by how much it matters to clients. */
export interface Finding {
  vendor: string;
  /** Dotted path of what changed, e.g. "discovery.issuer", "discovery.grant_types_supported[client_credentials]", "jwks.kid[k1]", "lifetimes.system", "errors.wrong-secret-basic.error". */
  path: string;
  change: Change;
  before?: unknown;
  after?: unknown;
  severity: Severity;
  /** One line a reader understands, e.g. "grant type client_credentials is no longer declared". */
  message: string;
}

const RANK: Record<Severity, number> = { fail: 0, warn: 1, info: 2 };

/** Each difference as its own finding: failures first, then warnings, then information, otherwise in snapshot order. */
export function compare(baseline: Snapshot, current: Snapshot): Finding[] {
  return diffSnapshots(baseline, current)
    .map((d): Finding => ({ vendor: d.vendor, path: pathOf(d), change: d.change, before: d.before, after: d.after, ...judge(d) }))
    .sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}
