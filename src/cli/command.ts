import { parseArgs } from 'node:util';
import { commonOptions } from './command-options.js';
import { checkedValues, helpLines, parseArgsOptions, usageOf, type OptionTable, type OptionValues } from './options.js';
import { didYouMean } from '../suggest.js';

/** A command as declared: its options table, and the action that receives the values the table types. */
interface Command<T extends OptionTable> {
  summary: string;
  options: T;
  /** What the command takes besides options, for its usage line; it takes none when this is absent. */
  operands?: string;
  action(options: OptionValues<T>, operands: string[]): Promise<number>;
}

/** parseArgs' message for an option it does not know: `Unknown option '--bogus'`. */
const UNKNOWN_OPTION = /^Unknown option '(--?[^']+)'/;

/**
 * Repeatable options also take comma lists (`--only discovery,jwks`), as Newman's and Hurl's do: each value is split
 * at its commas, empty parts dropped.
 */
function splitLists(options: OptionTable, values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      options[name]?.multiple && Array.isArray(value) ? value.flatMap((v: string) => v.split(',').map((part) => part.trim())).filter(Boolean) : value,
    ]),
  );
}

/** A command, whatever its options: its help, and its arguments read into a start of it. */
export interface Runnable {
  summary: string;
  help(name: string): string;
  /** Throws parseArgs' error on an unknown option or a missing value. */
  read(name: string, args: string[]): { help: boolean; debug: boolean; start(): Promise<number> };
}

/** A command whose parsing, help and values all come from its options table (and the options every command takes). */
export function command<T extends OptionTable>(definition: Command<T>): Runnable {
  const options = { ...definition.options, ...commonOptions };
  const usage = (name: string) => ['conformance', name, usageOf(definition.options), definition.operands].filter(Boolean).join(' ');
  return {
    summary: definition.summary,
    help: (name) => [definition.summary, '', `Usage: ${usage(name)}`, '', ...helpLines(options)].join('\n'),
    read(name, args) {
      let parsed: ReturnType<typeof parseArgs>;
      try {
        parsed = parseArgs({ args, options: parseArgsOptions(options), strict: true, allowPositionals: definition.operands !== undefined });
      } catch (error) {
        const unknown = UNKNOWN_OPTION.exec((error as Error).message)?.[1];
        if (!unknown) throw error;
        const known = Object.keys(options).map((o) => `--${o}`);
        throw new Error(`unknown option ${unknown}${didYouMean(unknown, known)}`, { cause: error });
      }
      const values = splitLists(options, parsed.values);
      const start = () => definition.action(checkedValues(name, definition.options, values), parsed.positionals);
      return { help: values.help === true, debug: values.debug === true, start };
    },
  };
}
