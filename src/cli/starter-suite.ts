import { sep } from 'node:path';
import { Document, isCollection, isMap, isScalar } from 'yaml';
import type { Suite, Variable } from '../suite/suite.types.js';
import { declaredValues, type Declared } from './discovery-values.js';

export interface Starter {
  /** The suite file's text. */
  text: string;
  /** What the text must read back as. */
  data: Suite;
  /** What the document declared that init used, and what it left out. */
  declared: Declared;
}

/**
 * The starter suite for a discovery document: what it declares, and a variable for everything a user must supply.
 * Built as data and written by the YAML library, so no value of the document can become YAML of its own.
 */
/** `schema`: the path of schemas/suite.schema.json from the folder the suite goes in, for editors. */
export function starterSuite(vendor: string, url: URL, document: Record<string, unknown>, schema: string): Starter {
  const declared = declaredValues(document);
  const data = suiteData(vendor, url, declared);
  return { text: render(data, url, declared, schema), data, declared };
}

function suiteData(vendor: string, url: URL, declared: Declared): Suite {
  const prefix = vendor.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  const reference = (name: string) => `\${${prefix}_${name}}`;
  const grants = declared.lists.grant_types_supported;
  const methods = declared.lists.token_endpoint_auth_methods_supported;
  const auth = !methods.includes('client_secret_basic') && methods.includes('client_secret_post') ? 'client_secret_post' : 'client_secret_basic';
  const code = grants.length === 0 || grants.includes('authorization_code');
  const machine = grants.includes('client_credentials');
  const standardLocation = declared.issuer !== undefined && url.href === `${declared.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const openid = declared.openidScope || url.pathname.endsWith('/openid-configuration');
  return {
    vendor,
    title: vendor,
    variables: variables(prefix, declared.issuer, { machine, code }),
    discovery: {
      issuer: reference('ISSUER'),
      ...(url.pathname.endsWith('/smart-configuration') ? { smart: url.href } : standardLocation ? {} : { url: url.href }),
    },
    clients: {
      ...(machine && { backend: { id: reference('CLIENT_ID'), secret: reference('CLIENT_SECRET'), auth } }),
      ...(code && { web: { id: reference('AUTH_CLIENT_ID'), secret: reference('AUTH_CLIENT_SECRET'), auth } }),
    },
    grants: {
      ...(machine && { system: { type: 'client_credentials', client: 'backend', scope: reference('SCOPE') } }),
      ...(code && {
        user: {
          type: 'authorization_code',
          client: 'web',
          scope: openid ? 'openid' : '',
          redirect_uri: reference('REDIRECT_URI'),
          pkce: declared.lists.code_challenge_methods_supported.includes('S256') ? 'S256' : 'none',
          code: { strategy: 'redirect' },
        },
      }),
    },
  };
}

/** The variables a user fills in. A document without a usable issuer (SMART ones may omit it) leaves it empty. */
function variables(prefix: string, issuer: string | undefined, grants: { machine: boolean; code: boolean }): Record<string, Variable> {
  return {
    [`${prefix}_ISSUER`]: { description: 'the issuer, exactly as the metadata states it', default: issuer ?? '' },
    ...(grants.machine && {
      [`${prefix}_CLIENT_ID`]: { description: 'a confidential client allowed client_credentials (from the vendor console)' },
      [`${prefix}_CLIENT_SECRET`]: { description: "that client's secret", secret: true },
      [`${prefix}_SCOPE`]: { description: 'scope to request with client_credentials (empty sends none)', default: '' },
    }),
    ...(grants.code && {
      [`${prefix}_AUTH_CLIENT_ID`]: { description: 'a client allowed authorization_code', optional: true },
      [`${prefix}_AUTH_CLIENT_SECRET`]: { description: "that client's secret", secret: true, optional: true },
      [`${prefix}_REDIRECT_URI`]: { description: 'a redirect URI registered for that client', optional: true },
    }),
  };
}

/** The YAML text, with the comments that guide a user: what the document declared, what was left out, what to do. */
function render(data: Suite, url: URL, declared: Declared, schema: string): string {
  const doc = new Document(data);
  doc.commentBefore = header(url, declared, schema)
    .map((line) => ` ${line}`)
    .join('\n');
  // One line per variable, client and client_credentials grant, as a person would write them.
  const oneLine = (path: string[]) => {
    const node = doc.getIn(path, true);
    if (isCollection(node)) node.flow = true;
  };
  for (const name of Object.keys(data.variables ?? {})) oneLine(['variables', name]);
  for (const name of Object.keys(data.clients ?? {})) oneLine(['clients', name]);
  oneLine(['grants', 'system']);
  oneLine(['grants', 'user', 'code']);
  const user = doc.getIn(['grants', 'user'], true);
  const codeKey = isMap(user) ? user.items.find((pair) => isScalar(pair.key) && pair.key.value === 'code')?.key : undefined;
  if (isScalar(codeKey)) codeKey.commentBefore = ' redirect: for a test tenant that approves without a login page; see the README for the api strategy.';
  // No folding: a long URL or description stays on its line.
  return doc.toString({ lineWidth: 0, singleQuote: true });
}

function header(url: URL, declared: Declared, schema: string): string[] {
  const stated = (member: keyof Declared['lists'], otherwise = '(not stated)') => `  ${member}: ${declared.lists[member].join(', ') || otherwise}`;
  return [
    `yaml-language-server: $schema=${schema.split(sep).join('/')}`,
    `Starter suite written by \`conformance init\` from ${url.href}.`,
    'Declared there:',
    ...declared.endpoints.map(([member, endpoint]) => `  ${member}: ${endpoint}`),
    stated('grant_types_supported'),
    stated('token_endpoint_auth_methods_supported', '(not stated: client_secret_basic)'),
    stated('code_challenge_methods_supported'),
    ...declared.notes.map((note) => `  left out: ${note}`),
    'Fill in the variables, add resources to call, and declare what the vendor documents under expect:.',
  ];
}
