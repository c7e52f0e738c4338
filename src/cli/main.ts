import { parseArgs, type ParseArgsConfig } from 'node:util';
import { profiles } from '../../sandbox/profiles.js';
import { printable } from '../report/terminal.js';
import { redact } from '../secrets.js';
import { DEFAULT_BUDGET_MB } from '../report/attachments.js';
import { ConfigError } from '../suite/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

interface Command {
  summary: string;
  usage: string;
  options: Options;
  help: Record<string, string>;
  action(values: Record<string, unknown>): Promise<number>;
}

const common: Options = { help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } };
const suiteOptions: Options = { suite: { type: 'string', multiple: true }, 'env-file': { type: 'string' } };

const runOptions: Options = {
  ...suiteOptions,
  only: { type: 'string', multiple: true },
  strict: { type: 'boolean' },
  long: { type: 'boolean' },
  shard: { type: 'string' },
  baseline: { type: 'string' },
  'fail-on': { type: 'string', default: 'fail' },
  history: { type: 'string', default: 'reports/history.jsonl' },
  'results-dir': { type: 'string', default: 'reports/allure-results' },
  'report-dir': { type: 'string', default: 'reports/html' },
  junit: { type: 'string', default: 'reports/junit.xml' },
  summary: { type: 'string', default: 'reports/summary.md' },
  timeout: { type: 'string', default: '10000' },
  profile: { type: 'string' },
  deadline: { type: 'string' },
  connections: { type: 'string', default: '16' },
  'results-budget': { type: 'string', default: String(DEFAULT_BUDGET_MB) },
  'allow-insecure-http': { type: 'boolean' },
  'sandbox-port': { type: 'string' },
  'no-html': { type: 'boolean' },
  headed: { type: 'boolean' },
  'browser-trace': { type: 'string' },
};

/** The run options' defaults, for commands that are a run with a purpose (baseline). */
const runDefaults = Object.fromEntries(Object.entries(runOptions).flatMap(([name, o]) => (o.default === undefined ? [] : [[name, o.default]])));

