import type { CheckResult } from '../src/results.js';

/** A result as the report writers get it: acme's check `checkId`, of area discovery, citing RFC 8414 §3.3; `more` over that. */
export function checkResult(status: CheckResult['status'], checkId = 'discovery.issuer-match', more: Partial<CheckResult> = {}): CheckResult {
  return {
    vendor: 'acme',
    area: 'discovery',
    checkId,
    subject: '',
    name: `${checkId}: t`,
    level: 'MUST',
    spec: [{ ref: 'RFC 8414 §3.3', url: 'https://www.rfc-editor.org/rfc/rfc8414#section-3.3' }],
    status,
    message: 'the rule',
    ...more,
  };
}
