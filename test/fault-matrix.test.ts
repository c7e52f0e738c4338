import { afterAll, describe, expect, it } from 'vitest';
import { profiles, startSandbox, type Sandbox } from '../sandbox/index.js';
import { catalogue } from '../src/checks/catalogue.js';
import { runLocalSuite } from './helpers.js';

/**
 * Every check is proven able to fail: each sandbox profile breaks one rule, and on it exactly the checks that
 * enforce that rule fail (MUST) or warn (SHOULD), while every other check passes, does not apply, or cannot run
 * because the fault took away what it needs. On the baselines (profiles that break nothing) everything passes,
 * and together they make every check of the catalogue pass at least once: none is proven only by failing.
 * The matrix is generated from the catalogue, so a check without a profile fails here.
 */
const baselines = profiles.filter((p) => p.breaks.length === 0);
const passedOnBaselines = new Set<string>();

describe('fault matrix', () => {
  const started: Sandbox[] = [];
  afterAll(() => Promise.all(started.map((s) => s.close())));

  it('every check in the catalogue is broken by some profile, and every profile names real checks', () => {
    const ids = catalogue.map((c) => c.id);
    const broken = new Set(profiles.flatMap((p) => p.breaks));
    expect(ids.filter((id) => !broken.has(id))).toEqual([]);
    expect([...broken].filter((id) => !ids.includes(id))).toEqual([]);
  });

  describe.concurrent('profiles', () => {
    it.each(profiles.map((p) => [p.name, p] as const))('%s fails exactly the checks it breaks', async (_, profile) => {
      const sandbox = await startSandbox({ profile: profile.name });
      started.push(sandbox);
      const results = await runLocalSuite(sandbox, { long: profile.long });
      const show = (r: (typeof results)[number]) => `${r.id}${r.subject ? ` [${r.subject}]` : ''}: ${r.outcome.status} ${r.outcome.message}`;

      const broken = [...new Set(results.filter((r) => r.outcome.status === 'fail' || r.outcome.status === 'warn').map((r) => r.id))].sort();
      expect(broken, results.filter((r) => !['pass', 'skipped'].includes(r.outcome.status)).map(show).join('\n')).toEqual([...profile.breaks].sort());
      // A SHOULD rule warns, a MUST rule fails: the level decides, not the profile.
      for (const r of results.filter((r) => profile.breaks.includes(r.id) && r.outcome.status !== 'pass' && r.outcome.status !== 'skipped')) {
        expect(r.outcome.status, show(r)).toBe(catalogue.find((c) => c.id === r.id)!.level === 'MUST' ? 'fail' : 'warn');
      }
      if (profile.breaks.length === 0) {
        expect(results.filter((r) => r.outcome.status !== 'pass' && r.outcome.status !== 'skipped').map(show)).toEqual([]);
        for (const r of results) if (r.outcome.status === 'pass') passedOnBaselines.add(r.id);
      }
      // Every check of the catalogue ran on this suite: none is missing from the matrix.
      expect(new Set(results.map((r) => r.id))).toEqual(new Set(catalogue.map((c) => c.id)));
    });
  });

  it(`every check passes on a baseline profile (${baselines.map((p) => p.name).join(', ')})`, () => {
    expect(catalogue.map((c) => c.id).filter((id) => !passedOnBaselines.has(id))).toEqual([]);
  });
});
