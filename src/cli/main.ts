import { printable } from '../report/terminal.js';
import { redact } from '../secrets.js';
import { didYouMean } from '../suggest.js';
import { packageVersion } from '../version.js';
import { ConfigError } from '../suite/errors.js';
import { command, type Runnable } from './command.js';
import { baselineOptions, initOptions, reportOptions, runOptions, sandboxOptions, validateOptions } from './command-options.js';

/** Suites may be named as arguments too (`conformance run suites/acme.yaml`), as with --suite. */
const SUITES = '[SUITE ...]';
function withSuites<T extends { suite?: string[] }>(options: T, suites: string[]): T {
  return suites.length ? { ...options, suite: [...(options.suite ?? []), ...suites] } : options;
}

// Each command loads its module on use, so `--help` and `list` load neither vitest nor the servers' packages
// (oidc-provider), which bin/load-main.js preloads for the other commands only.
const commands: Record<string, Runnable> = {
  run: command({
    summary: 'run the suites and write the reports (by default every suite, against the embedded sandbox and emulators unless configured)',
    options: runOptions,
    operands: SUITES,
    action: async (options, suites) => (await import('./run.js')).runCommand(withSuites(options, suites)),
  }),
  validate: command({
    summary: 'check suite files against the schema and their variables',
    options: validateOptions,
    operands: SUITES,
    action: async (options, suites) => (await import('./validate.js')).validateCommand(withSuites(options, suites)),
  }),
  list: command({
    summary: 'list the suites and every check with its spec citation',
    options: {},
    action: async () => (await import('./list.js')).listCommand(),
  }),
  baseline: command({
    summary: 'run the suites and keep what was seen (discovery, keys, lifetimes, error shapes) as a baseline',
    options: baselineOptions,
    operands: SUITES,
    action: async (options, suites) => (await import('./run.js')).baselineCommand(withSuites(options, suites)),
  }),
  report: command({
    summary: 'build the HTML report from Allure results directories, merging several (shards, vendors)',
    options: reportOptions,
    operands: '[DIR ...]',
    action: async (options, dirs) => (await import('./report.js')).reportCommand(options, dirs),
  }),
  init: command({
    summary: 'write a starter suite from a live discovery or SMART configuration document',
    options: initOptions,
    action: async (options) => (await import('./init.js')).initCommand(options),
  }),
  sandbox: command({
    summary: 'serve the embedded sandbox for manual use until interrupted',
    options: sandboxOptions,
    action: async (options) => (await import('./sandbox.js')).sandboxCommand(options),
  }),
};

function usage(): string {
  return [
    'oauth-conformance: conformance checks for OAuth 2.0 / OpenID Connect endpoints',
    '',
    'Usage: conformance <command> [options]',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`),
    '',
    'Run `conformance <command> --help` for its options, `conformance --version` for the version. Exit codes: 0 no check failed, 1 a check failed or could not run, 2 usage or configuration error.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    console.log(packageVersion());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`unknown command "${name}"${didYouMean(name, Object.keys(commands))}\n\n${usage()}`);
    return 2;
  }
  let invocation: ReturnType<Runnable['read']>;
  try {
    invocation = command.read(name, rest);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${command.help(name)}`);
    return 2;
  }
  if (invocation.help) {
    console.log(command.help(name));
    return 0;
  }
  try {
    return await invocation.start();
  } catch (error) {
    // Errors may quote a server or a file: its escape sequences never reach the terminal.
    const say = (text: string) => console.error(redact(printable(text)));
    if (error instanceof ConfigError) {
      say(error.message);
      if (invocation.debug) say(error.stack ?? '');
      return 2;
    }
    say(`error: ${error instanceof Error ? error.message : String(error)}${invocation.debug ? '' : '\n(run with --debug for details)'}`);
    if (invocation.debug && error instanceof Error) say(error.stack ?? '');
    return 1;
  }
}
