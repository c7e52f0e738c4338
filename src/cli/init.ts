import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Recorder, send } from '../http/client.js';
import { isObject, listed } from '../http/exchange.js';
import { ConfigError } from '../suite/errors.js';
import { parseSuite } from '../suite/read.js';
import { suitesDir } from '../suite/select.js';

export interface InitOptions {
  discovery?: string;
  vendor?: string;
  out?: string;
  force?: boolean;
}

/**
 * `conformance init`: fetches a live discovery (RFC 8414 / OpenID) or SMART configuration document and writes a
 * starter suite from what it declares: endpoints, grants, client authentication and PKCE methods, and the variables
 * a user fills in. The suite is checked against the schema before it is written.
 */
export async function initCommand(options: InitOptions): Promise<number> {
  if (!options.discovery) throw new ConfigError({ message: 'init needs --discovery URL', fix: 'e.g. conformance init --discovery https://id.example.com/.well-known/openid-configuration --vendor acme' });
  const url = parseUrl(options.discovery);
  const vendor = (options.vendor ?? url.hostname.split('.').slice(-2, -1)[0] ?? 'vendor').toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const out = options.out ?? join(suitesDir(), `${vendor}.yaml`);
  if (existsSync(out) && !options.force) throw new ConfigError({ file: out, message: 'the suite file exists already', fix: 'pass --out FILE, or --force to overwrite it' });

  const { exchange, response } = await send({ label: 'discovery', method: 'GET', url: url.href, headers: { accept: 'application/json' } }, new Recorder());
  if (response?.status !== 200) {
    throw new ConfigError({ message: `cannot read ${url.href}: ${exchange.error ?? `answered ${response?.status}`}`, fix: 'check the URL (…/.well-known/openid-configuration, …/oauth-authorization-server or …/smart-configuration)' });
  }
  let document: unknown;
  try {
    document = JSON.parse(response.body);
  } catch {
    throw new ConfigError({ message: `${url.href} did not answer JSON`, fix: 'point --discovery at the metadata document itself' });
  }
  if (!isObject(document)) throw new ConfigError({ message: `${url.href} did not answer a JSON object`, fix: 'point --discovery at the metadata document itself' });

  const text = starterSuite(vendor, url, document);
  parseSuite(out, text);
  await writeFile(out, text);
  console.log(`Wrote ${out}. Set its variables (listed at the top), then: conformance run --suite ${out}`);
  return 0;
}

function parseUrl(value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ConfigError({ message: `--discovery ${value} is not a URL`, fix: 'give the full URL of the metadata document' });
  }
}

/** The suite text: what the document declares, and a variable for everything a user must supply. */
export function starterSuite(vendor: string, url: URL, document: Record<string, unknown>): string {
  const prefix = vendor.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  const smart = url.pathname.endsWith('/smart-configuration');
  const issuer = typeof document.issuer === 'string' ? document.issuer : undefined;
  const grants = listed(document, 'grant_types_supported', []);
  const methods = listed(document, 'token_endpoint_auth_methods_supported', []);
  const auth = methods.includes('client_secret_basic') || methods.length === 0 ? 'client_secret_basic' : methods.includes('client_secret_post') ? 'client_secret_post' : 'client_secret_basic';
  const pkce = listed(document, 'code_challenge_methods_supported', []).includes('S256') ? 'S256' : 'none';
  const openid = listed(document, 'scopes_supported', []).includes('openid') || url.pathname.endsWith('/openid-configuration');
  const code = grants.length === 0 || grants.includes('authorization_code');
  const machine = grants.includes('client_credentials');
  const standardLocation = issuer !== undefined && url.href === `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const endpoints = Object.entries(document).filter(([k, v]) => k.endsWith('_endpoint') && typeof v === 'string').map(([k, v]) => `#   ${k}: ${String(v)}`);

  const lines = [
    '# yaml-language-server: $schema=../schemas/suite.schema.json',
    `# Starter suite written by \`conformance init\` from ${url.href}.`,
    '# Declared there:',
    ...endpoints,
    `#   grant_types_supported: ${grants.join(', ') || '(not stated)'}`,
    `#   token_endpoint_auth_methods_supported: ${methods.join(', ') || '(not stated: client_secret_basic)'}`,
    `#   code_challenge_methods_supported: ${listed(document, 'code_challenge_methods_supported', []).join(', ') || '(not stated)'}`,
    '# Fill in the variables, add resources to call, and declare what the vendor documents under expect:.',
    `vendor: ${vendor}`,
    `title: ${vendor}`,
    'variables:',
    `  ${prefix}_ISSUER: { description: "the issuer, exactly as the metadata states it", default: '${issuer ?? ''}' }`,
    ...(machine
      ? [
          `  ${prefix}_CLIENT_ID: { description: "a confidential client allowed client_credentials (from the vendor console)" }`,
          `  ${prefix}_CLIENT_SECRET: { description: "that client's secret", secret: true }`,
          `  ${prefix}_SCOPE: { description: "scope to request with client_credentials (empty sends none)", default: '' }`,
        ]
      : []),
    ...(code
      ? [
          `  ${prefix}_AUTH_CLIENT_ID: { description: "a client allowed authorization_code", optional: true }`,
          `  ${prefix}_AUTH_CLIENT_SECRET: { description: "that client's secret", secret: true, optional: true }`,
          `  ${prefix}_REDIRECT_URI: { description: "a redirect URI registered for that client", optional: true }`,
        ]
      : []),
    'discovery:',
    `  issuer: \${${prefix}_ISSUER}`,
    ...(smart ? [`  smart: ${url.href}`] : standardLocation ? [] : [`  url: ${url.href}`]),
    'clients:',
    ...(machine ? [`  backend: { id: '\${${prefix}_CLIENT_ID}', secret: '\${${prefix}_CLIENT_SECRET}', auth: ${auth} }`] : []),
    ...(code ? [`  web: { id: '\${${prefix}_AUTH_CLIENT_ID}', secret: '\${${prefix}_AUTH_CLIENT_SECRET}', auth: ${auth} }`] : []),
    'grants:',
    ...(machine ? [`  system: { type: client_credentials, client: backend, scope: '\${${prefix}_SCOPE}' }`] : []),
    ...(code
      ? [
          '  user:',
          '    type: authorization_code',
          '    client: web',
          `    scope: ${openid ? 'openid' : "''"}`,
          `    redirect_uri: \${${prefix}_REDIRECT_URI}`,
          `    pkce: ${pkce}`,
          '    # redirect: for a test tenant that approves without a login page; see the README for the api strategy.',
          '    code: { strategy: redirect }',
        ]
      : []),
  ];
  // A document whose metadata lacks an issuer still gets a suite: SMART documents may omit it.
  return `${lines.join('\n')}\n`;
}
