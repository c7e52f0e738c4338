import { isDeepStrictEqual } from 'node:util';
import { ConfigError, type Problem } from '../suite/errors.js';
import { dotted, parseSuite } from '../suite/read.js';
import type { Suite } from '../suite/suite.types.js';
import { isHttpUrl } from './discovery-values.js';
import type { Starter } from './starter-suite.js';

const FIX =
  'the discovery document holds values that change the suite written from it: write the suite by hand (see "Writing a suite" in the README), and tell the vendor';

/**
 * Reads a starter suite back as a run would, and refuses it unless it holds only what init put there: the variables
 * init declares, ${…} references to those alone, and no URL but the metadata URL and the document's http(s) ones.
 */
export function checkStarter(file: string, url: URL, starter: Starter): void {
  const { data } = parseSuite(file, starter.text);
  const declared = Object.keys(starter.data.variables ?? {});
  const problems: Problem[] = [
    ...(isDeepStrictEqual(data, starter.data) ? [] : [{ file, message: 'the suite does not read back as init built it', fix: FIX }]),
    ...variableProblems(file, data, declared),
    ...referenceProblems(file, data, declared),
    ...urlProblems(file, data, allowedUrls(url, starter)),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
}

function variableProblems(file: string, data: Suite, declared: string[]): Problem[] {
  return Object.keys(data.variables ?? {})
    .filter((name) => !declared.includes(name))
    .map((name) => ({ file, path: `variables.${name}`, message: 'a variable init does not declare', fix: FIX }));
}

/** A `${` anywhere but in a whole-value reference to one of init's variables, outside `variables:`, is not init's. */
function referenceProblems(file: string, data: Suite, declared: string[]): Problem[] {
  const problems: Problem[] = [];
  const visit = (value: unknown, path: Array<string | number>) => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (value && typeof value === 'object') Object.entries(value).forEach(([key, item]) => visit(item, [...path, key]));
    else if (typeof value === 'string' && value.includes('${')) {
      const name = /^\$\{([A-Z][A-Z0-9_]*)\}$/.exec(value)?.[1];
      if (path[0] === 'variables' || name === undefined || !declared.includes(name)) {
        problems.push({ file, path: dotted(path), message: 'a ${…} reference init did not write', fix: FIX });
      }
    }
  };
  visit(data, []);
  return problems;
}

/** The URLs a starter suite may name, each an http(s) URL. */
function allowedUrls(url: URL, { declared }: Starter): { urls: string[]; endpoints: string[] } {
  const urls = [url.href, ...(declared.issuer === undefined ? [] : [declared.issuer]), ...declared.endpoints.map(([, endpoint]) => endpoint)];
  return { urls: urls.filter(isHttpUrl), endpoints: declared.endpoints.map(([member]) => member) };
}

/** Every place a suite names a URL (or, for a resource, the metadata member that does). */
function urlProblems(file: string, data: Suite, allowed: { urls: string[]; endpoints: string[] }): Problem[] {
  const places: Array<[path: string, url: string | undefined]> = [
    ['discovery.url', data.discovery?.url],
    ['discovery.smart', data.discovery?.smart],
    ['docs', data.docs],
    ...Object.entries(data.variables ?? {}).map(([name, spec]): [string, string | undefined] => [
      `variables.${name}.default`,
      typeof spec.default === 'string' && spec.default ? spec.default : undefined,
    ]),
    ...Object.entries(data.endpoints ?? {}).map(([member, value]: [string, string | undefined]): [string, string | undefined] => [
      `endpoints.${member}`,
      value,
    ]),
    ...Object.entries(data.grants ?? {}).map(([name, grant]): [string, string | undefined] => [`grants.${name}.token_endpoint`, grant.token_endpoint]),
    ...(data.resources ?? []).map((resource, i): [string, string | undefined] => [`resources[${i}].url`, resource.url]),
  ];
  const problems = places
    .filter(([, value]) => value !== undefined && !allowed.urls.includes(value))
    .map(([path]) => ({ file, path, message: 'a URL the discovery document does not declare', fix: FIX }));
  (data.resources ?? []).forEach((resource, i) => {
    if (resource.endpoint !== undefined && !allowed.endpoints.includes(resource.endpoint)) {
      problems.push({ file, path: `resources[${i}].endpoint`, message: 'an endpoint the discovery document does not declare', fix: FIX });
    }
  });
  return problems;
}
