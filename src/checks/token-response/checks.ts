import { describeExchange, errorCodeOf, isObject, jsonOf } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { idToken, idTokenPresence, jwtAccessToken, tokenExchange, tokenIssued, tokenScope } from './evidence.js';
import { oidcCore, rfc } from '../spec.js';
import { couldNotRun, fail, pass, show } from '../types.js';
import { headerVerdict, isJsonMediaType, refusedForAnotherReason, schemaVerdict, tokenTypeVerdict } from '../verdicts.js';

export const schema = defineCheck({
  id: 'token-response.schema',
  area: 'token-response',
  title: 'a successful token response is 200 with access_token, token_type and well-typed members',
  level: 'MUST',
  spec: [rfc(6749, '5.1')],
  scope: 'grant',
  gather: tokenExchange,
  judge: ({ exchange, credential }) => {
    const status = exchange.response?.status;
    const body = jsonOf(exchange);
    // The configured credentials themselves refused: said first in the console, and nothing else is judged on them.
    if (errorCodeOf(exchange) === 'invalid_client') return couldNotRun(`${credential} is refused: invalid_client (${describeExchange(exchange)})`);
    const other = refusedForAnotherReason(exchange);
    if (other) return couldNotRun(`the grant's token request failed: ${other}`);
    if (status !== 200) {
      return fail({
        rule: 'the token request was refused; a successful token response is 200 OK',
        expected: '200 OK with a token',
        actual: `${status} ${exchange.response?.body.slice(0, 200)}`,
      });
    }
    if (!body.ok) return fail({ rule: 'the token response MUST be JSON', expected: 'a JSON object', actual: body.reason });
    return schemaVerdict({
      schema: 'token-response',
      value: body.value,
      rule: 'the token response MUST have every required member, each of its defined type',
      expected: 'access_token and token_type strings; expires_in an integer; scope and refresh_token strings',
      passed: `members: ${isObject(body.value) ? Object.keys(body.value).join(', ') : ''}`,
    });
  },
});

/** What checks of a successful token response share: the rule's section, and a response that issued a token. */
const successResponse = { area: 'token-response', level: 'MUST', spec: [rfc(6749, '5.1')], scope: 'grant', gather: tokenIssued } as const;

export const tokenType = defineCheck({
  id: 'token-response.token-type',
  title: 'token_type is Bearer (compared case-insensitively)',
  ...successResponse,
  requires: { grantUses: 'bearer' },
  spec: [rfc(6749, '5.1'), rfc(6749, '7.1'), rfc(6750, '4')],
  judge: ({ exchange }) =>
    tokenTypeVerdict(exchange, {
      type: 'Bearer',
      rule: 'token_type names how the token is used; the value is case-insensitive, and Bearer for a bearer token',
    }),
});

export const cacheControl = defineCheck({
  id: 'token-response.cache-control',
  title: 'the token response carries Cache-Control: no-store',
  ...successResponse,
  judge: ({ exchange }) =>
    headerVerdict(exchange, {
      header: 'Cache-Control',
      test: (value) => value.split(',').some((directive) => directive.trim().toLowerCase() === 'no-store'),
      rule: 'responses carrying tokens MUST include Cache-Control: no-store so no cache keeps them',
      expected: 'Cache-Control: no-store',
    }),
});

export const jsonContentType = defineCheck({
  id: 'token-response.json-content-type',
  title: 'the token response is served as application/json',
  ...successResponse,
  judge: ({ exchange }) =>
    headerVerdict(exchange, {
      header: 'Content-Type',
      test: isJsonMediaType,
      rule: 'the parameters are returned in the body using the application/json media type',
      expected: 'Content-Type: application/json',
    }),
});

export const pragma = defineCheck({
  id: 'token-response.pragma',
  title: 'the token response carries Pragma: no-cache',
  ...successResponse,
  // RFC 6749 says MUST, but RFC 9111 obsoletes Pragma; a missing one only matters to HTTP/1.0 caches.
  level: 'SHOULD',
  judge: ({ exchange }) =>
    headerVerdict(exchange, {
      header: 'Pragma',
      test: (value) => /\bno-cache\b/i.test(value),
      rule: 'token responses include Pragma: no-cache for HTTP/1.0 caches',
      expected: 'Pragma: no-cache',
    }),
});

export const scopeReturned = defineCheck({
  id: 'token-response.scope-returned',
  title: 'scope is returned when the granted scope differs from the requested one',
  ...successResponse,
  spec: [rfc(6749, '5.1'), rfc(6749, '3.3')],
  gather: tokenScope,
  judge: ({ requested, stated, granted }) => {
    if (stated !== undefined) return pass(`scope ${show(stated)}`);
    if (granted === undefined || sameScope(granted, requested))
      return pass(`no scope member; the token's scope ${granted === undefined ? 'is not visible (opaque token)' : 'equals the requested one'}`);
    return fail({
      rule: 'scope is OPTIONAL only if identical to the scope requested, otherwise REQUIRED',
      expected: `scope: "${granted}"`,
      actual: `no scope member, requested "${requested}", the token carries "${granted}"`,
    });
  },
});

