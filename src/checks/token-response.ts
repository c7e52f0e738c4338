import { isObject, jsonOf } from '../http/exchange.js';
import { schemaErrors } from '../schemas.js';
import { defineCheck } from './check.js';
import { tokenExchange, tokenIssued } from './evidence.js';
import { rfc } from './spec.js';
import { fail, pass } from './types.js';

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
    const errors = schemaErrors('token-response', body.value);
    return errors.length === 0
      ? pass(`members: ${isObject(body.value) ? Object.keys(body.value).join(', ') : ''}`)
      : fail('the token response does not meet RFC 6749 §5.1', 'access_token and token_type strings; expires_in an integer; scope and refresh_token strings', errors.join('; '));
  },
});

export const tokenType = defineCheck({
  id: 'token-response.token-type',
  area: 'token-response',
  title: 'token_type is Bearer (compared case-insensitively)',
  level: 'MUST',
  spec: rfc(6749, '5.1'),
  scope: 'grant',
  gather: tokenIssued,
  judge: ({ exchange }) => {
    const body = jsonOf(exchange);
    const type = body.ok && isObject(body.value) ? body.value.token_type : undefined;
    return typeof type === 'string' && type.toLowerCase() === 'bearer'
      ? pass(`token_type ${JSON.stringify(type)}`)
      : fail('token_type names how the token is used; the value is case-insensitive (RFC 6749 §5.1, §7.1) and Bearer per RFC 6750 §4', '"Bearer" (any case)', JSON.stringify(type));
  },
});

export const cacheControl = defineCheck({
  id: 'token-response.cache-control',
  area: 'token-response',
  title: 'the token response carries Cache-Control: no-store',
  level: 'MUST',
  spec: rfc(6749, '5.1'),
  scope: 'grant',
  gather: tokenIssued,
  judge: ({ exchange }) => {
    const value = exchange.response?.headers['cache-control'];
    return value !== undefined && value.split(',').some((d) => d.trim().toLowerCase() === 'no-store')
      ? pass(`Cache-Control: ${value}`)
      : fail('responses carrying tokens MUST include Cache-Control: no-store so no cache keeps them (RFC 6749 §5.1)', 'Cache-Control: no-store', value === undefined ? 'no Cache-Control header' : `Cache-Control: ${value}`);
  },
});

export const jsonContentType = defineCheck({
  id: 'token-response.json-content-type',
  area: 'token-response',
  title: 'the token response is served as application/json',
  level: 'MUST',
  spec: rfc(6749, '5.1'),
  scope: 'grant',
  gather: tokenIssued,
  judge: ({ exchange }) => {
    const type = exchange.response?.headers['content-type'];
    return type !== undefined && /^application\/json\b/i.test(type)
      ? pass(`Content-Type: ${type}`)
      : fail('the parameters are returned in the body using the application/json media type (RFC 6749 §5.1)', 'Content-Type: application/json', `Content-Type: ${type ?? '(none)'}`);
  },
});
