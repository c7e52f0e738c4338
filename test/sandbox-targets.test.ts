import { describe, expect, it } from 'vitest';
import { readSuite } from '../src/suite/read.js';
import { usesBrowser } from '../src/suite/uses-browser.js';
import { targets } from './helpers.js';

/**
 * What the fault matrix runs: each target names the suite that runs against it (the sandbox's marked `sandbox`, an
 * emulator's naming it in `emulator:`, neither logging in with a browser), and its first profile breaks nothing.
 */
describe.each(targets().map((target) => [target.name, target] as const))('target %s', (name, target) => {
  it('names a suite that runs against it without a browser', async () => {
    const { data } = await readSuite(target.suite);
    if (name === 'sandbox') expect(data.sandbox).toBe('reference');
    else expect(data.emulator).toBe(name);
    expect(usesBrowser(data)).toBe(false);
  });

  it('has uniquely named profiles, the first of them conformant', () => {
    const names = target.profiles.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(target.profiles[0]?.breaks).toEqual([]);
  });
});
