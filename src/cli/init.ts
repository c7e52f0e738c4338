import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHttpOptions, Recorder, send } from '../http/client.js';
import { isObject } from '../http/exchange.js';
import { ConfigError } from '../suite/errors.js';
import { suitesDir } from '../suite/select.js';
import { readCaFile } from './ca-file.js';
import { isHttpUrl } from './discovery-values.js';
import type { InitOptions } from './command-options.js';
import { checkStarter } from './starter-check.js';
import { starterSuite } from './starter-suite.js';

/**
 * `conformance init`: fetches a live discovery (RFC 8414 / OpenID) or SMART configuration document and writes a
 * starter suite from what it declares: endpoints, grants, client authentication and PKCE methods, and the variables
 * a user fills in. Before it is written, the suite is read back and checked against the schema and against what init
 * built: the server chose every value, so values of the wrong shape are left out, and a suite they would change is
 * refused.
 */
export async function initCommand(options: InitOptions): Promise<number> {
  const url = parseUrl(options.discovery);
  const vendor = vendorName(options.vendor ?? vendorFromHost(url.hostname));
  const out = options.out ?? join(suitesDir(), `${vendor}.yaml`);
  if (existsSync(out) && !options.force)
    throw new ConfigError({ file: out, message: 'the suite file exists already', fix: 'pass --out FILE, or --force to overwrite it' });
  await makeFolderFor(out);

  const http = { ...defaultHttpOptions, ...(options.ca !== undefined && { trustedCertificates: readCaFile(options.ca) }) };
  const { exchange, response } = await send(
    { label: 'discovery', method: 'GET', url: url.href, headers: { accept: 'application/json' } },
    new Recorder(),
    http,
  );
  if (response?.status !== 200) {
    throw new ConfigError({
      message: `cannot read ${url.href}: ${exchange.error ?? `answered ${response?.status}`}`,
      fix: 'check the URL (…/.well-known/openid-configuration, …/oauth-authorization-server or …/smart-configuration)',
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(response.body);
  } catch {
    throw new ConfigError({ message: `${url.href} did not answer JSON`, fix: 'point --discovery at the metadata document itself' });
  }
  if (!isObject(document))
    throw new ConfigError({ message: `${url.href} did not answer a JSON object`, fix: 'point --discovery at the metadata document itself' });
  // RFC 8414 §2, OIDC Discovery §3, SMART: metadata names its issuer or its endpoints; a JSON object naming none is another document.
  if (!METADATA_MEMBERS.some((member) => typeof document[member] === 'string'))
    throw new ConfigError({
      message: `${url.href} answered JSON that is not authorization server metadata: it has none of ${METADATA_MEMBERS.join(', ')}`,
      fix: 'point --discovery at …/.well-known/openid-configuration, …/oauth-authorization-server or …/smart-configuration',
    });

  const starter = starterSuite(vendor, url, document, relative(dirname(resolve(out)), SCHEMA));
  checkStarter(out, url, starter);
  await writeFile(out, starter.text);
  console.log(`Wrote ${out}. Set its variables (listed at the top), then: conformance run --suite ${out}`);
  const { notes } = starter.declared;
  if (notes.length > 0) console.log(`Left out, as the document's value is not what the member holds: ${notes.join('; ')}.`);
  return 0;
}

/** Members one of which every metadata document has: the issuer, or the endpoints a suite would call. */
const METADATA_MEMBERS = ['issuer', 'token_endpoint', 'authorization_endpoint'];

/** The suite schema the written file names for editors, wherever the file goes. */
const SCHEMA = fileURLToPath(new URL('../../schemas/suite.schema.json', import.meta.url));

/**
 * A vendor name from the metadata's host: the registered name (acme from login.acme.com, from id.acme.co.uk too); an
 * address or a one-label host has none, and gives "vendor".
 */
export function vendorFromHost(hostname: string): string {
  const labels = hostname.replace(/^\[|\]$/g, '').split('.');
  if (isIP(hostname.replace(/^\[|\]$/g, '')) || labels.length < 2) return 'vendor';
  // A country code's second level (co.uk, com.au) is not the vendor's.
  const secondLevel = labels.length > 2 && labels.at(-1)!.length === 2 && labels.at(-2)!.length <= 3;
  return labels.at(secondLevel ? -3 : -2)!;
}

/** A name fit for a file and a variable prefix: lower case letters, digits and hyphens, with a letter in it. */
function vendorName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (/[a-z]/.test(name)) return name;
  throw new ConfigError({ message: `--vendor ${raw}: a vendor name needs a letter`, fix: 'give --vendor a name, e.g. --vendor acme' });
}

/** The folder the suite goes in, made when missing; a file in the way is a usage error with the fix. */
async function makeFolderFor(out: string): Promise<void> {
  try {
    await mkdir(dirname(resolve(out)), { recursive: true });
  } catch (error) {
    throw new ConfigError({
      file: out,
      message: `cannot make the folder for the suite (${(error as { code?: string }).code ?? String(error)})`,
      fix: 'give --out a path in a folder you can write to',
    });
  }
}

function parseUrl(value: string): URL {
  // As written to the suite: a host in punycode, a path percent-encoded.
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url && isHttpUrl(url.href)) return url;
  throw new ConfigError({ message: `--discovery ${value} is not an http(s) URL`, fix: 'give the full http(s) URL of the metadata document' });
}
