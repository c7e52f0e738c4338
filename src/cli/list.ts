import { emulators } from '../../sandbox/emulators/index.js';
import { profiles } from '../../sandbox/profiles.js';
import { catalogue } from '../checks/catalogue.js';
import { describeRequirements } from '../checks/requirements.js';
import { readSuite } from '../suite/read.js';
import { suiteFiles } from '../suite/select.js';

/** `conformance list`: the suites, every check with its level, spec citations and what it needs to apply, and the fault profiles. */
export async function listCommand(): Promise<number> {
  console.log('Suites:');
  for (const file of suiteFiles([])) {
    const suite = await readSuite(file);
    const runsOn = suite.data.sandbox ? ' [embedded sandbox]' : suite.data.emulator ? ` [${suite.data.emulator} emulator when unconfigured]` : '';
    console.log(`  ${suite.name.padEnd(16)} ${suite.data.title ?? suite.data.vendor}${runsOn}  (${suite.file})`);
  }
  console.log(`\nChecks (${catalogue.length}):`);
  for (const check of catalogue) {
    console.log(
      `  ${check.id.padEnd(42)} ${check.level.padEnd(6)} ${check.spec
        .map((s) => s.ref)
        .join(', ')
        .padEnd(22)} ${check.title}`,
    );
    console.log(`  ${''.padEnd(42)} ${''.padEnd(6)} ${check.spec.map((s) => s.url).join(' ')}`);
    const needs = describeRequirements(check.requires);
    if (needs.length) console.log(`  ${''.padEnd(42)} ${''.padEnd(6)} needs ${needs.join('; ')}`);
  }
  console.log('\nFault profiles (--profile NAME), each breaking the checks named:');
  for (const [owner, list] of [
    ['sandbox', profiles.filter((p) => !p.hostile)] as const,
    ...emulators.map((e) => [`${e.name} emulator`, e.profiles] as const),
  ]) {
    console.log(`  ${owner}:`);
    for (const p of list) console.log(`    ${p.name.padEnd(40)} ${broken(p)}`);
  }
  console.log('\nHostile sandbox profiles (--profile NAME), breaking transport rather than rules:');
  for (const p of profiles.filter((p) => p.hostile)) console.log(`    ${p.name.padEnd(40)} ${p.description}`);
  return 0;
}

/** What a profile breaks; one that breaks nothing plays the documented behaviour, of one vendor version where it says so. */
function broken(profile: { breaks: string[]; version?: string }): string {
  return profile.breaks.join(', ') || (profile.version ? `(documented behaviour of version ${profile.version})` : '(documented behaviour)');
}
