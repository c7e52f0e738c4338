import { describeExchange, isObject, jsonOf } from '../http/exchange.js';
import { defineCheck } from './check.js';
import { discoveryExchange, discoveryOk, metadata } from './evidence.js';
import { oidcDiscovery, rfc } from './spec.js';
import { fail, pass, show } from './types.js';
import { headerVerdict, isJsonMediaType, schemaVerdict } from './verdicts.js';

export const reachable = defineCheck({
  id: 'discovery.reachable',
  area: 'discovery',
  title: 'the metadata document answers 200 OK',
  level: 'MUST',
  spec: rfc(8414, '3.2'),
  scope: 'suite',
  gather: discoveryExchange,
  judge: ({ exchange }) =>
    exchange.response?.status === 200
      ? pass(`${describeExchange(exchange)}`)
      : fail('a successful metadata response MUST use 200 OK (RFC 8414 §3.2, OIDC Discovery §4.2)', '200 OK', describeExchange(exchange)),
});

export const json = defineCheck({
  id: 'discovery.json',
  area: 'discovery',
  title: 'the metadata is a JSON object served as application/json',
  level: 'MUST',
  spec: rfc(8414, '3.2'),
  scope: 'suite',
  gather: discoveryOk,
  judge: ({ exchange }) => {
    const type = headerVerdict(exchange, 'Content-Type', isJsonMediaType, 'metadata MUST be returned with the application/json content type (RFC 8414 §3.2)', 'Content-Type: application/json');
    if (type.status === 'fail') return type;
    const body = jsonOf(exchange);
    if (!body.ok || !isObject(body.value)) {
      return fail('metadata MUST be a JSON object (RFC 8414 §3.2)', 'a JSON object', body.ok ? JSON.stringify(body.value).slice(0, 80) : body.reason);
    }
    return pass(`${type.message}, a JSON object with ${Object.keys(body.value).length} members`);
  },
});

export const schema = defineCheck({
  id: 'discovery.schema',
  area: 'discovery',
  title: 'the metadata has every required member with the right type',
  level: 'MUST',
  spec: rfc(8414, '2'),
  scope: 'suite',
  gather: metadata,
  judge: ({ document, url }) => {
    // An OpenID Provider's document (…/openid-configuration) also owes the members OIDC Discovery §3 requires.
    const openid = url.includes('/.well-known/openid-configuration');
    const schema = openid ? 'openid-configuration' : 'discovery';
    const rules = openid ? 'OIDC Discovery §3 and RFC 8414 §2' : 'RFC 8414 §2';
    return schemaVerdict(schema, document, `the metadata does not meet ${rules}`, `metadata valid against ${rules}`, `metadata matches schemas/${schema}.schema.json`);
  },
});

export const issuerMatch = defineCheck({
  id: 'discovery.issuer-match',
  area: 'discovery',
  title: 'issuer is exactly the configured issuer',
  level: 'MUST',
  spec: oidcDiscovery('4.3', 'ProviderConfigurationValidation'),
  scope: 'suite',
  gather: metadata,
  judge: ({ document, expectedIssuer }) =>
    document.issuer === expectedIssuer
      ? pass(`issuer ${JSON.stringify(expectedIssuer)}`)
      : fail(
          'the issuer in the metadata MUST be identical to the issuer the client was configured with, character for character (OIDC Discovery §4.3, RFC 8414 §3.3)',
          JSON.stringify(expectedIssuer),
          show(document.issuer),
        ),
});
