import { appendFile, readFile, writeFile } from 'node:fs/promises';
import type { AllureResult } from './allure-results.js';

/** How many runs the report's trend keeps: the history file holds no more, the oldest dropped first. */
export const HISTORY_RUNS = 20;

/** A history line, and its entry when it is JSON. */
interface Line {
  text: string;
  entry?: { testResults?: Record<string, AllureResult> };
}

/**
 * Readies the report history for a build, reading and writing the file once. A line cut short (a run killed
 * mid-write, two runs appending to the same file at once) makes Allure's report build fail outright, so such lines move to
 * `<file>.damaged` (nothing is lost) and the report is built from the rest, with a warning naming both files. The
 * build's run is appended unless the last entry is that run (its report built again, `conformance report`: counted
 * once), and the oldest runs are dropped so that the trend holds HISTORY_RUNS with it.
 */
export async function prepareHistory(file: string, results: AllureResult[]): Promise<{ append: boolean; warning?: string }> {
  const lines: Line[] = (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter((text) => text.trim() !== '')
    .map((text) => ({ text, ...parsed(text) }));
  const damaged = lines.flatMap((line, i) => (line.entry ? [] : [i + 1]));
  if (damaged.length) await appendFile(`${file}.damaged`, damaged.map((n) => `${lines[n - 1]!.text}\n`).join(''));
  const whole = lines.filter((line) => line.entry);
  const append = !isRun(whole.at(-1), results);
  const kept = whole.slice(-(append ? HISTORY_RUNS - 1 : HISTORY_RUNS));
  if (kept.length < lines.length) await writeFile(file, kept.map((line) => `${line.text}\n`).join(''));
  const warning = `${file}: line ${damaged.join(', ')} of the report history was not JSON (cut short?); moved to ${file}.damaged and left out of the trend`;
  return { append, ...(damaged.length && { warning }) };
}

function parsed(text: string): Pick<Line, 'entry'> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? { entry: value } : {};
  } catch {
    return {};
  }
}

/** Whether a history entry is the run these results are of: the same tests, started at the same moments. */
function isRun(line: Line | undefined, results: AllureResult[]): boolean {
  if (!line?.entry) return false;
  const recorded = new Set(Object.values(line.entry.testResults ?? {}).map(identity));
  const runs = results.map(identity);
  return runs.length > 0 && runs.length === recorded.size && runs.every((run) => recorded.has(run));
}

/** A test's run as Allure's results and history both record it. */
const identity = ({ name, start }: AllureResult) => `${String(name)}@${String(start)}`;
