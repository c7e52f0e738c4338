import { parseArgs } from 'node:util';
import { commonOptions } from './command-options.js';
import { checkedValues, helpLines, parseArgsOptions, usageOf, type OptionTable, type OptionValues } from './options.js';

/** A command as declared: its options table, and the action that receives the values the table types. */
interface Command<T extends OptionTable> {
  summary: string;
  options: T;
  /** What the command takes besides options, for its usage line; it takes none when this is absent. */
  operands?: string;
  action(options: OptionValues<T>, operands: string[]): Promise<number>;
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
      const { values, positionals } = parseArgs({
        args,
        options: parseArgsOptions(options),
        strict: true,
        allowPositionals: definition.operands !== undefined,
      });
      const start = () => definition.action(checkedValues(name, definition.options, values), positionals);
      return { help: values.help === true, debug: values.debug === true, start };
    },
  };
}
