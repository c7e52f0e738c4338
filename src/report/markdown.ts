import { redact } from '../secrets.js';
import { printable } from './terminal.js';

/**
 * Server text (and any text the tool did not write itself) made inert for markdown: it renders as the characters it
 * holds, never as a link, an image, HTML, a heading, a list or a table cell boundary. Control characters go first and
 * redaction comes next, so that neither a stripped character inside a secret nor an escaped copy of it hides it.
 */

/** For inline use (a list item, a table cell): one line, every ASCII punctuation character backslash-escaped. */
export function markdownText(text: string): string {
  // A line break would let the text start a block of its own (heading, list, table row).
  return redact(printable(text.replace(/\r\n?|\n|\u2028|\u2029/g, ' ')).replace(/\t/g, ' ')).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** As a fenced code block, shown verbatim: the fence is longer than any run of backticks the text holds. */
export function markdownCode(text: string): string {
  const clean = redact(printable(text.replace(/\r\n?/g, '\n')));
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${clean}\n${fence}`;
}
