import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CheckResult } from '../results.js';
import { redact } from '../secrets.js';
import { findingLines, markdownSummary, type RunContext } from './summary.js';

/** What the monitoring workflow does for a vendor: keep one issue open while it is broken, close it once green. */
export interface VendorNotice {
  vendor: string;
  state: 'broken' | 'green';
  /** Failures and breaking drift that were not so in the previous run: what opens or updates the issue. */
  fresh: number;
  /** The title, the same from run to run, so the workflow finds the vendor's open issue by it. */
  title: string;
  /** The text: the vendor's verdict, what is new, then its summary. */
  body: string;
}

export interface Notices {
  vendors: VendorNotice[];
  /** A Slack-compatible message (`text`), when some vendor broke something new. */
  webhook?: { text: string };
}

const broken = (r: CheckResult) => r.status === 'fail' || r.status === 'blocked';

/** Per vendor, its state and the issue text; and the message for a webhook when something new broke. */
export function notices(results: CheckResult[], fresh: Set<CheckResult>, context: RunContext): Notices {
  const vendors = [...new Set(results.map((r) => r.vendor))].map((vendor): VendorNotice => {
    const own = results.filter((r) => r.vendor === vendor);
    const newly = own.filter((r) => fresh.has(r) && broken(r));
    const [verdict = '', ...rest] = markdownSummary(own, context).split('\n');
    const news = newly.length ? ['', '## New since the previous run', '', ...newly.flatMap(findingLines)] : [];
    return {
      vendor,
      state: own.some(broken) ? 'broken' : 'green',
      fresh: newly.length,
      title: `oauth-conformance: ${vendor} does not conform`,
      body: redact([verdict, ...news, ...rest].join('\n')),
    };
  });
  const lines = vendors
    .filter((v) => v.fresh > 0)
    .map(
      (v) =>
        `${v.vendor}: ${v.fresh} new (${[...fresh]
          .filter((r) => r.vendor === v.vendor && broken(r))
          .map((r) => r.checkId)
          .join(', ')})`,
    );
  return { vendors, ...(lines.length && { webhook: { text: redact(`oauth-conformance: new failures\n${lines.join('\n')}`) } }) };
}

export async function writeNotices(path: string, results: CheckResult[], fresh: Set<CheckResult>, context: RunContext): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(notices(results, fresh, context), null, 2)}\n`);
}
