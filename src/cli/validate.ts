import type { ValidateOptions } from './command-options.js';
import { loadEnv } from './env.js';
import { prepareSuites } from './prepare.js';

/** `conformance validate`: the same loading as a run (schema, variables, references), without sending a request. */
export async function validateCommand(options: ValidateOptions): Promise<number> {
  const { suites, notConfigured, close } = await prepareSuites({ suites: options.suite ?? [], env: loadEnv(options['env-file']) });
  await close();
  for (const { suite, target } of suites) {
    const skipped = Object.entries(suite.disabled).map(([part, why]) => `${part} skipped (${why})`);
    console.log(`${suite.file}: valid${target ? ` (runs against the ${target})` : ''}${skipped.length ? `; ${skipped.join('; ')}` : ''}`);
  }
  for (const s of notConfigured) console.log(`${s.name}: valid, not configured (set ${s.variables.join(', ')})`);
  return 0;
}
