import { afterAll, describe, expect, it } from 'vitest';
import { profiles, startSandbox, type Sandbox } from '../sandbox/index.js';
import { catalogue } from '../src/checks/catalogue.js';
import { runLocalSuite } from './helpers.js';

/**
 * Every check is proven able to fail: each sandbox profile breaks one rule, and on it exactly the checks that
 * enforce that rule fail while every other check passes (or, where the fault cuts off what it needs, cannot run).
 * The matrix is generated from the catalogue, so a check without a profile fails here.
 */
describe('fault matrix', () => {
  const started: Sandbox[] = [];
  afterAll(() => Promise.all(started.map((s) => s.close())));

  it('every check in the catalogue is broken by some profile, and every profile names real checks', () => {
    const ids = catalogue.map((c) => c.id);
    const broken = new Set(profiles.flatMap((p) => p.breaks));
    expect(ids.filter((id) => !broken.has(id))).toEqual([]);
    expect([...broken].filter((id) => !ids.includes(id))).toEqual([]);
  });

  it.each(profiles.map((p) => [p.name, p] as const))('profile %s fails exactly the checks it breaks', async (_, profile) => {
    const sandbox = await startSandbox({ profile: profile.name });
    started.push(sandbox);
    const results = await runLocalSuite(sandbox);

    const failed = [...new Set(results.filter((r) => r.outcome.status === 'fail').map((r) => r.id))].sort();
    expect(failed).toEqual([...profile.breaks].sort());
    expect(results.filter((r) => r.outcome.status === 'skipped')).toEqual([]);
    if (profile.breaks.length === 0) {
      expect(results.filter((r) => r.outcome.status !== 'pass').map((r) => `${r.id} ${r.outcome.message}`)).toEqual([]);
    }
    // Every check of the catalogue ran on this suite: none is missing from the matrix.
    expect(new Set(results.map((r) => r.id))).toEqual(new Set(catalogue.map((c) => c.id)));
  });
});
