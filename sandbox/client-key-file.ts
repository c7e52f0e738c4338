import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { writePrivately } from '../src/private-file.js';

/**
 * The private_key_jwt client's private key as a user holds one: a PEM file named by a variable. It lives in a folder
 * of the sandbox's own, readable by its owner only (0600), and goes with the folder when the sandbox closes.
 */
export async function writeClientKeyFile(privateKey: KeyObject): Promise<{ path: string; remove: () => Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'oauth-conformance-sandbox-'));
  const path = join(folder, 'client-key.pem');
  try {
    await writePrivately(path, (temporary) => writeFile(temporary, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 }));
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  return { path, remove: () => rm(folder, { recursive: true, force: true }) };
}
