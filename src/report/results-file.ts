import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CheckResult } from '../results.js';
import { schemaErrors } from '../schemas.js';
import { redact } from '../secrets.js';
import { ConfigError } from '../suite/errors.js';
import { packageVersion } from '../version.js';
import type { ResultsFile } from './results-file.types.js';
import type { RunContext } from './summary.js';

/** Every result of a run as schemas/results.schema.json describes it (`--json FILE`), for scripts and dashboards. */
export function resultsFile(
  results: CheckResult[],
  { startedAt, durationMs, targets }: RunContext,
  isNew: (r: CheckResult) => boolean = () => false,
): ResultsFile {
  return {
    tool: { name: 'oauth-conformance', version: packageVersion() },
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Math.round(durationMs),
    ...(Object.keys(targets).length && { targets }),
    results: results.map((r) => ({
      id: r.checkId,
      vendor: r.vendor,
      area: r.area,
      ...(r.subject && { subject: r.subject }),
      status: r.status,
      level: r.level,
      spec: [...r.spec],
      message: r.message,
      ...(r.expected !== undefined && { expected: r.expected }),
      ...(r.actual !== undefined && { actual: r.actual }),
      ...(r.deviation !== undefined && { deviation: r.deviation }),
      ...(r.durationMs !== undefined && { durationMs: Math.round(r.durationMs) }),
      ...(isNew(r) && { new: true as const }),
    })),
  };
}

export async function writeResultsFile(path: string, results: CheckResult[], context: RunContext, isNew?: (r: CheckResult) => boolean): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // The results are redacted already; the file is redacted as a whole once more, as every output is.
  await writeFile(path, redact(`${JSON.stringify(resultsFile(results, context, isNew), null, 2)}\n`));
}

/**
 * The results of several runs' --json files, as one run's (CI shards, vendors run apart): what `conformance report`
 * summarises in one summary.md. From the first start to the last end; each file is checked against its schema.
 */
export async function readResultsFiles(files: string[]): Promise<{ results: CheckResult[]; context: RunContext; fresh: Set<CheckResult> }> {
  const read = await Promise.all(files.map(readResultsFile));
  const starts = read.map((f) => Date.parse(f.startedAt));
  const ends = read.map((f, i) => starts[i]! + f.durationMs);
  const fresh = new Set<CheckResult>();
  return {
    results: read.flatMap((f) =>
      f.results.map(({ id, subject = '', durationMs, new: isNew, ...rest }): CheckResult => {
        const result = {
          ...rest,
          checkId: id,
          subject,
          area: rest.area as CheckResult['area'],
          name: `${id}${subject ? ` [${subject}]` : ''}`,
          ...(durationMs !== undefined && { durationMs }),
        };
        if (isNew) fresh.add(result);
        return result;
      }),
    ),
    fresh,
    context: {
      startedAt: Math.min(...starts),
      durationMs: Math.max(...ends) - Math.min(...starts),
      targets: Object.assign({}, ...read.map((f) => f.targets ?? {})) as Record<string, string>,
    },
  };
}

async function readResultsFile(file: string): Promise<ResultsFile> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ConfigError({
      file,
      message: code ? `cannot read the results file (${code})` : 'the results file is not JSON',
      fix: 'give the files `conformance run --json` wrote',
    });
  }
  const problems = schemaErrors('results', data);
  if (problems.length)
    throw new ConfigError({ file, message: `not a results file: ${problems.slice(0, 3).join('; ')}`, fix: 'give the files `conformance run --json` wrote' });
  return data as ResultsFile;
}
