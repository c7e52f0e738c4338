import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.js';

/** The suites directory of the working directory, or the one shipped with the tool. */
export function suitesDir(): string {
  const local = resolve('suites');
  return existsSync(local) ? local : fileURLToPath(new URL('../../suites', import.meta.url));
}

/** Maps `--suite` values (names or paths) to files; no value means every suite in the directory. */
export function suiteFiles(selected: string[], dir = suitesDir()): string[] {
  const available = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  if (selected.length === 0) return available.map((f) => join(dir, f));
  return selected.map((value) => {
    if (/[\\/]/.test(value) || /\.ya?ml$/.test(value)) return resolve(value);
    const file = available.find((f) => f.replace(/\.ya?ml$/, '') === value);
    if (!file) {
      throw new ConfigError({
        message: `--suite ${value}: no suite of that name in ${dir}`,
        fix: `use one of: ${available.map((f) => f.replace(/\.ya?ml$/, '')).join(', ') || '(none)'}, or a path to a suite file`,
      });
    }
    return join(dir, file);
  });
}
