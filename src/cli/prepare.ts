import { emulatorNamed, emulators } from '../../sandbox/emulators/index.js';
import { profiles, startSandbox } from '../../sandbox/index.js';
import { ConfigError, type Problem } from '../suite/errors.js';
import type { LoadedSuite } from '../suite/loaded-suite.js';
import { isHttpUrl, resolveSuite } from '../suite/load.js';
import { readSuite, type SuiteSource } from '../suite/read.js';
import { suiteFiles } from '../suite/select.js';
import { usesBrowser } from '../suite/uses-browser.js';

/** A suite ready to run, and what it runs against when that is embedded. */
interface PreparedSuite {
  suite: LoadedSuite;
  /** "embedded sandbox" or "medplum emulator", with its profile when not the documented one. */
  target?: string;
}

export interface Prepared {
  suites: PreparedSuite[];
  /** Suites left out of a default run because their required variables are unset, with the names missing. */
  notConfigured: Array<{ name: string; variables: string[] }>;
  /** Suites left out of a default run because they would log in with a browser against an embedded server. */
  browserDemos: string[];
  /** Stops the embedded servers started for the run. */
  close: () => Promise<void>;
}

interface PrepareOptions {
  suites: string[];
  env: Record<string, string | undefined>;
  profile?: string;
  sandboxPort?: number;
  /** A default run leaves out browser logins against an embedded server: a demonstration that costs a browser's time. */
  leaveOutBrowserDemos?: boolean;
}

interface Started {
  variables: Record<string, string>;
  trustedCertificates?: string[];
  profile: string;
  close(): Promise<void>;
}

/** An embedded server started for a suite: "sandbox" or an emulator's name, and how the console names it. */
interface Server {
  name: string;
  target: string;
  started: Started;
}

/**
 * Reads, validates and resolves the selected suites. A suite marked `sandbox` runs against the embedded sandbox; a
 * suite with an `emulator` runs against that vendor emulator when none of its required variables is set (set them
 * and it runs against the real vendor). Every broken file is reported at once. A default run (no --suite) leaves out
 * suites whose required variables are unset; naming a suite makes those variables an error.
 */
