import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tool's own folder: the sources the worker runs, and the lockfile vitest keys its cache on. */
export const toolRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where vitest keeps the worker's transformed sources between runs: per user under the system's temp directory,
 * which is writable however the tool was installed, and per installation of the tool. vitest empties the folder when
 * the lockfile beside the sources is not the one that filled it: shared by two installations (a project's and a
 * clone's), each run of one emptied it under the other's running worker, which then failed to load.
 */
export function moduleCacheDir(): string {
  const installation = createHash('sha256').update(toolRoot).digest('hex').slice(0, 12);
  return join(tmpdir(), `oauth-conformance-vitest-${process.getuid?.() ?? 'user'}-${installation}`);
}
