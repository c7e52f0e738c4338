import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, said, tempDir } from './cli-process.js';

/** The console names the env file a command read and how many variables it held, never their values. */

const SUITE = `vendor: envtest
variables:
  ENVTEST_ISSUER: {}
  ENVTEST_CLIENT_ID: {}
  ENVTEST_CLIENT_SECRET: { secret: true }
discovery:
  issuer: \${ENVTEST_ISSUER}
clients:
  backend: { id: '\${ENVTEST_CLIENT_ID}', secret: '\${ENVTEST_CLIENT_SECRET}' }
grants:
  system: { type: client_credentials, client: backend }
`;
const VALUES = { ENVTEST_ISSUER: 'https://id.example.com/', ENVTEST_CLIENT_ID: 'envtest-client-id', ENVTEST_CLIENT_SECRET: 'envtest-client-secret' };

const dotenv = (values: Record<string, string>) =>
  `# written by the test\n${Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;

/** A fresh working directory holding the suite and these files. */
async function workdir(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, 'envtest.yaml'), SUITE);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const loadedLines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('Loaded '));

describe.concurrent('the env file a command loads', () => {
  it('./.env: validate names it, the suite gets its values, and no value is shown', async () => {
    const cwd = await workdir({ '.env': dotenv(VALUES) });
    const run = await cli(['validate', '--suite', 'envtest.yaml'], { cwd });
    expect(run.code, said(run)).toBe(0);
    expect(run.stdout.split('\n').slice(0, 2)).toEqual(['Loaded 3 variables from .env', 'envtest.yaml: valid']);
    for (const value of Object.values(VALUES)) expect(run.stdout + run.stderr).not.toContain(value);
  });

  it('--env-file: names the file given, as given, and not a ./.env beside it', async () => {
    const cwd = await workdir({ '.env': dotenv({ ENVTEST_ISSUER: 'https://stray.example.com/' }), 'other.env': dotenv({ ...VALUES, ENVTEST_EXTRA: 'x' }) });
    const run = await cli(['validate', '--suite', 'envtest.yaml', '--env-file', 'other.env'], { cwd });
    expect(run.code, said(run)).toBe(0);
    expect(loadedLines(run.stdout)).toEqual(['Loaded 4 variables from other.env']);
  });

  it('run: says it once, before a configuration error stops it', async () => {
    const cwd = await workdir({ '.env': dotenv({ ENVTEST_ISSUER: VALUES.ENVTEST_ISSUER }) });
    const run = await cli(['run', '--suite', 'envtest.yaml', '--no-html'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('variable ENVTEST_CLIENT_ID is not set');
    expect(loadedLines(run.stdout)).toEqual(['Loaded 1 variable from .env']);
  });

  it('says nothing when no file is loaded', async () => {
    const cwd = await workdir({});
    const run = await cli(['validate', '--suite', 'envtest.yaml'], { cwd, env: VALUES });
    expect(run.code, said(run)).toBe(0);
    expect(run.stdout).toBe('envtest.yaml: valid\n');
  });
});