export async function prepareSuites(options: PrepareOptions): Promise<Prepared> {
  const explicit = options.suites.length > 0;
  const all = await readAll(suiteFiles(options.suites));
  const isDemo = (source: SuiteSource) => Boolean(!explicit && options.leaveOutBrowserDemos && usesBrowser(source.data) && embeddedServer(source, options.env));
  const sources = all.filter((source) => !isDemo(source));
  const started: Started[] = [];
  const close = () => Promise.all(started.map((s) => s.close())).then(() => undefined);
  try {
    const servers = await startServers(sources, options, started);
    return { ...resolveAll(sources, servers, options.env, explicit), browserDemos: all.filter(isDemo).map((source) => source.name), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The embedded server of each suite that runs against one (undefined for the others); `started` collects them to close. */
async function startServers(sources: SuiteSource[], options: PrepareOptions, started: Started[]): Promise<Array<Server | undefined>> {
  const owner = profileOwner(options.profile);
  const servers = await Promise.all(
    sources.map(async (source) => {
      const name = embeddedServer(source, options.env);
      if (!name) return undefined;
      const server = await startServer(name, source, owner === name ? options.profile : undefined, options);
      started.push(server.started);
      return server;
    }),
  );
  if (owner && !servers.some((server) => server?.name === owner)) {
    throw new ConfigError({
      message: `--profile ${options.profile} belongs to the ${owner === 'sandbox' ? 'embedded sandbox' : `${owner} emulator`}, which no selected suite runs against`,
      fix: `add --suite ${owner === 'sandbox' ? 'local' : `(the suite with emulator: ${owner})`}, or drop --profile`,
    });
  }
  return servers;
}

async function startServer(name: string, source: SuiteSource, profile: string | undefined, options: PrepareOptions): Promise<Server> {
  // A fixed port keeps the sandbox's URLs the same from run to run, as a baseline expects of a vendor.
  const started =
    name === 'sandbox'
      ? await startSandbox({
          profile,
          ...(options.sandboxPort && { port: options.sandboxPort, resourcePort: options.sandboxPort + 1 }),
          // Setting the sandbox's secret variables fixes its secrets (a leak scan knows what to look for).
          secrets: {
            machine: options.env.SANDBOX_CLIENT_SECRET || undefined,
            app: options.env.SANDBOX_AUTH_CLIENT_SECRET || undefined,
            password: options.env.SANDBOX_PASSWORD || undefined,
          },
          login: source.data.sandbox === 'interactive' ? 'interactive' : 'auto',
        })
      : await emulatorNamed(name).start(profile ?? emulatorNamed(name).profiles[0]!.name);
  const label = name === 'sandbox' ? 'embedded sandbox' : `${name} emulator`;
  return { name, target: profile ? `${label}, profile ${started.profile}` : label, started };
}

/** The http(s) origins an embedded server's variables name, by variable name (a stable order from run to run). */
function originsOf(variables: Record<string, string>): string[] {
  const values = Object.keys(variables)
    .sort()
    .map((name) => variables[name]!);
  return [...new Set(values.filter(isHttpUrl).map((value) => new URL(value).origin))];
}

/**
 * Each suite resolved with its server's variables, or set aside as not configured when a default run finds only its
 * required variables unset; every other problem of every suite stops the run at once.
 */
function resolveAll(
  sources: SuiteSource[],
  servers: Array<Server | undefined>,
  env: PrepareOptions['env'],
  explicit: boolean,
): Pick<Prepared, 'suites' | 'notConfigured'> {
  const resolved: Pick<Prepared, 'suites' | 'notConfigured'> = { suites: [], notConfigured: [] };
  const problems: Problem[] = [];
  sources.forEach((source, i) => {
    const server = servers[i];
    try {
      const suite = resolveSuite(source, server ? { ...env, ...server.started.variables } : env);
      const trustedCertificates = server?.started.trustedCertificates;
      const embeddedOrigins = server && originsOf(server.started.variables);
      resolved.suites.push({
        suite: { ...suite, ...(trustedCertificates && { trustedCertificates }), ...(embeddedOrigins && { embeddedOrigins }) },
        target: server?.target,
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      if (!explicit && error.problems.every((p) => p.unsetVariable)) {
        resolved.notConfigured.push({ name: source.name, variables: error.problems.map((p) => p.unsetVariable!) });
      } else problems.push(...error.problems);
    }
  });
  if (problems.length) throw new ConfigError(problems);
  return resolved;
}

/** The embedded server a suite runs against ("sandbox" or an emulator's name), if it runs against one. */
function embeddedServer(source: SuiteSource, env: Record<string, string | undefined>): string | undefined {
  if (source.data.sandbox) return 'sandbox';
  return source.data.emulator && noRequiredVariableSet(source, env) ? source.data.emulator : undefined;
}

/** Which embedded server a --profile belongs to: "sandbox", an emulator's name, or none. */
function profileOwner(profile: string | undefined): string | undefined {
  if (!profile) return undefined;
  if (profiles.some((p) => p.name === profile)) return 'sandbox';
  const emulator = emulators.find((e) => e.profiles.some((p) => p.name === profile));
  if (emulator) return emulator.name;
  throw new ConfigError({
    message: `--profile ${profile}: no such profile`,
    fix: `use a sandbox profile (${profiles.map((p) => p.name).join(', ')}) or an emulator profile (${emulators.flatMap((e) => e.profiles.map((p) => p.name)).join(', ')})`,
  });
}

/** True when the user has configured none of the suite's required variables: the emulator stands in for the vendor. */
function noRequiredVariableSet(source: SuiteSource, env: Record<string, string | undefined>): boolean {
  return Object.entries(source.data.variables ?? {}).every(([name, spec]) => spec.optional || spec.default !== undefined || !env[name]);
}

async function readAll(files: string[]): Promise<SuiteSource[]> {
  const settled = await Promise.allSettled(files.map(readSuite));
  const problems: Problem[] = [];
  for (const s of settled) {
    if (s.status === 'fulfilled') continue;
    if (!(s.reason instanceof ConfigError)) throw s.reason;
    problems.push(...s.reason.problems);
  }
  if (problems.length) throw new ConfigError(problems);
  return settled.map((s) => (s as PromiseFulfilledResult<SuiteSource>).value);
}
