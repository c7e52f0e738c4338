import { catalogue } from '../checks/catalogue.js';
import { readSuite } from '../suite/read.js';
import { suiteFiles } from '../suite/select.js';

/** `conformance list`: the suites, then every check with its level and spec citation. */
export async function listCommand(): Promise<number> {
  console.log('Suites:');
  for (const file of suiteFiles([])) {
    const suite = await readSuite(file);
    console.log(`  ${suite.name.padEnd(16)} ${suite.data.title ?? suite.data.vendor}  (${suite.file})`);
  }
  console.log(`\nChecks (${catalogue.length}):`);
  for (const check of catalogue) {
    console.log(`  ${check.id.padEnd(36)} ${check.level.padEnd(6)} ${check.spec.ref.padEnd(22)} ${check.title}`);
    console.log(`  ${''.padEnd(36)} ${''.padEnd(6)} ${check.spec.url}`);
  }
  return 0;
}
