import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

// Caches that processes of the run keep under the temp directory and would reuse: tsx's compiled sources, and the
// vitest module cache of every conformance run (src/engine/run-vitest.ts).
const CACHES = [`tsx-${process.getuid?.() ?? userInfo().username}`, `oauth-conformance-vitest-${process.getuid?.() ?? 'user'}`];

/**
 * The run gets a temp directory of its own, which every test, sandbox, browser and CLI run inherits as TMPDIR. At the
 * end, whatever is left there beyond those caches is a leak, by a test or by the product: it is named, and fails the
 * run. The directory goes in any case.
 */
export default function setup(): () => void {
  const own = mkdtempSync(join(tmpdir(), 'conformance-tests-'));
  process.env.TMPDIR = own;
  return () => {
    const left = readdirSync(own).filter((name) => !CACHES.includes(name));
    rmSync(own, { recursive: true, force: true });
    if (left.length === 0) return;
    console.error(`error: the tests left ${left.length} entries in the temp directory: ${left.join(', ')}`);
    process.exitCode = 1;
  };
}
