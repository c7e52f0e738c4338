import { existsSync } from 'node:fs';
import { config } from 'dotenv';
import { ConfigError } from '../suite/errors.js';

/**
 * The variables suites are interpolated with: the environment, plus `--env-file` or ./.env when present, whose path
 * and number of variables (never values) the console names. Values already in the environment win, so CI secrets
 * override a developer's file.
 */
export function loadEnv(envFile?: string): Record<string, string | undefined> {
  const path = envFile ?? (existsSync('.env') ? '.env' : undefined);
  if (path) {
    if (!existsSync(path)) {
      throw new ConfigError({ file: path, message: 'env file not found', fix: 'check the --env-file path (copy .env.example to start one)' });
    }
    const result = config({ path, quiet: true, processEnv: {} });
    if (result.error)
      throw new ConfigError({ file: path, message: `cannot read env file: ${result.error.message}`, fix: 'check the file exists and is readable' });
    // Said on every run, so that a stray ./.env, whose values decide what runs against what, is seen.
    const count = Object.keys(result.parsed ?? {}).length;
    console.log(`Loaded ${count} variable${count === 1 ? '' : 's'} from ${path}`);
    return { ...result.parsed, ...process.env };
  }
  return { ...process.env };
}
