import { describeExchange, isObject, jsonOf, judgedByServer, listed } from '../../http/exchange.js';
import { smart } from '../../flows/discovery.js';
import { defineCheck } from '../check.js';
import { discoveryExchange, discoveryOk, metadataEvidence } from './evidence.js';
import { oidcDiscovery, rfc } from '../spec.js';
import { couldNotRun, fail, pass, show } from '../types.js';
import { headerVerdict, isJsonMediaType, schemaVerdict } from '../verdicts.js';

export const reachable = defineCheck({
  id: 'discovery.reachable',
  area: 'discovery',
  title: 'the metadata document answers 200 OK',
  level: 'MUST',
  spec: [rfc(8414, '3.2'), oidcDiscovery('4.2', 'ProviderConfigurationResponse')],
  scope: 'suite',
  gather: discoveryExchange,
  judge: ({ exchange }) =>
    !judgedByServer(exchange)
      ? couldNotRun(`the metadata document could not be fetched: ${describeExchange(exchange)}`)
      : exchange.response?.status === 200
        ? pass(describeExchange(exchange))
        : fail({ rule: 'a successful metadata response MUST use 200 OK', expected: '200 OK', actual: describeExchange(exchange) }),
});

export const json = defineCheck({
  id: 'discovery.json',
  area: 'discovery',
  title: 'the metadata is a JSON object served as application/json',
  level: 'MUST',
  spec: [rfc(8414, '3.2')],
  scope: 'suite',
  gather: discoveryOk,
  judge: ({ exchange }) => {
    const type = headerVerdict(exchange, {
      header: 'Content-Type',
      test: isJsonMediaType,
      rule: 'metadata MUST be returned with the application/json content type',
      expected: 'Content-Type: application/json',
    });
    if (type.status === 'fail') return type;
    const body = jsonOf(exchange);
    if (!body.ok || !isObject(body.value)) {
      return fail({
        rule: 'metadata MUST be a JSON object',
        expected: 'a JSON object',
        actual: body.ok ? JSON.stringify(body.value).slice(0, 80) : body.reason,
      });
    }
    return pass(`${type.message}, a JSON object with ${Object.keys(body.value).length} members`);
  },
});

export const schema = defineCheck({
  id: 'discovery.schema',
  area: 'discovery',
  title: 'the metadata has every required member with the right type',
  level: 'MUST',
  spec: [rfc(8414, '2'), oidcDiscovery('3', 'ProviderMetadata')],
  scope: 'suite',
  gather: metadataEvidence,
  judge: ({ document, url }) => {
    // An OpenID Provider's document (…/openid-configuration) also owes the members OIDC Discovery §3 requires; which
    // of the check's sections apply depends on the document, so expected names them.
    const openid = url.includes('/.well-known/openid-configuration');
    const schema = openid ? 'openid-configuration' : 'discovery';
    const rules = openid ? 'OIDC Discovery §3 and RFC 8414 §2' : 'RFC 8414 §2';
    return schemaVerdict({
      schema,
      value: document,
      rule: 'the metadata MUST have every required member, each of its defined type',
      expected: `metadata valid against ${rules}`,
      passed: `metadata matches schemas/${schema}.schema.json`,
    });
  },
});

export const issuerMatch = defineCheck({
  id: 'discovery.issuer-match',
  area: 'discovery',
  title: 'issuer is exactly the configured issuer',
  level: 'MUST',
  spec: [oidcDiscovery('4.3', 'ProviderConfigurationValidation'), rfc(8414, '3.3')],
  scope: 'suite',
  gather: metadataEvidence,
  judge: ({ document, expectedIssuer }) =>
    document.issuer === expectedIssuer
      ? pass(`issuer ${JSON.stringify(expectedIssuer)}`)
      : fail({
          rule: 'the issuer in the metadata MUST be identical to the issuer the client was configured with, character for character',
          expected: JSON.stringify(expectedIssuer),
          actual: show(document.issuer),
        }),
});

const LOOPBACK = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/i;

