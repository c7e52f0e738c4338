import type { Problem } from './errors.js';
import { dotted, type SuiteSource } from './read.js';
import { isSecretVariable } from './secret-names.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface Interpolated {
  data: unknown;
  /** Dotted path → optional variables left unset there (the part that holds it is skipped). */
  unset: Map<string, string[]>;
  /** Dotted path → the variable a value came from, to name it in errors. */
  origin: Map<string, string>;
  /** Values of variables marked secret or named as credentials. */
  secrets: string[];
  problems: Problem[];
}

/**
 * Replaces ${NAME} with the environment's value or the variable's default. Every name must be declared under
 * `variables:`, which is where secrets are marked; an empty value counts as unset, as in a copied .env.example.
 */
export function interpolate(source: SuiteSource, env: Record<string, string | undefined>): Interpolated {
  const declared = source.data.variables ?? {};
  const result: Interpolated = { data: undefined, unset: new Map(), origin: new Map(), secrets: [], problems: [] };
  const reported = new Set<string>();

  for (const [name, spec] of Object.entries(declared)) {
    const value = env[name] || spec.default;
    if (isSecretVariable(name, spec) && value) result.secrets.push(value);
  }

  const visit = (value: unknown, path: Array<string | number>): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, i]));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'variables' && path.length === 0 ? v : visit(v, [...path, k])]));
    }
    if (typeof value !== 'string') return value;
    const where = dotted(path);
    return value.replace(REFERENCE, (literal, name: string) => {
      const spec = declared[name];
      const at = { file: source.file, ...source.locate(path), path: where };
      if (!spec) {
        if (!reported.has(`undeclared:${name}`)) {
          reported.add(`undeclared:${name}`);
          result.problems.push({
            ...at,
            message: `variable ${name} is used but not declared`,
            fix: `add "${name}: {}" under variables: (with secret: true if it is a credential)`,
          });
        }
        return literal;
      }
      const resolved = env[name] || spec.default;
      if (resolved !== undefined) {
        result.origin.set(where, name);
        return resolved;
      }
      if (spec.optional) {
        result.unset.set(where, [...(result.unset.get(where) ?? []), name]);
        return literal;
      }
      if (!reported.has(`missing:${name}`)) {
        reported.add(`missing:${name}`);
        result.problems.push({
          ...at,
          message: `variable ${name} is not set${spec.description ? ` (${spec.description})` : ''}`,
          fix: `set ${name} in the environment or in .env (see .env.example), or pass --env-file FILE`,
          unsetVariable: name,
        });
      }
      return literal;
    });
  };
  result.data = visit(source.data, []);
  return result;
}
