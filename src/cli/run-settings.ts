import { join, resolve } from 'node:path';
import { selectChecks } from '../engine/plan.js';
import { ConfigError } from '../suite/errors.js';
import { readCaFile } from './ca-file.js';
import { FAIL_ON, runOptions, type FailOn, type RunOptions } from './command-options.js';

/** What a run was asked for, every value checked: a mistyped option stops it before anything starts. */
export interface RunSettings {
  suites: string[];
  envFile?: string;
  only: string[];
  strict: boolean;
  long: boolean;
  shard?: { index: number; count: number };
  /** The baseline file drift is judged against. */
  baseline?: string;
  /** Where this run's snapshot is kept as a baseline (`conformance baseline`). */
  saveBaseline?: string;
  failOn: FailOn;
  profile?: string;
  sandboxPort?: number;
  http: { timeoutMs: number; connections: number; allowInsecureHttp: boolean; trustedCertificates?: string[]; deadlineSeconds?: number };
  browser: { headed: boolean; traceDir?: string };
  budgetMb: number;
  html: boolean;
  /** Print each request and its answer as it happens (--verbose). */
  verbose: boolean;
  /** Every output of the run: in `out` unless an option puts one elsewhere; the snapshot always there. */
  outputs: { out: string; resultsDir: string; reportDir: string; history: string; junit: string; summary: string; snapshot: string; json?: string };
}

export function runSettings(options: RunOptions): RunSettings {
  const only = options.only ?? [];
  // An unknown area or check id is refused here, before any folder is touched.
  selectChecks(only);
  return {
    suites: options.suite ?? [],
    envFile: options['env-file'],
    only,
    strict: options.strict ?? false,
    long: options.long ?? false,
    shard: parseShard(options.shard),
    baseline: options.baseline,
    failOn: parseFailOn(options['fail-on']),
    profile: options.profile,
    sandboxPort: sandboxPort(options['sandbox-port']),
    http: httpSettings(options),
    browser: { headed: options.headed ?? false, ...(options['browser-trace'] && { traceDir: resolve(options['browser-trace']) }) },
    budgetMb: parseNumber(
      'results-budget',
      options['results-budget'],
      (n) => n > 0,
      'a positive number of megabytes',
      `e.g. --results-budget ${runOptions['results-budget'].default}`,
    ),
    html: !options['no-html'],
    verbose: options.verbose ?? false,
    outputs: runOutputs(options),
  };
}

/** Where each output goes: under --out (default reports/) unless its own option names another place. */
function runOutputs(options: RunOptions): RunSettings['outputs'] {
  const { out } = options;
  return {
    out,
    resultsDir: options['results-dir'] ?? join(out, 'allure-results'),
    reportDir: options['report-dir'] ?? join(out, 'html'),
    history: options.history ?? join(out, 'history.jsonl'),
    junit: options.junit ?? join(out, 'junit.xml'),
    summary: options.summary ?? join(out, 'summary.md'),
    snapshot: join(out, 'snapshot.json'),
    ...(options.json !== undefined && { json: options.json }),
  };
}

function httpSettings(options: RunOptions): RunSettings['http'] {
  const deadline = options.deadline;
  return {
    timeoutMs: parseNumber('timeout', options.timeout, (n) => Number.isInteger(n) && n > 0, 'a positive number of milliseconds', 'e.g. --timeout 10000'),
    connections: parseNumber(
      'connections',
      options.connections,
      (n) => Number.isInteger(n) && n >= 1,
      'a positive whole number',
      'e.g. --connections 4 for a vendor that must not be hammered',
    ),
    allowInsecureHttp: options['allow-insecure-http'] ?? false,
    ...(options.ca !== undefined && { trustedCertificates: readCaFile(options.ca) }),
    ...(deadline !== undefined && {
      deadlineSeconds: parseNumber(
        'deadline',
        deadline,
        (n) => n > 0,
        'a positive number of seconds',
        'e.g. --deadline 600 ends the run after ten minutes, reporting what is unfinished',
      ),
    }),
  };
}

function sandboxPort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return parseNumber('sandbox-port', value, (n) => Number.isInteger(n) && n >= 1 && n <= 65534, 'a port number', 'a free port P (the resource takes P+1)');
}

/** The number an option's value spells, when `valid`; otherwise the option, the value, what it should be and the fix. */
function parseNumber(option: string, value: string, valid: (n: number) => boolean, expected: string, fix: string): number {
  const n = Number(value);
  if (valid(n)) return n;
  throw new ConfigError({ message: `--${option} ${value} is not ${expected}`, fix });
}

function parseFailOn(value: string): FailOn {
  const failOn = FAIL_ON.find((known) => known === value);
  if (failOn) return failOn;
  throw new ConfigError({ message: `--fail-on ${value}: not one of ${FAIL_ON.join(', ')}`, fix: 'use --fail-on fail (default), warn, new or never' });
}

function parseShard(value: string | undefined): RunSettings['shard'] {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || count < 1 || index < 1 || index > count) {
    throw new ConfigError({
      message: `--shard ${value} is not i/n with 1 ≤ i ≤ n`,
      fix: 'e.g. --shard 1/2 and --shard 2/2 in two jobs, then conformance report --merge',
    });
  }
  return { index, count };
}