export const endpointsHttps = defineCheck({
  id: 'discovery.endpoints-https',
  area: 'discovery',
  title: 'every endpoint in the metadata uses https (loopback exempt)',
  level: 'MUST',
  spec: [rfc(6749, '3.1'), rfc(6749, '3.2'), rfc(8414, '2')],
  scope: 'suite',
  gather: metadataEvidence,
  judge: ({ document }) => {
    const plain = urlMembers(document).filter(([, url]) => {
      const parsed = URL.canParse(url) ? new URL(url) : undefined;
      return parsed?.protocol !== 'https:' && !(parsed && LOOPBACK.test(parsed.hostname));
    });
    return plain.length === 0
      ? pass(`${urlMembers(document).length} endpoint URLs, all https or loopback`)
      : fail({
          rule: 'endpoints carry credentials and MUST be reached over TLS',
          expected: 'https URLs',
          actual: plain.map(([k, v]) => `${k}: ${v}`).join('; '),
        });
  },
});

/** The metadata's URL-valued members: every *_endpoint, jwks_uri and registration URLs. */
export function urlMembers(document: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(document).filter((e): e is [string, string] => (/_endpoint$/.test(e[0]) || e[0] === 'jwks_uri') && typeof e[1] === 'string');
}

export const grantTypesDeclared = defineCheck({
  id: 'discovery.grant-types-declared',
  area: 'discovery',
  title: 'grant_types_supported lists every grant the suite uses',
  level: 'SHOULD',
  spec: [rfc(8414, '2')],
  scope: 'suite',
  gather: async (run) => ({ ...(await metadataEvidence(run)), used: [...new Set(Object.values(run.suite.loaded.grants ?? {}).map((g) => g.type))] }),
  judge: ({ document, used }) => {
    // RFC 8414 §2: omitted means ["authorization_code", "implicit"].
    const declared = listed(document, 'grant_types_supported', ['authorization_code', 'implicit']);
    const missing = used.filter((g) => !declared.includes(g));
    return missing.length === 0
      ? pass(`grant_types_supported: ${declared.join(', ')}`)
      : fail({
          rule: 'the metadata SHOULD list the grant types the server supports, so clients can rely on it',
          expected: `grant_types_supported including ${used.join(', ')}`,
          actual: `grant_types_supported: ${declared.join(', ')}`,
        });
  },
});

/** Response types of the OAuth Authorization Endpoint Response Types registry (RFC 6749 §8.4, OAuth 2.0 Multiple Response Types). */
const RESPONSE_TYPES = new Set(['code', 'token', 'id_token']);
/** Grant types with a registered short name (RFC 6749 §4, RFC 7591 §2); any other must be an absolute URI (RFC 6749 §4.5). */
const GRANT_TYPES = new Set(['authorization_code', 'implicit', 'password', 'client_credentials', 'refresh_token']);

/** The values of a metadata list that no registry or URI rule allows. */
function unregistered(document: Record<string, unknown>): string[] {
  const responseTypes = listed(document, 'response_types_supported', []).filter((value) => {
    const parts = value.split(' ');
    return !(value === 'none' || (parts.length > 0 && parts.every((p) => RESPONSE_TYPES.has(p)) && new Set(parts).size === parts.length));
  });
  const grantTypes = listed(document, 'grant_types_supported', []).filter((value) => !GRANT_TYPES.has(value) && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(value));
  return [...responseTypes.map((v) => `response_types_supported ${JSON.stringify(v)}`), ...grantTypes.map((v) => `grant_types_supported ${JSON.stringify(v)}`)];
}

export const registeredValues = defineCheck({
  id: 'discovery.registered-values',
  area: 'discovery',
  title: 'response_types_supported and grant_types_supported hold registered values',
  level: 'MUST',
  spec: [rfc(8414, '2'), rfc(6749, '3.1.1'), rfc(6749, '8.4'), rfc(6749, '4.5'), oidcDiscovery('3', 'ProviderMetadata')],
  scope: 'suite',
  gather: metadataEvidence,
  judge: ({ document }) => {
    const wrong = unregistered(document);
    return wrong.length === 0
      ? pass(
          `response_types_supported: ${listed(document, 'response_types_supported', []).join(', ')}; grant_types_supported: ${listed(document, 'grant_types_supported', ['authorization_code', 'implicit']).join(', ')}`,
        )
      : fail({
          rule: 'response types are registered values or space-separated combinations of them; a grant type is a registered name or an absolute URI',
          expected: 'registered values (code, id_token, token, none; authorization_code, client_credentials, refresh_token, …) or URIs',
          actual: wrong.join('; '),
        });
  },
});

