import { isObject, jsonOf } from '../http/exchange.js';
import { defineCheck } from './check.js';
import { tokenExchange, tokenIssued } from './evidence.js';
import { rfc } from './spec.js';
import { fail, pass, show } from './types.js';
import { headerVerdict, isJsonMediaType, schemaVerdict } from './verdicts.js';

export const schema = defineCheck({
  id: 'token-response.schema',
  area: 'token-response',
  title: 'a successful token response is 200 with access_token, token_type and well-typed members',
  level: 'MUST',
  spec: rfc(6749, '5.1'),
  scope: 'grant',
  gather: tokenExchange,
  judge: ({ exchange }) => {
    const status = exchange.response?.status;
    const body = jsonOf(exchange);
    if (status !== 200) {
      return fail('the token request was refused; a successful token response is 200 OK (RFC 6749 §5.1)', '200 OK with a token', `${status} ${exchange.response?.body.slice(0, 200)}`);
    }
    if (!body.ok) return fail('the token response MUST be JSON (RFC 6749 §5.1)', 'a JSON object', body.reason);
    return schemaVerdict(
      'token-response',
      body.value,
      'the token response does not meet RFC 6749 §5.1',
      'access_token and token_type strings; expires_in an integer; scope and refresh_token strings',
      `members: ${isObject(body.value) ? Object.keys(body.value).join(', ') : ''}`,
    );
  },
});

/** What checks of a successful token response share: the rule's section, and a response that issued a token. */
const successResponse = { area: 'token-response', level: 'MUST', spec: rfc(6749, '5.1'), scope: 'grant', gather: tokenIssued } as const;

export const tokenType = defineCheck({
  id: 'token-response.token-type',
  title: 'token_type is Bearer (compared case-insensitively)',
  ...successResponse,
  judge: ({ exchange }) => {
    const body = jsonOf(exchange);
    const type = body.ok && isObject(body.value) ? body.value.token_type : undefined;
    return typeof type === 'string' && type.toLowerCase() === 'bearer'
      ? pass(`token_type ${show(type)}`)
      : fail('token_type names how the token is used; the value is case-insensitive (RFC 6749 §5.1, §7.1) and Bearer per RFC 6750 §4', '"Bearer" (any case)', show(type));
  },
});

export const cacheControl = defineCheck({
  id: 'token-response.cache-control',
  title: 'the token response carries Cache-Control: no-store',
  ...successResponse,
  judge: ({ exchange }) =>
    headerVerdict(
      exchange,
      'Cache-Control',
      (value) => value.split(',').some((directive) => directive.trim().toLowerCase() === 'no-store'),
      'responses carrying tokens MUST include Cache-Control: no-store so no cache keeps them (RFC 6749 §5.1)',
      'Cache-Control: no-store',
    ),
});

export const jsonContentType = defineCheck({
  id: 'token-response.json-content-type',
  title: 'the token response is served as application/json',
  ...successResponse,
  judge: ({ exchange }) =>
    headerVerdict(
      exchange,
      'Content-Type',
      isJsonMediaType,
      'the parameters are returned in the body using the application/json media type (RFC 6749 §5.1)',
      'Content-Type: application/json',
    ),
});
