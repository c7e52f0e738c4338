import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closest } from '../src/suggest.js';
import { root, tempDir } from './cli-process.js';
import { mainSays } from './main-in-process.js';

/**
 * The command line as people who know Newman or Hurl expect it, read in-process (the parse happens before anything
 * is run; cli.test.ts runs the real CLI): --version, "did you mean", comma lists and suites as arguments.
 */

describe('the command line', () => {
  it('--version and -v print the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) expect(await mainSays([flag])).toEqual({ code: 0, out: version, err: '' });
  });

  it.each([
    [['rn'], 'unknown command "rn" (did you mean run?)'],
    [['valdate'], 'unknown command "valdate" (did you mean validate?)'],
    [['frobnicate'], 'unknown command "frobnicate"\n'],
    [['run', '--stirct'], 'unknown option --stirct (did you mean --strict?)'],
    [['run', '--bogus'], 'unknown option --bogus\n'],
    [['run', '--only', 'discovry,jwks'], '--only discovry (did you mean discovery?): no such area or check'],
    [['run', '--only', 'jwks,discovery.reachabel'], '--only discovery.reachabel (did you mean discovery.reachable?): no such area or check'],
  ])('%j: exit 2, %j', async (args, message) => {
    const { code, err } = await mainSays(args);
    expect(code).toBe(2);
    expect(`${err}\n`).toContain(message);
  });

  it('repeatable options take comma lists, and suites come as arguments too', async () => {
    // Split, the list names two suites (not one called "local,generic-oidc"): generic-oidc's unset variables stop it.
    // An empty env file: no .env of the developer's decides what is set.
    const env = join(await tempDir(), 'empty.env');
    await writeFile(env, '');
    const { code, out, err } = await mainSays(['validate', '--suite', 'local,generic-oidc', '--env-file', env]);
    const text = out + err;
    expect(code).toBe(2);
    expect(text).not.toContain('no suite of that name');
    expect(text).toMatch(/suites\/generic-oidc\.yaml:\d+:\d+ .*OIDC_ISSUER is not set/);
    const positional = await mainSays(['validate', 'local', 'generic-oidc', '--env-file', env]);
    expect(positional.out + positional.err).toBe(text);
  });
});

describe('did you mean', () => {
  it('suggests a word a typo or two away, and nothing for a word unlike any', () => {
    expect(closest('revocaton', ['revocation', 'introspection'])).toBe('revocation');
    expect(closest('DPOP', ['dpop', 'par'])).toBe('dpop');
    expect(closest('xyz', ['discovery', 'jwks'])).toBeUndefined();
  });
});