function sameScope(a: string, b: string): boolean {
  const set = (s: string) => [...new Set(s.split(' ').filter(Boolean))].sort().join(' ');
  return set(a) === set(b);
}

export const noRefreshForClientCredentials = defineCheck({
  id: 'token-response.no-refresh-client-credentials',
  title: 'client_credentials issues no refresh token',
  ...successResponse,
  level: 'SHOULD',
  spec: [rfc(6749, '4.4.3')],
  requires: { grantTypes: ['client_credentials'] },
  judge: ({ exchange }) => {
    const body = jsonOf(exchange);
    return body.ok && isObject(body.value) && 'refresh_token' in body.value
      ? fail({
          rule: 'a refresh token SHOULD NOT be included in a client_credentials response: the client can always ask again',
          expected: 'no refresh_token',
          actual: 'refresh_token present',
        })
      : pass('no refresh_token');
  },
});

/** What JWT access token checks share: a JWT the grant issued (RFC 9068). */
const jwtAccess = { area: 'token-response', level: 'MUST', scope: 'grant', gather: jwtAccessToken } as const;

export const jwtSignature = defineCheck({
  id: 'token-response.jwt-signature',
  title: 'a JWT access token verifies against the JWKS',
  ...jwtAccess,
  spec: [rfc(9068, '4')],
  judge: ({ jwt }) =>
    jwt.signature === 'valid'
      ? pass(`${jwt.header.alg} signature verified with kid ${show(jwt.header.kid)}`)
      : fail({
          rule: 'a JWT access token MUST be signed, and verify with the keys the issuer publishes',
          expected: 'a signature valid under jwks_uri',
          actual: jwt.signature,
        }),
});

export const jwtIssuer = defineCheck({
  id: 'token-response.jwt-iss',
  title: "a JWT access token's iss is the issuer",
  ...jwtAccess,
  spec: [rfc(9068, '4'), rfc(8414, '2')],
  judge: ({ jwt, issuer }) =>
    jwt.claims.iss === issuer
      ? pass(`iss ${show(issuer)}`)
      : fail({ rule: 'the iss claim MUST exactly match the issuer identifier', expected: show(issuer), actual: show(jwt.claims.iss) }),
});

export const jwtExpiry = defineCheck({
  id: 'token-response.jwt-exp',
  title: 'a JWT access token has an exp in the future',
  ...jwtAccess,
  spec: [rfc(9068, '2.2'), rfc(7519, '4.1.4')],
  judge: ({ jwt, receivedAt }) => {
    const exp = jwt.claims.exp;
    return typeof exp === 'number' && exp * 1000 > receivedAt
      ? pass(`exp ${new Date(exp * 1000).toISOString()}`)
      : fail({
          rule: 'exp is REQUIRED and a token must not arrive expired',
          expected: 'exp after the moment the token arrived',
          actual: typeof exp === 'number' ? new Date(exp * 1000).toISOString() : show(exp),
        });
  },
});

/** RFC 9068 §2.2 claims; iss and exp have checks of their own (jwt-iss, jwt-exp). */
const RFC9068_CLAIMS = ['aud', 'sub', 'client_id', 'iat', 'jti'];

export const rfc9068Claims = defineCheck({
  id: 'token-response.rfc9068-claims',
  title: 'a JWT access token has the RFC 9068 typ and claims',
  ...jwtAccess,
  spec: [rfc(9068, '2.2'), rfc(9068, '2.1')],
  requires: { expects: 'access_token_profile' },
  judge: ({ jwt }) => {
    const missing = RFC9068_CLAIMS.filter((c) => jwt.claims[c] === undefined);
    const typ = jwt.header.typ ?? '';
    const typOk = /^(application\/)?at\+jwt$/i.test(typ);
    return missing.length === 0 && typOk
      ? pass(`typ ${typ}; ${RFC9068_CLAIMS.join(', ')} present`)
      : fail({
          rule: 'JWT access tokens carry typ "at+jwt" and the claims iss, exp, aud, sub, client_id, iat, jti (iss and exp are checked on their own)',
          expected: `typ at+jwt; claims ${RFC9068_CLAIMS.join(', ')}`,
          actual: `typ ${show(jwt.header.typ)}${missing.length ? `; missing ${missing.join(', ')}` : ''}`,
        });
  },
});

export const jwtDeclaredClaims = defineCheck({
  id: 'token-response.jwt-declared-claims',
  title: 'a JWT access token carries the claims the vendor documents',
  ...jwtAccess,
  spec: [rfc(7519, '4')],
  requires: { expects: 'access_token_claims' },
  gather: async (run, grant) => ({ ...(await jwtAccessToken(run, grant)), claims: run.suite.expect.access_token_claims! }),
  judge: ({ jwt, claims }) => {
    const missing = claims.filter((c) => jwt.claims[c] === undefined);
    return missing.length === 0
      ? pass(`claims ${claims.join(', ')} present`)
      : fail({
          rule: 'the vendor documents these claims in its access tokens; resource servers and clients rely on them',
          expected: claims.join(', '),
          actual: `missing ${missing.join(', ')}`,
        });
  },
});

