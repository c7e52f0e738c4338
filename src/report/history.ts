import { appendFile, readFile, writeFile } from 'node:fs/promises';
import type { AllureResult } from './allure-results.js';

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

/** How many runs the report's trend keeps: the history file holds no more, the oldest dropped first. */
export const HISTORY_RUNS = 20;

/** Keeps the last `runs` entries of the history: room for the run about to be added, or the whole trend. */
export async function trimHistory(file: string, runs: number): Promise<void> {
  const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line.trim() !== '');
  if (lines.length > runs)
    await writeFile(
      file,
      lines
        .slice(-runs)
        .map((line) => `${line}\n`)
        .join(''),
    );
}

/**
 * Whether the history's last entry is the run these results are of (the same tests, started at the same moments):
 * building its report again (`conformance report`) must not count it twice in the trend.
 */
export async function lastInHistory(file: string, results: AllureResult[]): Promise<boolean> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const last = text.trimEnd().split('\n').at(-1);
  if (!last) return false;
  let recorded: Set<string>;
  try {
    const entry = JSON.parse(last) as { testResults?: Record<string, AllureResult> };
    recorded = new Set(Object.values(entry.testResults ?? {}).map(identity));
  } catch {
    return false;
  }
  const runs = results.map(identity);
  return runs.length > 0 && runs.length === recorded.size && runs.every((run) => recorded.has(run));
}

/** A test's run as Allure's results and history both record it. */
const identity = ({ name, start }: AllureResult) => `${String(name)}@${String(start)}`;
