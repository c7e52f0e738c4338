import { readFile } from 'node:fs/promises';
import { basename, extname, relative } from 'node:path';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { validatorFor } from '../schemas.js';
import { closest } from '../suggest.js';
import { ConfigError, type Problem } from './errors.js';
import type { Suite } from './suite.types.js';

/** A suite file as written, parsed and checked against schemas/suite.schema.json, with positions kept for errors. */
export interface SuiteSource {
  file: string;
  /** File name without extension: what `--suite NAME` matches. */
  name: string;
  data: Suite;
  locate: (path: ReadonlyArray<string | number>) => { line: number; column: number } | undefined;
}

export async function readSuite(path: string): Promise<SuiteSource> {
  const file = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ConfigError({
      file,
      message: code === 'ENOENT' ? 'suite file not found' : `cannot read suite file (${code ?? String(error)})`,
      fix: code === 'ENOENT' ? 'check the path, or run `conformance list` to see the suites' : 'check the file permissions',
    });
  }
  return parseSuite(file, text);
}

export function parseSuite(file: string, text: string): SuiteSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          column: pos.col,
          message: `invalid YAML: ${e.message.split('\n')[0]}`,
          fix: 'correct the YAML syntax at this place (indentation, quotes, a missing colon)',
        };
      }),
    );
  }
  const locate = (path: ReadonlyArray<string | number>) => locateIn(doc, lineCounter, path);
  const data = toData(doc, file);
  const validate = validatorFor('suite');
  if (!validate(data)) {
    throw new ConfigError(schemaProblems(validate.errors ?? [], file, locate));
  }
  return { file, name: basename(file, extname(file)), data: data as Suite, locate };
}

// A suite needs few aliases; the bound stops nested ones (a "billion laughs") from expanding into gigabytes that the
// schema check and interpolation would then walk. yaml's default, stated here because the check relies on it.
const MAX_ALIAS_COUNT = 100;

function toData(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml throws a ReferenceError for aliases past the bound; anything else is not the file's doing.
    if (!(error instanceof ReferenceError)) throw error;
    throw new ConfigError({
      file,
      message: `the YAML's anchors and aliases expand past ${MAX_ALIAS_COUNT} copies (${error.message}): the file was not read`,
      fix: 'write repeated values out instead of nesting aliases (&anchor, *alias); a suite needs few of them',
    });
  }
}

/** Checks an interpolated suite again: values that came from variables must fit the schema too. */
export function revalidate(source: SuiteSource, data: unknown, origin: (path: string) => string | undefined): void {
  const validate = validatorFor('suite');
  if (validate(data)) return;
  throw new ConfigError(
    schemaProblems(validate.errors ?? [], source.file, source.locate).map((p) => {
      const variable = p.path ? origin(p.path) : undefined;
      return variable ? { ...p, message: `${p.message} (the value comes from ${variable})`, fix: `set ${variable} to a valid value` } : p;
    }),
  );
}

