import { expect } from 'vitest';
import type { Check } from '../src/checks/check.js';
import type { Verdict } from '../src/checks/types.js';

/** Judges, and checks that a failure says its rule (without citations), what was expected and what came. */
export function judge(check: Check, evidence: Record<string, unknown>): Verdict {
  const verdict = check.judge({ exchanges: [], ...evidence });
  if (verdict.status === 'fail') {
    expect(verdict.message).not.toMatch(/RFC \d+ §/);
    expect(verdict.expected).toMatch(/\S/);
    expect(verdict.actual).toMatch(/\S/);
  }
  return verdict;
}
