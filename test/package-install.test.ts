import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { cliAs, root, said, tempDir, type CliResult } from './cli-process.js';

const run = promisify(execFile);

/** Every file and folder under dir with its modification time, as paths relative to it. */
async function tree(dir: string): Promise<Map<string, number>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const paths = entries.map((e) => join(e.parentPath, e.name));
  return new Map(await Promise.all(paths.map(async (p) => [relative(dir, p), (await stat(p)).mtimeMs] as const)));
}

/**
 * The package as a user gets it: packed, installed into a new project, run there. Its dependencies come from the npm
 * cache the clone's own install filled (the registry for any it lacks).
 */
describe('the package, installed into another project', () => {
  let project: string;
  let before: Map<string, number>;
  let conformance: CliResult;
  /** The installed tool's caches (another installation has caches of its own) go with the test's temp directory. */
  let caches: Record<string, string>;

  beforeAll(async () => {
    const scratch = await tempDir();
    const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: root });
    project = join(scratch, 'acme-monitoring');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'acme-monitoring', private: true }));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(scratch, stdout.trim())], { cwd: project });
    before = await tree(project);
    caches = { TMPDIR: await tempDir() };
    // Two areas: the installed package reads the same files (suites, schemas, the report's configuration) and loads every
    // check either way, and builds the HTML report.
    conformance = await cliAs(['npx', '--no-install', 'conformance', 'run', '--suite', 'local', '--only', 'discovery,jwks', '--out', 'out'], {
      cwd: project,
      env: caches,
    });
  }, 240_000);

  it('runs there, its report in --out', () => {
    expect(conformance.code, said(conformance)).toBe(0);
    expect(existsSync(join(project, 'out', 'html', 'index.html'))).toBe(true);
    expect(conformance.stdout).toMatch(/^Reports: out\/html\/index\.html, /m);
  });

  it('writes nothing outside --out', async () => {
    const after = await tree(project);
    const changed = [...after].filter(([path, mtime]) => !path.startsWith(`out/`) && path !== 'out' && before.get(path) !== mtime).map(([path]) => path);
    expect(changed).toEqual([]);
  });

  // Last: it writes the project's baseline, beside --out on purpose.
  describe("with the project's own suite, .env and baseline", () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox();
    });
    afterAll(() => sandbox.close());

    it("runs a suite of the project named by its path, its variables from the project's .env, taking its baseline", async () => {
      const v = sandbox.variables;
      const generic = await readFile(join(project, 'node_modules', 'oauth-conformance', 'suites', 'generic-oidc.yaml'), 'utf8');
      await mkdir(join(project, 'suites'));
      await writeFile(join(project, 'suites', 'acme.yaml'), generic.replace('vendor: generic-oidc', 'vendor: acme'));
      const env = {
        OIDC_ISSUER: v.SANDBOX_ISSUER,
        OIDC_CLIENT_ID: v.SANDBOX_CLIENT_ID,
        OIDC_CLIENT_SECRET: v.SANDBOX_CLIENT_SECRET,
        OIDC_SCOPE: v.SANDBOX_SCOPE,
      };
      await writeFile(
        join(project, '.env'),
        Object.entries(env)
          .map(([name, value]) => `${name}=${value}\n`)
          .join(''),
      );
      const run = await cliAs(
        ['npx', '--no-install', 'conformance', 'run', 'suites/acme.yaml', '--out', 'acme', '--no-html', '--baseline', 'baselines/acme.json'],
        { cwd: project, env: caches },
      );
      expect(run.code, said(run)).toBe(0);
      expect(run.stdout).toMatch(/^Running acme$/m);
      expect(run.stdout).toMatch(/No baseline yet/);
      expect(existsSync(join(project, 'baselines', 'acme.json'))).toBe(true);
      expect(await readFile(join(project, 'acme', 'summary.md'), 'utf8')).toMatch(/^✅ \*\*acme\*\*/);
    });
  });
});