// Each command loads its module on use: `--help` and `list` need neither vitest nor the sandbox.
const commands: Record<string, Command> = {
  run: {
    summary: 'run the suites and write the reports (by default every suite, against the embedded sandbox and emulators unless configured)',
    usage: 'conformance run [--suite NAME|FILE ...] [--env-file F] [--only AREA|CHECK ...] [--strict] [--long] [--shard I/N] [--baseline F] [--fail-on fail|warn|never] [--history F] [--results-dir D] [--report-dir D] [--junit F] [--summary F] [--timeout MS] [--deadline S] [--connections N] [--results-budget MB] [--allow-insecure-http] [--profile NAME] [--sandbox-port P] [--no-html] [--headed] [--browser-trace D]',
    options: runOptions,
    help: {
      suite: 'suite name in suites/ or a path; repeatable. Default: every suite whose variables are set',
      'env-file': 'dotenv file with the suites\' variables (default: ./.env when present)',
      only: 'run only these areas or check ids; repeatable (see `conformance list`)',
      strict: 'treat warnings (SHOULD rules) as failures',
      long: 'also wait out token and code lifetimes to check expiry is enforced (takes as long as the longest lifetime)',
      shard: 'run part I of N of the checks (CI jobs in parallel; merge with `conformance report --merge`)',
      baseline: 'compare discovery, SMART, key ids, lifetimes and error shapes with this baseline (see `conformance baseline`)',
      'fail-on': 'what makes the exit code 1: fail (failed checks, breaking drift), warn (also warnings), never',
      history: 'Allure history file: keeps the trend across runs (keep it between CI runs)',
      'results-dir': 'Allure results directory, replaced at the start of the run: a new or empty folder, or one this tool wrote',
      'report-dir': 'Allure HTML report directory, replaced: a new or empty folder, or one this tool wrote',
      junit: 'JUnit XML file',
      summary: 'markdown summary file (for a CI job summary)',
      timeout: 'per-request timeout in milliseconds',
      profile: 'fault profile of the embedded sandbox, to see checks fail (see `conformance sandbox --help`)',
      deadline: 'end the run after this many seconds: unfinished checks are reported as transport errors',
      connections: 'parallel connections per host: lower it for a vendor that must not be hammered',
      'results-budget': 'megabytes the attachments in the results directory may take; past it they are replaced by a note',
      'allow-insecure-http': 'send credentials over plain http to hosts other than loopback (a lab setup you control)',
      'sandbox-port': 'fixed port P for the embedded sandbox (P+1 for its resource), so its URLs match a baseline',
      'no-html': 'skip the HTML report (results, JUnit and summary are still written)',
      headed: 'show the browser of browser logins (needs a display; slowed down to follow)',
      'browser-trace': 'write a Playwright trace of each browser login to D (open with `npx playwright-core show-trace`); traces hold what was typed, in clear: never share them',
    },
    action: async (v) => (await import('./run.js')).runCommand(v as never),
  },
  validate: {
    summary: 'check suite files against the schema and their variables',
    usage: 'conformance validate [--suite NAME|FILE ...] [--env-file F]',
    options: suiteOptions,
    help: { suite: 'suite name or path; repeatable. Default: every suite', 'env-file': 'dotenv file with the suites\' variables' },
    action: async (v) => (await import('./validate.js')).validateCommand(v as never),
  },
  list: {
    summary: 'list the suites and every check with its spec citation',
    usage: 'conformance list',
    options: {},
    help: {},
    action: async () => (await import('./list.js')).listCommand(),
  },
  baseline: {
    summary: 'run the suites and keep what was seen (discovery, keys, lifetimes, error shapes) as a baseline',
    usage: 'conformance baseline [--out F] [--suite NAME|FILE ...] [--env-file F] [--profile NAME]',
    options: { ...suiteOptions, out: { type: 'string', default: 'baseline.json' }, profile: { type: 'string' }, 'sandbox-port': { type: 'string' } },
    help: {
      out: 'the baseline file to write',
      suite: 'suite name in suites/ or a path; repeatable',
      'env-file': 'dotenv file with the suites\' variables',
      profile: 'fault profile of the embedded sandbox or an emulator',
      'sandbox-port': 'fixed port P for the embedded sandbox (P+1 for its resource)',
    },
    action: async (v) => (await import('./run.js')).runCommand({ ...runDefaults, ...v, 'save-baseline': String(v.out), 'fail-on': 'never', 'no-html': true } as never),
  },
  report: {
    summary: 'build the HTML report from Allure results directories, merging several (shards, vendors)',
    usage: 'conformance report [--merge DIR ...] [--results-dir D ...] [--report-dir D] [--history F]',
    options: {
      merge: { type: 'boolean' },
      'results-dir': { type: 'string', multiple: true },
      'report-dir': { type: 'string', default: 'reports/html' },
      history: { type: 'string', default: 'reports/history.jsonl' },
    },
    help: {
      merge: 'build one report from the results directories given as arguments',
      'results-dir': 'results directory; repeatable (default reports/allure-results)',
      'report-dir': 'where the HTML goes, replaced: a new or empty folder, or one this tool wrote',
      history: 'Allure history file: keeps the trend across runs',
    },
    action: async (v) => (await import('./report.js')).reportCommand(v as never),
  },
  init: {
    summary: 'write a starter suite from a live discovery or SMART configuration document',
    usage: 'conformance init --discovery URL [--vendor NAME] [--out FILE] [--force]',
    options: { discovery: { type: 'string' }, vendor: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } },
    help: {
      discovery: 'the metadata URL (…/.well-known/openid-configuration, oauth-authorization-server or smart-configuration)',
      vendor: 'suite and variable name (default: from the host name)',
      out: 'the file to write (default suites/VENDOR.yaml)',
      force: 'overwrite an existing file',
    },
    action: async (v) => (await import('./init.js')).initCommand(v as never),
  },
  sandbox: {
    summary: 'serve the embedded sandbox for manual use until interrupted',
    usage: 'conformance sandbox [--emulator NAME] [--interactive] [--profile NAME] [--port N] [--env-out F]',
    options: { emulator: { type: 'string' }, interactive: { type: 'boolean' }, profile: { type: 'string' }, port: { type: 'string' }, 'env-out': { type: 'string', default: '.sandbox.env' } },
    help: {
      emulator: 'serve a vendor emulator instead (oneup, bwell, medplum); its profiles: see `conformance list`',
      interactive: 'show a sign-in page (SANDBOX_USERNAME, SANDBOX_PASSWORD) and a consent screen, for browser logins',
      profile: `fault profile to serve: ${profiles.map((p) => p.name).join(', ')} (default conformant)`,
      port: 'authorization server port (default: a free port)',
      'env-out': 'file to write the sandbox variables to, secrets included (mode 0600)',
    },
    action: async (v) => (await import('./sandbox.js')).sandboxCommand(v as never),
  },
};

function usage(): string {
  return [
    'oauth-conformance: conformance checks for OAuth 2.0 / OpenID Connect endpoints',
    '',
    'Usage: conformance <command> [options]',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`),
    '',
    'Run `conformance <command> --help` for its options. Exit codes: 0 no check failed, 1 a check failed or could not run, 2 usage or configuration error.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [
    command.summary,
    '',
    `Usage: ${command.usage}`,
    '',
    ...Object.entries(command.help).map(([opt, text]) => `  --${opt.padEnd(13)} ${text}${command.options[opt]?.default !== undefined ? ` (default ${String(command.options[opt]!.default)})` : ''}`),
    '  --debug         show stack traces of errors',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  let values: Record<string, unknown>;
  try {
    const parsed = parseArgs({ args: rest, options: { ...common, ...command.options }, strict: true, allowPositionals: name === 'report' });
    values = { ...parsed.values, ...(parsed.positionals.length > 0 && { positionals: parsed.positionals }) };
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${commandHelp(command)}`);
    return 2;
  }
  if (values.help) {
    console.log(commandHelp(command));
    return 0;
  }
  try {
    return await command.action(values);
  } catch (error) {
    // Errors may quote a server or a file: its escape sequences never reach the terminal.
    const say = (text: string) => console.error(redact(printable(text)));
    if (error instanceof ConfigError) {
      say(error.message);
      if (values.debug) say(error.stack ?? '');
      return 2;
    }
    say(`error: ${(error as Error).message ?? String(error)}${values.debug ? '' : '\n(run with --debug for details)'}`);
    if (values.debug) say((error as Error).stack ?? '');
    return 1;
  }
}
