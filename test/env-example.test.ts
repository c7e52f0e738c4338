import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isSecretVariable } from '../src/suite/secret-names.js';
import { root, SHIPPED_SUITES } from './cli-process.js';

/** .env.example is where users learn what to set: every variable of every suite must be there, secrets marked. */
describe('.env.example', () => {
  const example = readFileSync(join(root, '.env.example'), 'utf8');
  const suites = SHIPPED_SUITES.map((name) => `${name}.yaml`).map((f) => ({
    file: f,
    data: parse(readFileSync(join(root, 'suites', f), 'utf8')) as { variables?: Record<string, { secret?: boolean }> },
  }));

  it.each(suites.map((s) => [s.file, s] as const))('lists every variable of %s', (_, { data }) => {
    // The sandbox's variables are provided by the runner, never by a user.
    const names = Object.keys(data.variables ?? {}).filter((n) => !n.startsWith('SANDBOX_'));
    expect(names.filter((name) => !new RegExp(`^${name}=`, 'm').test(example))).toEqual([]);
    for (const [name, spec] of Object.entries(data.variables ?? {})) {
      if (isSecretVariable(name, spec) && !name.startsWith('SANDBOX_')) expect(example, name).toMatch(new RegExp(`SECRET[^\\n]*\\n(#[^\\n]*\\n)*${name}=`));
    }
  });
});
