import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { ConfigError, type Problem } from '../suite/errors.js';
import { resolveSuite, type LoadedSuite } from '../suite/load.js';
import { readSuite, type SuiteSource } from '../suite/read.js';
import { suiteFiles } from '../suite/select.js';

export interface Prepared {
  suites: LoadedSuite[];
  /** Suites left out of a default run because their required variables are unset, with the names missing. */
  notConfigured: Array<{ name: string; variables: string[] }>;
  sandbox?: Sandbox;
}

/**
 * Reads, validates and resolves the selected suites, starting the embedded sandbox when one of them runs against
 * it. Every broken file is reported at once. A default run (no --suite) leaves out suites whose required variables
 * are unset; naming a suite makes those variables an error.
 */
export async function prepareSuites(options: { suites: string[]; env: Record<string, string | undefined>; profile?: string }): Promise<Prepared> {
  const explicit = options.suites.length > 0;
  const sources = await readAll(suiteFiles(options.suites));
  const sandbox = sources.some((s) => s.data.sandbox) ? await startSandbox({ profile: options.profile }) : undefined;
  try {
    const prepared: Prepared = { suites: [], notConfigured: [], sandbox };
    const problems: Problem[] = [];
    for (const source of sources) {
      const env = source.data.sandbox && sandbox ? { ...options.env, ...sandbox.variables } : options.env;
      try {
        prepared.suites.push(resolveSuite(source, env));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        if (!explicit && error.problems.every((p) => p.unsetVariable)) {
          prepared.notConfigured.push({ name: source.name, variables: error.problems.map((p) => p.unsetVariable!) });
        } else problems.push(...error.problems);
      }
    }
    if (problems.length) throw new ConfigError(problems);
    return prepared;
  } catch (error) {
    await sandbox?.close();
    throw error;
  }
}

async function readAll(files: string[]): Promise<SuiteSource[]> {
  const settled = await Promise.allSettled(files.map(readSuite));
  const problems: Problem[] = [];
  for (const s of settled) {
    if (s.status === 'fulfilled') continue;
    if (!(s.reason instanceof ConfigError)) throw s.reason;
    problems.push(...s.reason.problems);
  }
  if (problems.length) throw new ConfigError(problems);
  return settled.map((s) => (s as PromiseFulfilledResult<SuiteSource>).value);
}
