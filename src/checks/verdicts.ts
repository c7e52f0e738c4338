import type { TokenResult } from '../flows/token.js';
import { codeSaid, describeExchange, errorCodeOf, isObject, jsonOf, judgedByServer, type Exchange } from '../http/exchange.js';
import { schemaErrors, type SchemaName } from '../schemas.js';
import { couldNotRun, fail, pass, show, type Rule, type Verdict } from './types.js';

/** Pass when a response header is present and satisfies `test`; either way the verdict quotes the header as sent. */
export function headerVerdict(exchange: Exchange, { header, test, ...rule }: Rule & { header: string; test: (value: string) => boolean }): Verdict {
  const value = exchange.response?.headers[header.toLowerCase()];
  const shown = value === undefined ? `no ${header} header` : `${header}: ${value}`;
  return value !== undefined && test(value) ? pass(shown) : fail({ ...rule, actual: shown });
}

/** Pass when the token response's token_type is `type`, compared case-insensitively (RFC 6749 §5.1, §7.1). */
export function tokenTypeVerdict(exchange: Exchange, { type, rule }: { type: string; rule: string }): Verdict {
  const body = jsonOf(exchange);
  const value = body.ok && isObject(body.value) ? body.value.token_type : undefined;
  return typeof value === 'string' && value.toLowerCase() === type.toLowerCase()
    ? pass(`token_type ${show(value)}`)
    : fail({ rule, expected: `"${type}" (any case)`, actual: show(value) });
}

export const isJsonMediaType = (value: string): boolean => /^application\/json\s*(;|$)/i.test(value);

/** Pass when the value matches one of schemas/; otherwise fail listing every violation. */
export function schemaVerdict({ schema, value, passed, ...rule }: Rule & { schema: SchemaName; value: unknown; passed: string }): Verdict {
  const errors = schemaErrors(schema, value);
  return errors.length === 0 ? pass(passed) : fail({ ...rule, actual: errors.join('; ') });
}

/** How a token request ended, for a report: status and error code, never the tokens. */
export function outcomeOf(result: TokenResult): string {
  return `${describeExchange(result.token.exchange)}${result.accessToken ? ' with a token' : codeSaid(result.token.exchange)}`;
}

/**
 * Why a refusal proves nothing about the rule under test, if it does not: no answer, a server error or rate limit
 * (RFC 6585 §4), or the client itself refused (invalid_client, RFC 6749 §5.2) before the request was judged.
 */
export function refusedForAnotherReason(exchange: Exchange): string | undefined {
  const status = exchange.response?.status;
  if (status === undefined) return `the request got no answer: ${exchange.error ?? 'no response'}`;
  if (!judgedByServer(exchange)) return `the server answered ${status}, not a refusal of the request: ${describeExchange(exchange)}`;
  if (errorCodeOf(exchange) === 'invalid_client')
    return `the client's credentials were refused (invalid_client), so the rule under test was never reached: ${describeExchange(exchange)}`;
  return undefined;
}

/**
 * Pass when a request the rule forbids got no token, refused for the request itself rather than for another reason.
 * `clientRuled`: the rule is about which client may do this, so invalid_client is the refusal sought.
 */
export function refusedVerdict(result: TokenResult, { clientRuled = false, ...rule }: Rule & { clientRuled?: boolean }): Verdict {
  if (result.accessToken) return fail({ ...rule, actual: outcomeOf(result) });
  const other = clientRuled && errorCodeOf(result.token.exchange) === 'invalid_client' ? undefined : refusedForAnotherReason(result.token.exchange);
  return other ? couldNotRun(other) : pass(outcomeOf(result));
}

/**
 * A request made without the client's credentials where the rule requires client authentication: pass when it is
 * refused as RFC 6749 §5.2 words it (invalid_client; with 401 where `status401`), fail when it is served or refused
 * with another code; could not run when the server did not judge it.
 */
export function unauthenticatedVerdict(exchange: Exchange, { status401 = false, ...rule }: Rule & { status401?: boolean }): Verdict {
  const status = exchange.response?.status ?? 0;
  if (status >= 200 && status < 300) return fail({ ...rule, actual: `served without client authentication: ${describeExchange(exchange)}` });
  if (!judgedByServer(exchange)) return couldNotRun(`the server did not judge the request: ${describeExchange(exchange)}`);
  const refused = `${describeExchange(exchange)}${codeSaid(exchange)}`;
  return errorCodeOf(exchange) === 'invalid_client' && (!status401 || status === 401) ? pass(refused) : fail({ ...rule, actual: refused });
}