const idTokenValidation = oidcCore('3.1.3.7', 'IDTokenValidation');

/** What ID token checks share: OIDC Core §3.1.3.7 validation of the id_token an authorization_code grant returned. */
const idTokenCheck = {
  area: 'token-response',
  level: 'MUST',
  spec: [idTokenValidation],
  scope: 'grant',
  requires: { grantTypes: ['authorization_code'], grantUses: 'openid' },
  gather: idToken,
} as const;

export const idTokenSignature = defineCheck({
  id: 'token-response.id-token-signature',
  title: 'an id_token is returned for openid and verifies against the JWKS',
  ...idTokenCheck,
  gather: idTokenPresence,
  spec: [idTokenValidation, oidcCore('3.1.3.3', 'TokenResponse')],
  judge: ({ jwt }) => {
    if (!jwt) return fail({ rule: 'a token response to an openid request MUST contain an id_token', expected: 'an id_token', actual: 'none' });
    return jwt.signature === 'valid'
      ? pass(`${jwt.header.alg} signature verified`)
      : fail({
          rule: "the client MUST validate the signature of the ID Token with the issuer's keys",
          expected: 'a signature valid under jwks_uri',
          actual: jwt.signature,
        });
  },
});

export const idTokenIssuer = defineCheck({
  id: 'token-response.id-token-iss',
  title: "the id_token's iss is the issuer",
  ...idTokenCheck,
  judge: ({ jwt, issuer }) =>
    jwt.claims.iss === issuer
      ? pass(`iss ${show(issuer)}`)
      : fail({ rule: 'the iss claim MUST exactly match the issuer identifier', expected: show(issuer), actual: show(jwt.claims.iss) }),
});

export const idTokenAudience = defineCheck({
  id: 'token-response.id-token-aud',
  title: "the id_token's aud contains the client_id",
  ...idTokenCheck,
  judge: ({ jwt, clientId }) =>
    [jwt.claims.aud].flat().includes(clientId)
      ? pass(`aud ${show(jwt.claims.aud)}`)
      : fail({
          rule: 'the aud claim MUST contain the client_id of the client that asked',
          expected: `aud containing ${show(clientId)}`,
          actual: show(jwt.claims.aud),
        }),
});

export const idTokenExpiry = defineCheck({
  id: 'token-response.id-token-exp',
  title: 'the id_token has not expired',
  ...idTokenCheck,
  judge: ({ jwt, receivedAt }) => {
    const exp = jwt.claims.exp;
    return typeof exp === 'number' && exp * 1000 > receivedAt
      ? pass(`exp ${new Date(exp * 1000).toISOString()}`)
      : fail({
          rule: 'the current time MUST be before the time in exp',
          expected: 'exp after the moment the token arrived',
          actual: typeof exp === 'number' ? new Date(exp * 1000).toISOString() : show(exp),
        });
  },
});

/** How far in the future an iat may be before it is wrong rather than a clock difference (OIDC Core leaves it to the client). */
const IAT_FUTURE_SECONDS = 300;

export const idTokenIssuedAt = defineCheck({
  id: 'token-response.id-token-iat',
  title: 'the id_token has an iat that is not in the future',
  ...idTokenCheck,
  spec: [idTokenValidation, oidcCore('2', 'IDToken')],
  judge: ({ jwt, receivedAt }) => {
    const iat = jwt.claims.iat;
    return typeof iat === 'number' && iat * 1000 <= receivedAt + IAT_FUTURE_SECONDS * 1000
      ? pass(`iat ${new Date(iat * 1000).toISOString()}`)
      : fail({
          rule: `iat is REQUIRED and can reject tokens issued too far from the current time; allowed: up to ${IAT_FUTURE_SECONDS} s ahead`,
          expected: `iat no later than ${new Date(receivedAt).toISOString()}`,
          actual: typeof iat === 'number' ? new Date(iat * 1000).toISOString() : show(iat),
        });
  },
});

export const idTokenNonce = defineCheck({
  id: 'token-response.id-token-nonce',
  title: "the id_token's nonce is the one sent",
  ...idTokenCheck,
  judge: ({ jwt, nonce }) =>
    jwt.claims.nonce === nonce
      ? pass('nonce echoed')
      : fail({
          rule: 'a nonce sent in the authentication request MUST be present in the ID Token with the same value',
          expected: show(nonce),
          actual: show(jwt.claims.nonce),
        }),
});

export const idTokenAtHash = defineCheck({
  id: 'token-response.id-token-at-hash',
  title: "the id_token's at_hash, when present, matches the access token",
  ...idTokenCheck,
  spec: [oidcCore('3.1.3.8', 'CodeFlowTokenValidation'), oidcCore('3.2.2.9', 'ImplicitTokenValidation')],
  judge: ({ jwt, expectedAtHash }) => {
    const atHash = jwt.claims.at_hash;
    if (atHash === undefined) return pass('no at_hash (optional in the code flow)');
    return atHash === expectedAtHash
      ? pass('at_hash matches the access token')
      : fail({ rule: 'at_hash, when present, MUST be the left half of the hash of the access token', expected: show(expectedAtHash), actual: show(atHash) });
  },
});
