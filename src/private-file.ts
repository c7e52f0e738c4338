import { chmod, mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Puts a file that holds secrets in clear at `path`, readable by its owner only (0600), whatever was there: `write`
 * writes it inside a fresh 0700 folder beside `path`, where no one else can open it, and a rename puts it in place.
 * The rename replaces an existing file (whose mode would otherwise be kept) or a symlink (which writing would follow)
 * rather than writing into it, and a reader sees the old file or the whole new one, never a part.
 */
export async function writePrivately(path: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const folder = await mkdtemp(join(dirname(path), `.${basename(path)}-`));
  try {
    const temporary = join(folder, basename(path));
    await write(temporary);
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
