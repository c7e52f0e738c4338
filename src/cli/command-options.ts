import { profiles } from '../../sandbox/profiles.js';
import { DEFAULT_BUDGET_MB } from '../report/attachments.js';
import type { OptionTable, OptionValues } from './options.js';

// Each command's options, read by the parser, shown by `--help`, and typing what the command receives.

/** Options every command takes. */
export const commonOptions = {
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  debug: { type: 'boolean', help: 'show stack traces of errors' },
} as const satisfies OptionTable;

export const FAIL_ON = ['fail', 'warn', 'new', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

const suite = {
  type: 'string',
  multiple: true,
  value: 'NAME|FILE',
  help: 'suite name in suites/ or a path; repeatable. Default: every suite whose variables are set',
} as const;
const envFile = { type: 'string', value: 'F', help: "dotenv file with the suites' variables (default: ./.env when present)" } as const;
const profile = {
  type: 'string',
  value: 'NAME',
  help: 'fault profile of the embedded sandbox or an emulator, to see checks fail (see `conformance list`)',
} as const;
const ca = {
  type: 'string',
  value: 'FILE',
  help: 'trust the CA certificate(s) in this PEM file besides the system roots, for every https request (a private CA). Proxies: HTTPS_PROXY, HTTP_PROXY, NO_PROXY (loopback is never proxied)',
} as const;
const out = {
  type: 'string',
  value: 'D',
  default: 'reports',
  help: 'the folder every output goes in: allure-results/, html/, junit.xml, summary.md, snapshot.json, history.jsonl',
} as const;
const sandboxPort = { type: 'string', value: 'P', help: 'fixed port P for the embedded sandbox (P+1 for its resource), so its URLs match a baseline' } as const;

export const runOptions = {
  suite,
  'env-file': envFile,
  only: { type: 'string', multiple: true, value: 'AREA|CHECK', help: 'run only these areas or check ids; repeatable (see `conformance list`)' },
  strict: { type: 'boolean', help: 'treat warnings (SHOULD rules) as failures' },
  long: { type: 'boolean', help: 'also wait out token and code lifetimes to check expiry is enforced (takes as long as the longest lifetime)' },
  shard: { type: 'string', value: 'I/N', help: 'run part I of N of the checks (CI jobs in parallel; merge with `conformance report --merge`)' },
  baseline: {
    type: 'string',
    value: 'F',
    help: 'compare discovery, SMART, key ids, lifetimes and error shapes with this baseline (see `conformance baseline`)',
  },
  'fail-on': {
    type: 'string',
    value: FAIL_ON.join('|'),
    default: 'fail',
    help: 'what makes the exit code 1: fail (failed checks, breaking drift), warn (also warnings), new (only those not failing in the previous run: OUT/snapshot.json), never',
  },
  out,
  history: { type: 'string', value: 'F', help: 'Allure history file: keeps the trend across runs (keep it between CI runs) (default OUT/history.jsonl)' },
  'results-dir': {
    type: 'string',
    value: 'D',
    help: 'Allure results directory, replaced at the start of the run: a new or empty folder, or one this tool wrote (default OUT/allure-results)',
  },
  'report-dir': {
    type: 'string',
    value: 'D',
    help: 'Allure HTML report directory, replaced: a new or empty folder, or one this tool wrote (default OUT/html)',
  },
  junit: { type: 'string', value: 'F', help: 'JUnit XML file (default OUT/junit.xml)' },
  summary: { type: 'string', value: 'F', help: 'markdown summary file, for a CI job summary (default OUT/summary.md)' },
  json: { type: 'string', value: 'F', help: 'also write every result as JSON to F, as schemas/results.schema.json describes it' },
  timeout: { type: 'string', value: 'MS', default: '10000', help: 'per-request timeout in milliseconds' },
  deadline: { type: 'string', value: 'S', help: 'end the run after this many seconds: unfinished checks are reported as transport errors' },
  connections: { type: 'string', value: 'N', default: '16', help: 'parallel connections per host: lower it for a vendor that must not be hammered' },
  'results-budget': {
    type: 'string',
    value: 'MB',
    default: String(DEFAULT_BUDGET_MB),
    help: 'megabytes the attachments in the results directory may take; past it they are replaced by a note',
  },
  'allow-insecure-http': { type: 'boolean', help: 'send credentials over plain http to hosts other than loopback (a lab setup you control)' },
  ca,
  profile,
  'sandbox-port': sandboxPort,
  'no-html': { type: 'boolean', help: 'skip the HTML report (results, JUnit and summary are still written)' },
  verbose: { type: 'boolean', short: 'V', help: 'print each request and its answer as it happens, redacted' },
  headed: { type: 'boolean', help: 'show the browser of browser logins (needs a display; slowed down to follow)' },
  'browser-trace': {
    type: 'string',
    value: 'D',
    help: 'write a Playwright trace of each browser login to D (open with `npx playwright-core show-trace`); traces hold what was typed, in clear: never share them',
  },
} as const satisfies OptionTable;
export type RunOptions = OptionValues<typeof runOptions>;

/** A run that keeps what it saw: the run's other options take their defaults. */
export const baselineOptions = {
  file: { type: 'string', value: 'F', default: 'baseline.json', help: 'the baseline file to write' },
  out: { ...out, default: 'reports/baseline', help: "the folder the baseline run's own reports go in, apart from the last run's" },
  suite,
  'env-file': envFile,
  ca,
  profile,
  'sandbox-port': sandboxPort,
} as const satisfies OptionTable;
export type BaselineOptions = OptionValues<typeof baselineOptions>;

export const validateOptions = {
  suite: { ...suite, help: 'suite name or path; repeatable. Default: every suite' },
  'env-file': envFile,
} as const satisfies OptionTable;
export type ValidateOptions = OptionValues<typeof validateOptions>;

export const reportOptions = {
  merge: { type: 'boolean', help: 'build one report from the results directories given as arguments' },
  out: { ...out, help: 'the folder of the run whose report this is (results, html, history)' },
  'results-dir': { type: 'string', multiple: true, value: 'D', help: 'results directory; repeatable (default OUT/allure-results)' },
  'report-dir': { type: 'string', value: 'D', help: 'where the HTML goes, replaced: a new or empty folder, or one this tool wrote (default OUT/html)' },
  history: { type: 'string', value: 'F', help: 'Allure history file: keeps the trend across runs (default OUT/history.jsonl)' },
  'results-json': {
    type: 'string',
    multiple: true,
    value: 'F',
    help: 'results files (`run --json`) of the runs merged: one summary.md of them all, verdict first; repeatable',
  },
  summary: { type: 'string', value: 'F', help: 'where that summary goes (default OUT/summary.md)' },
  notify: {
    type: 'string',
    value: 'F',
    help: 'with --results-json: write per vendor its state, what broke anew since the previous run and an issue text, and a webhook message when something is new, to F (JSON)',
  },
} as const satisfies OptionTable;
export type ReportOptions = OptionValues<typeof reportOptions>;

export const initOptions = {
  discovery: {
    type: 'string',
    value: 'URL',
    required: true,
    help: 'the metadata URL (…/.well-known/openid-configuration, oauth-authorization-server or smart-configuration)',
  },
  vendor: { type: 'string', value: 'NAME', help: 'suite and variable name (default: from the host name)' },
  out: { type: 'string', value: 'FILE', help: 'the file to write (default suites/VENDOR.yaml)' },
  force: { type: 'boolean', help: 'overwrite an existing file' },
  ca,
} as const satisfies OptionTable;
export type InitOptions = OptionValues<typeof initOptions>;

export const sandboxOptions = {
  emulator: { type: 'string', value: 'NAME', help: 'serve a vendor emulator instead (oneup, bwell, medplum); its profiles: see `conformance list`' },
  interactive: { type: 'boolean', help: 'show a sign-in page (SANDBOX_USERNAME, SANDBOX_PASSWORD) and a consent screen, for browser logins' },
  profile: { type: 'string', value: 'NAME', help: `fault profile to serve: ${profiles.map((p) => p.name).join(', ')} (default conformant)` },
  port: { type: 'string', value: 'N', help: 'authorization server port (default: a free port)' },
  'env-out': { type: 'string', value: 'F', default: '.sandbox.env', help: 'file to write the sandbox variables to, secrets included (mode 0600)' },
} as const satisfies OptionTable;
export type SandboxOptions = OptionValues<typeof sandboxOptions>;
