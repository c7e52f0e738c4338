import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, reportArgs, said, tempDir } from './cli-process.js';

const MARKER = '.conformance-output';
const QUICK = ['run', '--suite', 'local', '--only', 'discovery.reachable'];

/** A folder of the user's: what a mistyped --results-dir or --report-dir could name. */
async function usersFolder(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

describe.concurrent('--out: where every output goes', () => {
  it('a run writes everything in --out and nothing beside it; report and baseline take the same --out', async () => {
    const cwd = await tempDir();
    const run = await cli([...QUICK, '--out', 'out'], { cwd });
    expect(run.code, said(run)).toBe(0);
    expect(await readdir(cwd)).toEqual(['out']);
    expect((await readdir(join(cwd, 'out'))).sort()).toEqual(['allure-results', 'history.jsonl', 'html', 'junit.xml', 'snapshot.json', 'summary.md']);
    expect(run.stdout).toContain('Reports: out/html/index.html, out/junit.xml, out/summary.md, out/allure-results/');
    const report = await cli(['report', '--out', 'out'], { cwd });
    expect(report.code, said(report)).toBe(0);
    expect(report.stdout).toContain('Report: out/html/index.html');
    // The baseline's own run goes apart, so the last run's reports stay as they were.
    const summary = await readFile(join(cwd, 'out', 'summary.md'), 'utf8');
    const baseline = await cli(['baseline', '--suite', 'smart-backend', '--file', 'base.json'], { cwd });
    expect(baseline.code, said(baseline)).toBe(0);
    expect((await readdir(cwd)).sort()).toEqual(['base.json', 'out', 'reports']);
    expect(await readdir(join(cwd, 'reports'))).toEqual(['baseline']);
    expect(await readFile(join(cwd, 'out', 'summary.md'), 'utf8')).toBe(summary);
  });

  it('a selection in which no check applies exits 2, saying why, and the last reports stay as they were', async () => {
    const cwd = await tempDir();
    expect((await cli([...QUICK, '--out', 'out', '--no-html'], { cwd })).code).toBe(0);
    const before = await readdir(join(cwd, 'out', 'allure-results'));
    const run = await cli(['run', '--suite', 'local', '--only', 'lifetime.code-expiry', '--out', 'out'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'no check applies to local with --only lifetime.code-expiry: the 1 planned would all be skipped (waits out a lifetime: run with --long)',
    );
    expect(await readdir(join(cwd, 'out', 'allure-results'))).toEqual(before);
  });

  it('an error of the engine is said, and the results are reported, even when it left no snapshot', async () => {
    const cwd = await tempDir();
    // The worker cannot write its snapshot where a folder stands.
    await mkdir(join(cwd, 'out', 'snapshot.json'), { recursive: true });
    const run = await cli([...QUICK, '--out', 'out', '--no-html'], { cwd });
    expect(run.code, said(run)).toBe(1);
    expect(run.stderr).toMatch(/^error: .*EISDIR.*out\/snapshot\.json/m);
    expect(run.stderr).not.toContain('snapshot file');
    expect(run.stdout).toContain('1 passed, 0 failed');
    expect(await readFile(join(cwd, 'out', 'junit.xml'), 'utf8')).toContain('discovery.reachable');
  });

  it('baseline --out naming a .json file, as it once did, says to use --file', async () => {
    const run = await cli(['baseline', '--suite', 'local', '--out', 'baselines/acme.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('fix: name the baseline file with --file baselines/acme.json');
  });
});

describe.concurrent('the folders a run replaces whole are only ever its own', () => {
  it('refuses folders it did not make, before the run starts, naming each and the fix; nothing is deleted', async () => {
    const { paths, args } = await reportArgs();
    // Allure's results, and one file besides; another Allure report, or site, where the report would go.
    await usersFolder(paths.results, { [`${randomUUID()}-result.json`]: '{}', 'notes.txt': 'mine' });
    await usersFolder(paths.html, { 'index.html': '<html><head><title>My site</title></head></html>' });
    const run = await cli([...QUICK, ...args]);
    expect(run.code, said(run)).toBe(2);
    for (const [path, option] of [
      [paths.results, '--results-dir'],
      [paths.html, '--report-dir'],
    ] as const) {
      expect(run.stderr).toContain(`${path}: ${option} names a folder this tool did not write`);
      expect(run.stderr).toContain(`fix: choose an empty or new folder for ${option}, or delete ${path} yourself`);
    }
    expect(run.stdout).not.toContain('Running');
    expect(await readFile(join(paths.results, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await readdir(paths.results)).toHaveLength(2);
    expect(await readdir(paths.html)).toEqual(['index.html']);
    expect(existsSync(paths.junit)).toBe(false);
  });

  it('refuses a file where a folder is to be replaced, with conformance report too', async () => {
    const dir = await tempDir();
    const file = join(dir, 'report.html');
    await writeFile(file, 'mine');
    const run = await cli(['report', '--results-dir', dir, '--report-dir', file, '--history', join(dir, 'history.jsonl')]);
    expect(run.code, said(run)).toBe(2);
    expect(run.stderr).toContain(`${file}: --report-dir names something that is not a folder`);
    expect(await readFile(file, 'utf8')).toBe('mine');
  });

  // One set of folders: written into empty, replaced; then, their marks removed, as an earlier version left them.
  describe('written, then replaced', () => {
    let out: Awaited<ReturnType<typeof reportArgs>>;
    beforeAll(async () => {
      out = await reportArgs();
    });

    it('writes into empty folders, marks them, and replaces them on the next run', { concurrent: false }, async () => {
      const { paths, args } = out;
      await Promise.all([mkdir(paths.results), mkdir(paths.html)]);
      const first = await cli([...QUICK, ...args]);
      expect(first.code, said(first)).toBe(0);
      for (const folder of [paths.results, paths.html]) expect(await readdir(folder), folder).toContain(MARKER);
      const firstResults = await readdir(paths.results);
      const second = await cli([...QUICK, ...args]);
      expect(second.code, said(second)).toBe(0);
      const secondResults = await readdir(paths.results);
      expect(secondResults.filter((name) => name !== MARKER && firstResults.includes(name))).toEqual([]);
      expect(await readdir(paths.html)).toContain(MARKER);
    });

    it('recognises the folders earlier versions wrote, without the mark, by what they hold', { concurrent: false }, async () => {
      const { paths, args } = out;
      await Promise.all([rm(join(paths.results, MARKER)), rm(join(paths.html, MARKER))]);
      const earlier = await readdir(paths.results);
      expect(earlier.filter((name) => name.endsWith('-result.json')).length, "a run's results").toBeGreaterThan(0);
      const run = await cli([...QUICK, ...args]);
      expect(run.code, said(run)).toBe(0);
      expect((await readdir(paths.results)).filter((name) => earlier.includes(name))).toEqual([]);
      expect(await readdir(paths.html)).toContain(MARKER);
    });
  });
});