export const authMethodsDeclared = defineCheck({
  id: 'discovery.auth-methods-declared',
  area: 'discovery',
  title: 'token_endpoint_auth_methods_supported lists the methods the suite uses',
  level: 'SHOULD',
  spec: [rfc(8414, '2')],
  scope: 'suite',
  gather: async (run) => ({
    ...(await metadataEvidence(run)),
    // Of the clients that run; tls_client_auth is client-auth.tls-client-auth-declared's (RFC 8705 §2.1.1).
    used: [...new Set(run.suite.clients().map(([, c]) => c.auth ?? 'client_secret_basic'))].filter((m) => m !== 'tls_client_auth'),
  }),
  judge: ({ document, used }) => {
    // RFC 8414 §2: omitted means client_secret_basic.
    const declared = listed(document, 'token_endpoint_auth_methods_supported', ['client_secret_basic']);
    const missing = used.filter((m) => !declared.includes(m));
    return missing.length === 0
      ? pass(`token_endpoint_auth_methods_supported: ${declared.join(', ')}`)
      : fail({
          rule: 'the metadata SHOULD list the client authentication methods the token endpoint accepts',
          expected: `including ${used.join(', ')}`,
          actual: `token_endpoint_auth_methods_supported: ${declared.join(', ')}`,
        });
  },
});

export const pkceS256 = defineCheck({
  id: 'discovery.pkce-s256',
  area: 'discovery',
  title: 'code_challenge_methods_supported includes S256',
  level: 'SHOULD',
  spec: [rfc(8414, '2'), rfc(7636, '4.2'), rfc(9700, '2.1.1')],
  scope: 'suite',
  requires: { grantTypes: ['authorization_code'] },
  gather: metadataEvidence,
  judge: ({ document }) => {
    const declared = listed(document, 'code_challenge_methods_supported', []);
    return declared.includes('S256')
      ? pass(`code_challenge_methods_supported: ${declared.join(', ')}`)
      : fail({
          rule: 'servers supporting PKCE advertise it; S256 is the method to use',
          expected: 'code_challenge_methods_supported including S256',
          actual: declared.length ? declared.join(', ') : '(absent)',
        });
  },
});

export const smartConfiguration = defineCheck({
  id: 'discovery.smart-configuration',
  area: 'discovery',
  title: 'the SMART configuration answers 200 JSON with its required fields',
  level: 'MUST',
  spec: [{ ref: 'SMART App Launch §2.1', url: 'https://hl7.org/fhir/smart-app-launch/conformance.html#metadata' }],
  scope: 'suite',
  gather: async (run) => {
    const { exchange } = await smart(run);
    return { exchanges: [exchange], exchange };
  },
  judge: ({ exchange }) => {
    const body = jsonOf(exchange);
    // No answer, a 5xx or a 429 says nothing about the document.
    if (!judgedByServer(exchange)) return couldNotRun(`the SMART configuration could not be fetched: ${describeExchange(exchange)}`);
    if (exchange.response?.status !== 200 || !body.ok) {
      return fail({
        rule: 'the SMART configuration MUST be served as JSON at .well-known/smart-configuration',
        expected: '200 with a JSON object',
        actual: describeExchange(exchange),
      });
    }
    return schemaVerdict({
      schema: 'smart-configuration',
      value: body.value,
      rule: 'the SMART configuration MUST have its required fields',
      expected: 'authorization_endpoint, token_endpoint, grant_types_supported, capabilities, code_challenge_methods_supported with S256',
      passed: 'all required fields present',
    });
  },
});
