import type { ParseArgsConfig } from 'node:util';
import { ConfigError } from '../suite/errors.js';

/** One command-line option: how it is parsed, and what `--help` says of it. */
interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** Repeatable: the values come in order, as a list. */
  readonly multiple?: boolean;
  readonly default?: string;
  /** A command refuses to start without it. */
  readonly required?: boolean;
  readonly short?: string;
  /** What the value is, for the usage line: `--timeout MS`. */
  readonly value?: string;
  readonly help: string;
}

/** A command's options by long name, declared `as const` so that the values' type can be derived from it. */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<O extends OptionSpec> = O['type'] extends 'boolean' ? boolean : O['multiple'] extends true ? string[] : string;
type Given<T extends OptionTable> = { [K in keyof T]: T[K] extends { default: string } | { required: true } ? K : never }[keyof T];
type Defaulted<T extends OptionTable> = { [K in keyof T]: T[K] extends { default: string } ? K : never }[keyof T];

/** What a table's options parse to: strings, lists of strings or booleans, certainly there when defaulted or required. */
export type OptionValues<T extends OptionTable> = { -readonly [K in Given<T>]: ValueOf<T[K]> } & {
  -readonly [K in Exclude<keyof T, Given<T>>]?: ValueOf<T[K]>;
};

/** The options parseArgs reads, from a table. */
export function parseArgsOptions(table: OptionTable): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(table).map(([name, { type, multiple, default: value, short }]) => [
      name,
      { type, ...(multiple && { multiple }), ...(value !== undefined && { default: value }), ...(short && { short }) },
    ]),
  );
}

/**
 * The values parseArgs read with the table's own options (`parseArgsOptions`), typed by the table once the required
 * ones are known to be there.
 */
export function checkedValues<T extends OptionTable>(command: string, table: T, values: Record<string, unknown>): OptionValues<T> {
  for (const [name, spec] of Object.entries(table)) {
    if (spec.required && values[name] === undefined) {
      throw new ConfigError({ message: `conformance ${command} needs --${name} ${spec.value ?? ''}`.trimEnd(), fix: `--${name}: ${spec.help}` });
    }
  }
  return values as OptionValues<T>;
}

/** The defaults of a table's options: what a command that is another with a purpose starts from. */
export function optionDefaults<T extends OptionTable>(table: T): { [K in Defaulted<T>]: string } {
  return Object.fromEntries(Object.entries(table).flatMap(([name, spec]) => (spec.default === undefined ? [] : [[name, spec.default]]))) as {
    [K in Defaulted<T>]: string;
  };
}

/** The options part of a usage line: `[--suite NAME|FILE ...] [--strict] --discovery URL`. */
export function usageOf(table: OptionTable): string {
  return Object.entries(table)
    .map(([name, spec]) => {
      const option = `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}${spec.multiple ? ' ...' : ''}` : ''}`;
      return spec.required ? option : `[${option}]`;
    })
    .join(' ');
}

/** One line per option, its help in a column, its default after it. */
export function helpLines(table: OptionTable): string[] {
  const label = (name: string, spec: OptionSpec) => `${spec.short ? `-${spec.short}, ` : ''}--${name}`;
  const width = Math.max(...Object.entries(table).map(([name, spec]) => label(name, spec).length));
  return Object.entries(table).map(
    ([name, spec]) => `  ${label(name, spec).padEnd(width)}  ${spec.help}${spec.default === undefined ? '' : ` (default ${spec.default})`}`,
  );
}
