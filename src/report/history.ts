import { appendFile, readFile, writeFile } from 'node:fs/promises';

/**
 * Keeps the report history readable. One line cut short (a run killed mid-write, two runs appending to the same file
 * at once) makes `allure generate` fail outright, so such lines move to `<file>.damaged` (nothing is lost) and the
 * report is built from the rest. Returns a warning naming both files, or nothing when the history was whole.
 */
export async function repairHistory(file: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const damaged = lines.flatMap((line, i) => (parses(line) ? [] : [i + 1]));
  if (damaged.length === 0) return undefined;
  await appendFile(`${file}.damaged`, damaged.map((n) => `${lines[n - 1]}\n`).join(''));
  await writeFile(
    file,
    lines
      .filter((_, i) => !damaged.includes(i + 1))
      .map((line) => `${line}\n`)
      .join(''),
  );
  return `${file}: line ${damaged.join(', ')} of the report history was not JSON (cut short?); moved to ${file}.damaged and left out of the trend`;
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
