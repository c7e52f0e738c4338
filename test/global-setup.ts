import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { moduleCacheDir } from '../src/engine/module-cache.js';
import { CLI_SLOTS } from './cleanup.js';

// Caches that processes of the run keep under the temp directory, reused from run to run: tsx's compiled sources,
// and the vitest module cache of this clone's conformance runs (src/engine/module-cache.ts).
const CACHES = [`tsx-${process.getuid?.() ?? userInfo().username}`, basename(moduleCacheDir())];

/**
 * The run gets a temp directory of its own, which every test, sandbox, browser and CLI run inherits as TMPDIR; its
 * caches link to those in the system's temp directory, so CLI runs start warm. At the end, whatever else is left
 * there is a leak, by a test or by the product: it is named, and fails the run. The directory goes in any case.
 */
export default function setup(): () => void {
  const system = tmpdir();
  const own = mkdtempSync(join(system, 'conformance-tests-'));
  for (const cache of CACHES) {
    mkdirSync(join(system, cache), { recursive: true, mode: 0o700 });
    symlinkSync(join(system, cache), join(own, cache));
  }
  mkdirSync(join(own, CLI_SLOTS));
  process.env.TMPDIR = own;
  return () => {
    const left = readdirSync(own).filter((name) => ![...CACHES, CLI_SLOTS].includes(name));
    // The links go, not what they point to.
    rmSync(own, { recursive: true, force: true });
    if (left.length === 0) return;
    console.error(`error: the tests left ${left.length} entries in the temp directory: ${left.join(', ')}`);
    process.exitCode = 1;
  };
}
