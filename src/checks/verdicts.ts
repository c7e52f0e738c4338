import type { TokenResult } from '../flows/token.js';
import { describeExchange, type Exchange } from '../http/exchange.js';
import { schemaErrors, type SchemaName } from '../schemas.js';
import { fail, pass, type Verdict } from './types.js';

/** Pass when a response header is present and satisfies `test`; either way the verdict quotes the header as sent. */
export function headerVerdict(exchange: Exchange, header: string, test: (value: string) => boolean, rule: string, expected: string): Verdict {
  const value = exchange.response?.headers[header.toLowerCase()];
  const shown = value === undefined ? `no ${header} header` : `${header}: ${value}`;
  return value !== undefined && test(value) ? pass(shown) : fail(rule, expected, shown);
}

export const isJsonMediaType = (value: string): boolean => /^application\/json\s*(;|$)/i.test(value);

/** Pass when the value matches one of schemas/; otherwise fail listing every violation. */
export function schemaVerdict(schema: SchemaName, value: unknown, rule: string, expected: string, passed: string): Verdict {
  const errors = schemaErrors(schema, value);
  return errors.length === 0 ? pass(passed) : fail(rule, expected, errors.join('; '));
}

/** How a token request ended, for a report: status and error, never the tokens. */
export function outcomeOf(result: TokenResult): string {
  return `${describeExchange(result.token.exchange)}${result.accessToken ? ' with a token' : ''}`;
}

/** Pass when a request the rule forbids got no token. */
export function refusedVerdict(result: TokenResult, rule: string, expected: string): Verdict {
  return result.accessToken ? fail(rule, expected, outcomeOf(result)) : pass(outcomeOf(result));
}
