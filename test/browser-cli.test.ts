import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { leaks } from './leak-forms.js';
import { CLEAR_CREDENTIAL, cli, JWT, reportArgs, reportFiles, said, skipWithoutChromium, tempDir } from './cli-process.js';

/**
 * Browser logins through the CLI: what a run with logins writes and exits with. Each run has its own browser, so they
 * run side by side (the logins themselves, in-process: test/browser-login.test.ts). Where the point is one login's
 * page, screenshot and message, one check (authorization-code.state-echoed) makes that one login.
 */
const needsChromium = skipWithoutChromium();
const ONE_LOGIN = ['--only', 'authorization-code.state-echoed'];

describe.concurrent('browser logins through the CLI', () => {
  beforeEach(needsChromium);

  // What a browser login handles: its pages, the code, the tokens the code brings (the suite's every login, in-process:
  // test/browser-login.test.ts; replayed and parallel codes, strategy alike, in every report file: cli.test.ts).
  it('a successful run exits 0 and leaves no password, token or code in any report', async () => {
    const password = `known-password-${Date.now()}`;
    const { paths, args } = await reportArgs();
    const run = await cli(['run', '--suite', 'local-browser', '--only', 'authorization-code.state-echoed,token-response', '--no-html', ...args], {
      env: { SANDBOX_PASSWORD: password },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed, 0 warnings, 0 known deviations, 0 could not run, \d+ skipped$/m);
    for (const { path, text } of [...(await reportFiles(paths.dir)), { path: 'stdout', text: run.stdout }]) {
      expect(text.includes(password), path).toBe(false);
      expect(JWT.test(text), path).toBe(false);
      expect(CLEAR_CREDENTIAL.exec(text)?.[0], path).toBeUndefined();
    }
  });

  it("a wrong password: exit 1, the message, and no password, token or code in any report; --browser-trace keeps the login's trace, for its owner only", async () => {
    const password = `known-password-${Date.now()}`;
    const { paths, args } = await reportArgs();
    // The trace holds what was typed, in clear: outside the reports scanned here.
    const traces = join(await tempDir(), 'traces', 'run');
    const run = await cli(['run', '--suite', 'local-browser', '--profile', 'wrong-password', ...ONE_LOGIN, '--no-html', '--browser-trace', traces, ...args], {
      env: { SANDBOX_PASSWORD: password },
    });
    expect(run.code, said(run)).toBe(1);
    expect(run.stdout).toContain('the login page shows “Invalid username or password.” after login step 3');
    const files = await reportFiles(paths.dir);
    expect(files.some((f) => f.path.endsWith('.png'))).toBe(true);
    for (const { path, text } of [...files, { path: 'stdout', text: run.stdout }]) {
      // The profile types the password with "-wrong" appended: neither form may appear.
      expect(text.includes(password), path).toBe(false);
      expect(JWT.test(text), path).toBe(false);
      expect(CLEAR_CREDENTIAL.exec(text)?.[0], path).toBeUndefined();
    }
    const zips = await readdir(traces);
    expect(zips.length).toBeGreaterThan(0);
    expect(
      zips.every((name) => name.endsWith('.zip')),
      zips.join(', '),
    ).toBe(true);
    for (const zip of zips) {
      expect((await stat(join(traces, zip))).mode & 0o777, zip).toBe(0o600);
      expect((await readFile(join(traces, zip))).subarray(0, 4).toString('hex'), zip).toBe('504b0304');
    }
    for (const folder of [traces, dirname(traces)]) expect((await stat(folder)).mode & 0o777, folder).toBe(0o700);
  });

  // Its HTML report, scanned with what it embeds decoded: test/canaries.test.ts.
  it('a sign-in page that echoes the typed password: no form of it in any file written', async () => {
    const password = `echoed-pass<&>"word-${Date.now()}`;
    const { paths, args } = await reportArgs();
    const run = await cli(['run', '--suite', 'local-browser', '--profile', 'echo-password', ...ONE_LOGIN, '--no-html', ...args], {
      env: { SANDBOX_PASSWORD: password },
    });
    expect(run.code, said(run)).toBe(1);
    expect(run.stdout).toContain('the login page shows “Wrong password [redacted:');
    const files = await reportFiles(paths.dir);
    expect(files.some((f) => f.path.endsWith('.png'))).toBe(true);
    expect(leaks([...files, { path: 'stdout', text: run.stdout }], [password, `${password}-wrong`])).toEqual([]);
  });

  it('a discovery document that names a file as authorization_endpoint: the logins could not run, saying why; no text or screenshot of the file anywhere in the report', async () => {
    const { paths, args } = await reportArgs();
    const run = await cli(['run', '--suite', 'local-browser', '--profile', 'file-authorization-endpoint', ...args]);
    expect(run.code, said(run)).toBe(1);
    expect(run.stdout).toContain('the authorization endpoint is not an http(s) URL: the browser opens only http(s) URLs, and was to open file:///etc/passwd');
    const files = await reportFiles(paths.dir);
    expect(
      files.some((f) => f.path.endsWith('index.html')),
      'an HTML report',
    ).toBe(true);
    expect(files.filter((f) => f.path.endsWith('.png')).map((f) => f.path)).toEqual([]);
    const passwd = (await readFile('/etc/passwd', 'utf8')).split('\n')[0]!;
    expect(leaks([...files, { path: 'stdout', text: run.stdout }], ['root:x:0:0', passwd])).toEqual([]);
  });
});

describe('without Chromium', () => {
  it('the logins cannot run, and the message says how to install Chromium', async () => {
    const run = await cli(['run', '--suite', 'local-browser', ...ONE_LOGIN, '--no-html', ...(await reportArgs()).args], {
      env: { CONFORMANCE_CHROMIUM: '/nonexistent/chromium' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'the browser strategy needs Chromium, and CONFORMANCE_CHROMIUM=/nonexistent/chromium does not exist: install it with `sudo apt-get install -y chromium`',
    );
  });
});
