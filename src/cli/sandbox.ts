import { writeFile } from 'node:fs/promises';
import { profiles, startSandbox } from '../../sandbox/index.js';
import { ConfigError } from '../suite/errors.js';

/**
 * `conformance sandbox`: serves the embedded sandbox until interrupted. Its client secrets go to a 0600 file, not
 * the console, and the file also maps them onto the generic suite's OIDC_* variables.
 */
export async function sandboxCommand(options: { profile?: string; port?: string; 'env-out': string }): Promise<number> {
  const port = options.port === undefined ? 0 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError({ message: `--port ${options.port} is not a port number`, fix: 'use a number from 1 to 65535, or leave it out for a free port' });
  }
  if (options.profile && !profiles.some((p) => p.name === options.profile)) {
    throw new ConfigError({ message: `unknown profile ${options.profile}`, fix: `use one of: ${profiles.map((p) => p.name).join(', ')}` });
  }
  const sandbox = await startSandbox({ profile: options.profile, port });
  const v = sandbox.variables;
  const generic: Record<string, string | undefined> = {
    OIDC_ISSUER: v.SANDBOX_ISSUER,
    OIDC_CLIENT_ID: v.SANDBOX_CLIENT_ID,
    OIDC_CLIENT_SECRET: v.SANDBOX_CLIENT_SECRET,
    OIDC_SCOPE: v.SANDBOX_SCOPE,
    OIDC_RESOURCE_URL: v.SANDBOX_RESOURCE_URL,
    OIDC_RESOURCE_SCOPE: v.SANDBOX_RESOURCE_SCOPE,
    OIDC_AUTH_CLIENT_ID: v.SANDBOX_AUTH_CLIENT_ID,
    OIDC_AUTH_CLIENT_SECRET: v.SANDBOX_AUTH_CLIENT_SECRET,
    OIDC_REDIRECT_URI: v.SANDBOX_REDIRECT_URI,
    OIDC_CODE_STRATEGY: 'redirect',
  };
  const lines = Object.entries({ ...v, ...generic }).map(([k, value]) => `${k}=${value ?? ''}`);
  await writeFile(options['env-out'], `${lines.join('\n')}\n`, { mode: 0o600 });
  console.log(`Sandbox (profile ${sandbox.profile}) serving:`);
  console.log(`  issuer    ${sandbox.issuer}`);
  console.log(`  discovery ${v.SANDBOX_DISCOVERY_URL}`);
  console.log(`  resource  ${v.SANDBOX_RESOURCE_URL}`);
  console.log(`Client ids and secrets are in ${options['env-out']}. Try:`);
  console.log(`  conformance run --suite generic-oidc --env-file ${options['env-out']}`);
  console.log('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  return 0;
}