function locateIn(doc: Document, lineCounter: LineCounter, path: ReadonlyArray<string | number>) {
  // Walk up until the path exists, so an error about a missing member points at its parent.
  for (let n = path.length; n >= 0; n--) {
    const range = nodeRange(doc, path.slice(0, n));
    if (range) {
      const pos = lineCounter.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return undefined;
}

/** A map member is located at its key (where a reader looks for it), anything else at its own node. */
function nodeRange(doc: Document, path: ReadonlyArray<string | number>): [number, number, number] | undefined {
  const last = path.at(-1);
  const parent = path.length ? doc.getIn(path.slice(0, -1), true) : undefined;
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
    return (pair?.key as { range?: [number, number, number] } | undefined)?.range;
  }
  return (doc.getIn(path, true) as { range?: [number, number, number] } | undefined)?.range;
}

function toPath(instancePath: string): Array<string | number> {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function dotted(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top level)';
}

/** Turns ajv errors into problems a user can fix: the place, what is wrong, and the likely correction. */
function schemaProblems(errors: ErrorObject[], file: string, locate: SuiteSource['locate']): Problem[] {
  // An anyOf reports itself and every branch that failed; one problem says it better than three.
  // ajv reports an anyOf's failed branches right before it, at the same place in the document (through $refs too),
  // after those of an anyOf before it there.
  const branchesOf = (anyOf: ErrorObject): ErrorObject[] => {
    const branches: ErrorObject[] = [];
    for (
      let i = errors.indexOf(anyOf) - 1;
      i >= 0 && errors[i]!.instancePath === anyOf.instancePath && !['additionalProperties', 'anyOf'].includes(errors[i]!.keyword);
      i--
    ) {
      branches.unshift(errors[i]!);
    }
    return branches;
  };
  const inBranch = (error: ErrorObject) => errors.some((e) => e.keyword === 'anyOf' && branchesOf(e).includes(error));
  const problems: Problem[] = [];
  for (const error of errors) {
    const path = toPath(error.instancePath);
    const at = { file, ...locate(path), path: dotted(path) };
    // oneOf over grant types: the discriminator reports the real cause separately.
    if (error.keyword === 'oneOf' || error.keyword === 'if' || inBranch(error)) continue;
    if (error.keyword === 'anyOf') {
      problems.push({ ...at, ...explainAnyOf(branchesOf(error)) });
    } else if (error.keyword === 'additionalProperties') {
      // Point at the unknown key itself, not at the map that holds it.
      const keyPath = [...path, (error.params as { additionalProperty: string }).additionalProperty];
      problems.push({ ...at, ...locate(keyPath), path: dotted(keyPath), ...explain(error, false) });
    } else {
      problems.push({ ...at, ...explain(error, false) });
    }
  }
  return dedupe(problems);
}

/** "one of these words, or a ${VARIABLE}", or "one of these keys": what the failed branches of an anyOf add up to. */
function explainAnyOf(branches: ErrorObject[]): { message: string; fix: string } {
  const word = branches.find((e) => e.keyword === 'enum');
  if (word) return explain(word, true);
  const keys = branches.filter((e) => e.keyword === 'required').map((e) => (e.params as { missingProperty: string }).missingProperty);
  if (keys.length === branches.length && keys.length > 0) return { message: `needs one of: ${keys.join(', ')}`, fix: `add ${keys.join(' or ')}` };
  return { message: branches.map((e) => e.message).join('; ') || 'is invalid', fix: 'see schemas/suite.schema.json for what is allowed here' };
}

function explain(error: ErrorObject, allowsVariable: boolean): { message: string; fix: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = params.additionalProperty as string;
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const guess = closest(key, allowed);
      return {
        message: `unknown key "${key}"`,
        fix: guess ? `did you mean "${guess}"? (allowed here: ${allowed.join(', ')})` : `remove it; allowed here: ${allowed.join(', ')}`,
      };
    }
    case 'required':
      return { message: `missing required key "${params.missingProperty as string}"`, fix: `add "${params.missingProperty as string}" here` };
    case 'enum': {
      const values = (params.allowedValues as unknown[]).map(String).join(', ');
      return {
        message: `value ${JSON.stringify(error.data)} is not allowed`,
        fix: `use one of: ${values}${allowsVariable ? ', or a ${VARIABLE} reference' : ''}`,
      };
    }
    case 'not': {
      // The schema's only `not`: keys that exclude each other.
      const keys = (error.schema as { required?: string[] }).required ?? [];
      return { message: `${keys.join(' and ')} cannot both be given`, fix: `keep only one of ${keys.join(', ')}` };
    }
    case 'const':
      return { message: `value ${JSON.stringify(error.data)} is not allowed`, fix: `use ${JSON.stringify(params.allowedValue)}` };
    case 'discriminator':
      return {
        message: params.error === 'mapping' ? `unknown grant type ${JSON.stringify(params.tagValue)}` : `grant needs a "type"`,
        fix: 'use type: client_credentials or type: authorization_code',
      };
    case 'type':
      return { message: `must be ${params.type as string}, found ${JSON.stringify(error.data)}`, fix: `write a ${params.type as string} here` };
    case 'pattern':
      return {
        message: `${JSON.stringify(error.data)} does not match ${params.pattern as string}`,
        fix: 'use lower-case letters, digits and dashes (variables: upper-case and underscores)',
      };
    default:
      return { message: error.message ?? 'is invalid', fix: 'see schemas/suite.schema.json for what is allowed here' };
  }
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
