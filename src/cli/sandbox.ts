import { writeFile } from 'node:fs/promises';
import { emulatorNamed, emulators } from '../../sandbox/emulators/index.js';
import { profiles, startSandbox } from '../../sandbox/index.js';
import { writePrivately } from '../private-file.js';
import { ConfigError } from '../suite/errors.js';
import { readSuite } from '../suite/read.js';
import { suiteFiles } from '../suite/select.js';
import { usesBrowser } from '../suite/uses-browser.js';
import type { SandboxOptions } from './command-options.js';

/**
 * `conformance sandbox`: serves the embedded sandbox (or a vendor emulator) until interrupted. Client secrets go to a
 * 0600 file, not the console; for the sandbox the file also maps them onto the generic suite's OIDC_* variables.
 */
export async function sandboxCommand(options: SandboxOptions): Promise<number> {
  const server = options.emulator ? await startEmulator(options.emulator, options.profile) : await startReference(options);
  const lines = Object.entries(server.variables).map(([k, value]) => `${k}=${value}`);
  await writePrivately(options['env-out'], (file) => writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600, flag: 'wx' }));
  console.log(`${server.title} (profile ${server.profile}) serving:`);
  for (const [name, value] of Object.entries(server.variables)) if (/_(URL|ISSUER)$/.test(name)) console.log(`  ${name.padEnd(28)} ${value}`);
  console.log(`Client ids and secrets are in ${options['env-out']}. Try:`);
  // An https sandbox (the mtls profiles) is trusted by its test CA's certificate.
  const ca = server.variables.SANDBOX_CA_FILE ? ` --ca ${server.variables.SANDBOX_CA_FILE}` : '';
  console.log(`  conformance run --suite ${server.suite} --env-file ${options['env-out']}${ca}`);
  // Ctrl-C is handled before the console invites it: a signal on the cue stops the servers as one later does.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('Press Ctrl-C to stop.');
  await stopped;
  await server.close();
  return 0;
}

async function startEmulator(name: string, profile: string | undefined) {
  if (!emulators.some((e) => e.name === name)) {
    throw new ConfigError({ message: `unknown emulator ${name}`, fix: `use one of: ${emulators.map((e) => e.name).join(', ')}` });
  }
  const definition = emulatorNamed(name);
  if (profile && !definition.profiles.some((p) => p.name === profile)) {
    throw new ConfigError({ message: `unknown ${name} profile ${profile}`, fix: `use one of: ${definition.profiles.map((p) => p.name).join(', ')}` });
  }
  const emulator = await definition.start(profile ?? definition.profiles[0]!.name);
  return { ...emulator, title: `The ${name} emulator`, suite: await suiteUsing(name) };
}

/** The suite that runs against an emulator (its `emulator:`), by name. */
async function suiteUsing(emulator: string): Promise<string> {
  for (const file of suiteFiles([])) {
    const source = await readSuite(file);
    if (source.data.emulator === emulator && !usesBrowser(source.data)) return source.name;
  }
  return `a suite with "emulator: ${emulator}"`;
}

async function startReference(options: SandboxOptions) {
  const port = options.port === undefined ? 0 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError({ message: `--port ${options.port} is not a port number`, fix: 'use a number from 1 to 65535, or leave it out for a free port' });
  }
  if (options.profile && !profiles.some((p) => p.name === options.profile)) {
    throw new ConfigError({ message: `unknown profile ${options.profile}`, fix: `use one of: ${profiles.map((p) => p.name).join(', ')}` });
  }
  const sandbox = await startSandbox({ profile: options.profile, port, login: options.interactive ? 'interactive' : 'auto' });
  const v = sandbox.variables;
  // The same values under the generic suite's names, so it can be pointed at the sandbox by --env-file alone.
  const generic = {
    OIDC_ISSUER: v.SANDBOX_ISSUER,
    OIDC_CLIENT_ID: v.SANDBOX_CLIENT_ID,
    OIDC_CLIENT_SECRET: v.SANDBOX_CLIENT_SECRET,
    OIDC_SCOPE: v.SANDBOX_SCOPE,
    OIDC_RESOURCE_URL: v.SANDBOX_RESOURCE_URL,
    OIDC_RESOURCE_SCOPE: v.SANDBOX_RESOURCE_SCOPE,
    OIDC_AUTH_CLIENT_ID: v.SANDBOX_AUTH_CLIENT_ID,
    OIDC_AUTH_CLIENT_SECRET: v.SANDBOX_AUTH_CLIENT_SECRET,
    OIDC_REDIRECT_URI: v.SANDBOX_REDIRECT_URI,
    // mtls profiles: the client credentials client is the one whose tokens are bound to the client certificate.
    ...(v.SANDBOX_MTLS_SECRET_CLIENT_ID && {
      OIDC_CLIENT_ID: v.SANDBOX_MTLS_SECRET_CLIENT_ID,
      OIDC_CLIENT_SECRET: v.SANDBOX_MTLS_SECRET_CLIENT_SECRET,
      OIDC_CLIENT_CERT_FILE: v.SANDBOX_CLIENT_CERT_FILE,
      OIDC_CLIENT_CERT_KEY_FILE: v.SANDBOX_CLIENT_CERT_KEY_FILE,
    }),
    // Interactive: the generic suite's login steps sign in on the sandbox's page.
    ...(options.interactive
      ? { OIDC_CODE_STRATEGY: 'browser', OIDC_USERNAME: v.SANDBOX_USERNAME, OIDC_PASSWORD: v.SANDBOX_PASSWORD }
      : { OIDC_CODE_STRATEGY: 'redirect' }),
  };
  return { ...sandbox, variables: { ...v, ...generic } as Record<string, string>, title: 'Sandbox', suite: 'generic-oidc' };
}
