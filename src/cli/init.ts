import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  const vendor = (options.vendor ?? url.hostname.split('.').slice(-2, -1)[0] ?? 'vendor').toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const out = options.out ?? join(suitesDir(), `${vendor}.yaml`);
  if (existsSync(out) && !options.force)
    throw new ConfigError({ file: out, message: 'the suite file exists already', fix: 'pass --out FILE, or --force to overwrite it' });

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

  const starter = starterSuite(vendor, url, document);
  checkStarter(out, url, starter);
  await writeFile(out, starter.text);
  console.log(`Wrote ${out}. Set its variables (listed at the top), then: conformance run --suite ${out}`);
  const { notes } = starter.declared;
  if (notes.length > 0) console.log(`Left out, as the document's value is not what the member holds: ${notes.join('; ')}.`);
  return 0;
}

function parseUrl(value: string): URL {
  // As written to the suite: a host in punycode, a path percent-encoded.
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url && isHttpUrl(url.href)) return url;
  throw new ConfigError({ message: `--discovery ${value} is not an http(s) URL`, fix: 'give the full http(s) URL of the metadata document' });
}
