import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redact, redactJson } from '../secrets.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The runner's pass over what the checks' worker wrote (Allure results and attachments, the snapshot) before any
 * report is built from it: the worker redacted with what it knew when it wrote, and learned more later (a token
 * issued after a server had already echoed it). Binary files (screenshots) are masked when taken and left as they are.
 */
export async function redactOutputs(paths: string[]): Promise<void> {
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) await redactOutputs((await readdir(path)).map((name) => join(path, name)));
    else if (info?.isFile()) await redactFile(path);
  }
}

async function redactFile(path: string): Promise<void> {
  let text: string;
  try {
    text = utf8.decode(await readFile(path));
  } catch {
    return;
  }
  const redacted = redact(text);
  if (redacted !== text) await writeFile(path, path.endsWith('.json') ? stillJson(text, redacted) : redacted);
}

/** A replacement inside an escape sequence could leave a JSON file Allure cannot read: then redact value by value. */
function stillJson(text: string, redacted: string): string {
  try {
    JSON.parse(redacted);
    return redacted;
  } catch {
    try {
      return JSON.stringify(redactJson(JSON.parse(text)), null, 2);
    } catch {
      return redacted;
    }
  }
}
