import { describe, expect, it } from 'vitest';
import { catalogue } from '../src/checks/catalogue.js';
import { consoleSummary } from '../src/report/summary.js';
import { readSuite } from '../src/suite/read.js';
import { runSuite, targets } from './helpers.js';

/**
 * Every check is proven able to fail: each profile of the sandbox and of every vendor emulator breaks one rule, and
 * on it exactly the checks that enforce that rule fail (MUST) or warn (SHOULD), while every other check passes, does
 * not apply, is a documented deviation, or cannot run because the fault took away what it needs; the console summary
 * leads with the broken rule. On the baselines
 * (profiles that break nothing) nothing fails, and together they make every check of the catalogue pass at least
 * once. The matrix is generated from the catalogue and the profiles, so a check without a profile fails here. An
 * emulator reproduces its vendor, so every deviation its suite declares must show on one of its baselines: one that
 * does not is stale.
 */
const all = targets();
const cases = all.flatMap((target) => target.profiles.map((profile) => ({ target, profile, label: `${target.name}: ${profile.name}` })));
const passedOnBaselines = new Set<string>();
/** "target check-id" of every check reported as a known deviation on a baseline. */
const deviatedOnBaselines = new Set<string>();

describe('fault matrix', () => {
  it('every check in the catalogue is broken by some profile, and every profile names real checks', () => {
    const ids = catalogue.map((c) => c.id);
    const broken = new Set(cases.flatMap(({ profile }) => profile.breaks));
    expect(ids.filter((id) => !broken.has(id))).toEqual([]);
    expect([...broken].filter((id) => !ids.includes(id))).toEqual([]);
  });

  describe.concurrent('profiles', () => {
    it.each(cases.map((c) => [c.label, c] as const))('%s fails exactly the checks it breaks', async (_, { target, profile }) => {
      const server = await target.start(profile.name);
      // Closed as soon as its run ends: kept to the end, the servers and all they issued weighed on the collector.
      const results = await runSuite(target.suite, server, { long: profile.long }).finally(() => server.close());
      const show = (r: (typeof results)[number]) => `${r.id}${r.subject ? ` [${r.subject}]` : ''}: ${r.outcome.status} ${r.outcome.message}`;

      const broken = [...new Set(results.filter((r) => r.outcome.status === 'fail' || r.outcome.status === 'warn').map((r) => r.id))].sort();
      expect(
        broken,
        results
          .filter((r) => !['pass', 'skipped', 'deviation'].includes(r.outcome.status))
          .map(show)
          .join('\n'),
      ).toEqual([...profile.breaks].sort());
      // Without its control a check proves nothing either way.
      for (const id of profile.blocks ?? []) {
        // Parts of the suite whose variables the profile does not give (another profile's clients) never ran.
        const judged = results.filter((r) => r.id === id && !(r.outcome.status === 'skipped' && r.outcome.message.endsWith(' not set')));
        expect(judged.length, id).toBeGreaterThan(0);
        for (const r of judged) expect(r.outcome.status, show(r)).toBe('blocked');
      }
      // A SHOULD rule warns, a MUST rule fails: the level decides, not the profile.
      for (const r of results.filter((r) => r.outcome.status === 'fail' || r.outcome.status === 'warn')) {
        expect(r.outcome.status, show(r)).toBe(catalogue.find((c) => c.id === r.id)!.level === 'MUST' ? 'fail' : 'warn');
      }
      if (profile.breaks.length > 0) {
        // The console leads with the broken rule, under its level's heading (the CLI prints this summary: cli.test.ts).
        const must = profile.breaks.some((id) => catalogue.find((c) => c.id === id)?.level === 'MUST');
        const [header, first] = consoleSummary(results.map((r) => r.result)).split('\n');
        expect(header).toBe(must ? 'Broken rules (MUST):' : 'Warnings (SHOULD):');
        expect(
          profile.breaks.some((id) => first?.includes(` ${id}`)),
          first,
        ).toBe(true);
        // A SHOULD rule broken alone fails nothing and leaves every check able to run: the run exits 0 (1 with --strict).
        if (!must) expect(results.filter((r) => r.outcome.status === 'fail' || r.outcome.status === 'blocked').map(show)).toEqual([]);
      }
      if (profile.breaks.length === 0) {
        expect(results.filter((r) => !['pass', 'skipped', 'deviation'].includes(r.outcome.status)).map(show)).toEqual([]);
        for (const r of results) if (r.outcome.status === 'pass') passedOnBaselines.add(r.id);
        for (const r of results) if (r.outcome.status === 'deviation') deviatedOnBaselines.add(`${target.name} ${r.id}`);
      }
    });
  });

  it('every check passes on a baseline profile', () => {
    expect(catalogue.map((c) => c.id).filter((id) => !passedOnBaselines.has(id))).toEqual([]);
  });

  it('every deviation a suite declares shows on a baseline of what it runs against', async () => {
    const declared = await Promise.all(all.map(async (t) => Object.keys((await readSuite(t.suite)).data.deviations ?? {}).map((id) => `${t.name} ${id}`)));
    expect(declared.flat().filter((d) => !deviatedOnBaselines.has(d))).toEqual([]);
  });
});
