import { describe, expect, it } from 'vitest';
import { resultsFile } from '../src/report/results-file.js';
import type { CheckResult } from '../src/results.js';
import { schemaErrors } from '../src/schemas.js';
import { packageVersion } from '../src/version.js';
import { checkResult } from './check-result.js';

const spec: CheckResult['spec'] = [
  { ref: 'OIDC Discovery §4.3', url: 'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation' },
];
const result = (status: CheckResult['status'], more: Partial<CheckResult> = {}) => checkResult(status, 'discovery.issuer-match', { spec, ...more });
const context = { startedAt: Date.UTC(2026, 11, 7, 9, 30), durationMs: 4200.4, targets: {} };

describe('--json: every result as schemas/results.schema.json describes it', () => {
  const file = resultsFile(
    [
      result('pass', { durationMs: 12.6 }),
      result('fail', { expected: '"a"', actual: '"b"', subject: 'system' }),
      result('warn'),
      result('deviation', { deviation: 'documented (docs: Errors)' }),
      result('blocked'),
      result('skipped'),
    ],
    context,
  );

  it('holds each result with its id, vendor, area, status, level, citations, message, expected and actual', () => {
    expect(schemaErrors('results', file)).toEqual([]);
    expect(file).toMatchObject({ tool: { name: 'oauth-conformance', version: packageVersion() }, startedAt: '2026-12-07T09:30:00.000Z', durationMs: 4200 });
    expect(file.results.map((r) => r.status)).toEqual(['pass', 'fail', 'warn', 'deviation', 'blocked', 'skipped']);
    expect(file.results[1]).toEqual({
      id: 'discovery.issuer-match',
      vendor: 'acme',
      area: 'discovery',
      subject: 'system',
      status: 'fail',
      level: 'MUST',
      spec: [{ ref: 'OIDC Discovery §4.3', url: 'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation' }],
      message: 'the rule',
      expected: '"a"',
      actual: '"b"',
    });
    expect(file.results[0]!.durationMs).toBe(13);
  });

  it('the schema refuses what it does not describe', () => {
    const [first] = file.results;
    expect(schemaErrors('results', { ...file, results: [{ ...first, status: 'passed' }] })).not.toEqual([]);
    expect(schemaErrors('results', { ...file, results: [{ ...first, spec: [] }] })).not.toEqual([]);
    expect(schemaErrors('results', { ...file, results: [{ ...first, id: undefined }] })).not.toEqual([]);
    expect(schemaErrors('results', { ...file, extra: true })).not.toEqual([]);
  });
});
