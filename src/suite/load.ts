import { clientCredentials } from './client-keys.js';
import { ConfigError, type Problem } from './errors.js';
import { interpolate, type Interpolated } from './interpolate.js';
import { catalogue } from '../checks/catalogue.js';
import { closest } from '../suggest.js';
import { dotted, revalidate, type SuiteSource } from './read.js';
import { certificateProblem } from './client-certificate.js';
import type { LoadedSuite } from './loaded-suite.js';
import type { Suite } from './suite.types.js';

/** Where a problem is: the file, the line and column of `path` in it, and the dotted path a reader knows it by. */
type Locate = (path: Array<string | number>, dottedPath: string) => Pick<Problem, 'file' | 'line' | 'column' | 'path'>;

export function resolveSuite(source: SuiteSource, env: Record<string, string | undefined>): LoadedSuite {
  const result = interpolate(source, env);
  if (result.problems.length) throw new ConfigError(result.problems);
  revalidate(source, result.data, (path) => result.origin.get(path));
  const suite = result.data as Suite;
  const at: Locate = (path, dottedPath) => ({ file: source.file, ...source.locate(path), path: dottedPath });
  const { disabled, problems } = disabledParts(source.file, suite, result.unset);
  problems.push(...referenceProblems(suite, at), ...deviationProblems(suite, at), ...strategyProblems(suite, at));
  // URL problems are only worth reading once every value is there.
  if (problems.length) throw new ConfigError(problems);
  const credentials = clientCredentials(
    suite.clients ?? {},
    disabled,
    (client, member) => at(['clients', client, member], `clients.${client}.${member}`),
    (client, member) => result.origin.get(`clients.${client}.${member}`),
  );
  if (credentials.problems.length) throw new ConfigError(credentials.problems);
  const discoveryUrl = suite.discovery && (suite.discovery.url ?? `${suite.discovery.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  const urls = [...urlProblems(suite, discoveryUrl, disabled, at), ...certificateProblems(suite, disabled, at)];
  if (urls.length) throw new ConfigError(urls);
  return { ...suite, file: source.file, name: source.name, discoveryUrl, disabled, clientKeys: credentials.keys, ...secretsOf(suite, result, disabled) };
}

/**
 * The parts skipped for an optional variable left unset: a client, grant or resource lacks its own and those of the
 * client or grant it uses. An unset optional variable elsewhere is a problem: nothing runs without that value.
 */
function disabledParts(file: string, suite: Suite, unset: Interpolated['unset']): { disabled: Record<string, string>; problems: Problem[] } {
  const problems: Problem[] = [];
  const lacking = new Map<string, Set<string>>();
  const lack = (part: string, names: Iterable<string>) => {
    for (const name of names) lacking.set(part, (lacking.get(part) ?? new Set()).add(name));
  };
  for (const [path, names] of unset) {
    const part = /^(clients\.[^.]+|grants\.[^.]+|resources\[\d+\])/.exec(path)?.[1];
    if (part) lack(part, names);
    else
      problems.push({
        file,
        path,
        message: `optional variable ${names.join(', ')} is unset, but ${path} cannot do without it`,
        fix: `set ${names.join(', ')}, or remove "optional: true" from its declaration`,
      });
  }
  for (const [name, grant] of Object.entries(suite.grants ?? {})) lack(`grants.${name}`, lacking.get(`clients.${grant.client}`) ?? []);
  (suite.resources ?? []).forEach((resource, i) => {
    for (const grant of [resource.grant, resource.insufficient_grant]) if (grant !== undefined) lack(`resources[${i}]`, lacking.get(`grants.${grant}`) ?? []);
  });
  const disabled = Object.fromEntries([...lacking].map(([part, names]) => [part, `${[...names].join(', ')} ${names.size > 1 ? 'are' : 'is'} not set`]));
  return { disabled, problems };
}

/** Grants that name an undeclared client, and resources an undeclared grant. */
function referenceProblems(suite: Suite, at: Locate): Problem[] {
  const clients = suite.clients ?? {};
  const grants = suite.grants ?? {};
  const problems: Problem[] = [];
  for (const [name, grant] of Object.entries(grants)) {
    if (!clients[grant.client]) {
      problems.push({
        ...at(['grants', name, 'client'], `grants.${name}.client`),
        message: `unknown client "${grant.client}"`,
        fix: `use one of the clients: ${Object.keys(clients).join(', ') || '(none declared)'}`,
      });
    }
  }
  (suite.resources ?? []).forEach((resource, i) => {
    for (const key of ['grant', 'insufficient_grant'] as const) {
      const grant = resource[key];
      if (grant !== undefined && !grants[grant]) {
        problems.push({
          ...at(['resources', i, key], `resources[${i}].${key}`),
          message: `unknown grant "${grant}"`,
          fix: `use one of the grants: ${Object.keys(grants).join(', ') || '(none declared)'}`,
        });
      }
    }
  });
  return problems;
}

/** Declared deviations from a check that does not exist. */
function deviationProblems(suite: Suite, at: Locate): Problem[] {
  const ids = catalogue.map((c) => c.id);
  return Object.keys(suite.deviations ?? {})
    .filter((id) => !ids.includes(id))
    .map((id) => {
      const guess = closest(id, ids);
      return {
        ...at(['deviations', id], `deviations.${id}`),
        message: `no check "${id}"`,
        fix: guess ? `did you mean "${guess}"?` : 'use a check id from `conformance list`',
      };
    });
}

/** Authorization-code grants that lack what their code strategy needs. */
function strategyProblems(suite: Suite, at: Locate): Problem[] {
  const problems: Problem[] = [];
  for (const [name, grant] of Object.entries(suite.grants ?? {})) {
    if (grant.type !== 'authorization_code') continue;
    const strategy = grant.code.strategy;
    if ((strategy === 'redirect' || strategy === 'browser') && !grant.redirect_uri) {
      problems.push({
        ...at(['grants', name], `grants.${name}`),
        message: `the ${strategy} strategy needs a redirect_uri`,
        fix: 'add the redirect_uri registered for the client',
      });
    }
    if (strategy === 'browser' && !grant.code.login) {
      problems.push({
        ...at(['grants', name, 'code'], `grants.${name}.code`),
        message: 'the browser strategy needs login steps',
        fix: 'list what a person does on the login page, e.g. login: [{ fill: "#username", value: "${USER}" }, { fill: "#password", value: "${PASSWORD}" }, { click: "button[type=submit]" }]',
      });
    }
    if (strategy === 'api' && !grant.code.steps?.at(-1)?.capture) {
      problems.push({
        ...at(['grants', name, 'code'], `grants.${name}.code`),
        message: 'the api strategy needs steps, the last with `capture`',
        fix: 'list the requests that obtain a code, and name the JSON member of the last answer that holds it (capture: code)',
      });
    }
  }
  return problems;
}

/** URLs that are not absolute http(s) URLs, in the parts that run. */
function urlProblems(suite: Suite, discoveryUrl: string | undefined, disabled: Record<string, string>, at: Locate): Problem[] {
  type Url = [path: Array<string | number>, part: string, url: string | undefined];
  const urls: Url[] = [
    [['discovery', suite.discovery?.url ? 'url' : 'issuer'], 'discovery', discoveryUrl],
    ...Object.entries(suite.endpoints ?? {}).map(([key, url]): Url => [['endpoints', key], 'endpoints', url]),
    ...Object.entries(suite.grants ?? {}).flatMap(([name, g]): Url[] => [
      ...(g.type === 'authorization_code' ? [[['grants', name, 'redirect_uri'], `grants.${name}`, g.redirect_uri] satisfies Url] : []),
      [['grants', name, 'token_endpoint'], `grants.${name}`, g.token_endpoint],
    ]),
    ...(suite.resources ?? []).map((r, i): Url => [['resources', i, 'url'], `resources[${i}]`, r.url]),
  ];
  return urls
    .filter(([, part, url]) => url !== undefined && !disabled[part] && !isHttpUrl(url))
    .map(([path, , url]) => ({
      ...at(path, dotted(path)),
      message: `${JSON.stringify(url)} is not an absolute http(s) URL`,
      fix: 'write a full URL such as https://auth.example.com/',
    }));
}

/** The values to redact: the secret variables', and every client secret of a part that runs. */
function secretsOf(suite: Suite, result: Interpolated, disabled: Record<string, string>): Pick<LoadedSuite, 'secrets' | 'secretVariables'> {
  const clients = suite.clients ?? {};
  // A skipped client's secret is still an unresolved ${VARIABLE}, not a value to hide.
  const secrets = [...result.secrets, ...Object.entries(clients).flatMap(([name, c]) => (c.secret && !disabled[`clients.${name}`] ? [c.secret] : []))];
  const secretVariables = Object.fromEntries(
    Object.entries(clients).flatMap(([name, client]) => {
      // A private_key_jwt client's credential is its key, named by the variable of its file.
      const keyFile = client.auth === 'private_key_jwt' ? result.origin.get(`clients.${name}.key_file`) : undefined;
      const variable = keyFile ? `the private key in ${keyFile}` : result.origin.get(`clients.${name}.secret`);
      return variable ? [[name, variable]] : [];
    }),
  );
  return { secrets, secretVariables };
}

/** Whether a value is an http(s) URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Certificate and key files of the clients that run which cannot be read, are not PEM, or do not match. */
function certificateProblems(suite: Suite, disabled: Record<string, string>, at: Locate): Problem[] {
  return Object.entries(suite.clients ?? {}).flatMap(([name, client]) => {
    const problem = disabled[`clients.${name}`] ? undefined : certificateProblem(client);
    if (!problem) return [];
    const { field, ...rest } = problem;
    return [{ ...at(['clients', name, field], `clients.${name}.${field}`), ...rest }];
  });
}
