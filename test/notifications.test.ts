import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notices } from '../src/report/notifications.js';
import { readResultsFiles, writeResultsFile } from '../src/report/results-file.js';
import type { CheckResult } from '../src/results.js';
import { tempDir } from './cli-process.js';
import { checkResult } from './check-result.js';

const result = (vendor: string, checkId: string, status: CheckResult['status']) =>
  checkResult(status, checkId, { vendor, name: checkId, message: `${checkId} broke` });
const context = { startedAt: Date.UTC(2026, 11, 7, 9, 30), durationMs: 1000, targets: {} };

describe('what the monitoring workflow notifies', () => {
  const issuer = result('acme', 'discovery.issuer-match', 'fail');
  const json = result('acme', 'discovery.json', 'fail');
  const results = [issuer, json, result('acme', 'discovery.reachable', 'pass'), result('bwell', 'discovery.reachable', 'pass')];

  it('per vendor its state, what broke anew, and an issue text leading with the verdict and what is new', () => {
    const { vendors, webhook } = notices(results, new Set([issuer]), context);
    expect(vendors.map(({ vendor, state, fresh, title }) => [vendor, state, fresh, title])).toEqual([
      ['acme', 'broken', 1, 'oauth-conformance: acme does not conform'],
      ['bwell', 'green', 0, 'oauth-conformance: bwell does not conform'],
    ]);
    const body = vendors[0]!.body;
    expect(body.split('\n')[0]).toBe('❌ **acme**: 2 broken — 2026-12-07 09:30 UTC, 1.0 s');
    const news = body.slice(body.indexOf('## New since the previous run'), body.indexOf('## Broken rules'));
    expect(news).toContain('`discovery.issuer-match`');
    expect(news).not.toContain('`discovery.json`');
    expect(webhook).toEqual({ text: 'oauth-conformance: new failures\nacme: 1 new (discovery.issuer-match)' });
  });

  it('no webhook message when nothing broke anew', () => {
    expect(notices(results, new Set(), context).webhook).toBeUndefined();
  });

  it('what is new travels in the results files (run --json) to the merged report', async () => {
    const file = join(await tempDir(), 'results.json');
    await writeResultsFile(file, results, context, (r) => r === issuer);
    const read = await readResultsFiles([file]);
    expect([...read.fresh].map((r) => `${r.vendor} ${r.checkId}`)).toEqual(['acme discovery.issuer-match']);
    expect(notices(read.results, read.fresh, read.context).vendors[0]).toMatchObject({ state: 'broken', fresh: 1 });
  });
});
