import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../src/checks/catalogue.js';
import type { Check } from '../src/checks/check.js';
import * as authorizationCode from '../src/checks/authorization-code/checks.js';
import * as discovery from '../src/checks/discovery/checks.js';
import * as errorResponse from '../src/checks/error-response/checks.js';
import * as pkce from '../src/checks/pkce/checks.js';
import * as refresh from '../src/checks/refresh/checks.js';
import * as transport from '../src/checks/transport/checks.js';
import type { TokenResult } from '../src/flows/token.js';
import { NotApplicable } from '../src/flows/blocked.js';
import { tamper, TAMPERINGS } from '../src/flows/tampered-jwt.js';
import { redact } from '../src/secrets.js';
import * as jwks from '../src/checks/jwks/checks.js';
import * as resourceAccess from '../src/checks/resource-access/checks.js';
import * as tokenResponse from '../src/checks/token-response/checks.js';
import type { Verdict } from '../src/checks/types.js';
import type { Exchange } from '../src/http/exchange.js';
import type { Resource } from '../src/suite/suite.types.js';

/** A recorded exchange as the HTTP client stores it (header names lower-case); no response when `status` is undefined. */
function exchange(url: string, status: number | undefined, headers: Record<string, string> = {}, body = ''): Exchange {
  return {
    id: 1,
    label: 'test',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1,
    request: { method: 'GET', url, headers: {} },
    ...(status === undefined ? { error: 'connection refused' } : { response: { status, headers, body } }),
  };
}

const spec = /RFC \d+ §|OIDC (Discovery|Core) §|SMART App Launch/;

describe('citations', () => {
  it('every check cites each section its rule rests on once, with a link to that section', () => {
    for (const check of catalogue) {
      for (const { ref, url } of check.spec) {
        expect(ref, check.id).toMatch(spec);
        expect(url, check.id).toMatch(/^https:\/\/\S+#\S+$/);
      }
      expect(new Set(check.spec.map((s) => s.ref)).size, check.id).toBe(check.spec.length);
    }
  });
});

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Judges `evidence` and checks what every failing verdict owes its reader: the rule in words, whose citations are the
 * check's spec alone, and what was expected and what was found as text (both are redacted and printed in the report).
 */
function judge(check: Check, evidence: { exchanges: Exchange[]; [member: string]: unknown }): Verdict {
  const verdict = check.judge(evidence);
  if (verdict.status === 'fail') {
    expect(verdict.message).toMatch(/\S/);
    expect(verdict.message).not.toMatch(spec);
    expect(verdict.expected).toEqual(expect.stringMatching(/\S/));
    expect(verdict.actual).toEqual(expect.stringMatching(/\S/));
  }
  return verdict;
}

const tokenUrl = 'https://id.example.com/token';
const tokenBody = JSON.stringify({ access_token: 'at', token_type: 'Bearer', expires_in: 3600 });
const tokenHeaders = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function tokenEvidence(status: number, headers: Record<string, string> = tokenHeaders, body = tokenBody) {
  const e = exchange(tokenUrl, status, headers, body);
  return { exchanges: [e], exchange: e, grant: 'system' };
}

describe('token-response.token-type', () => {
  it.each([
    ['Bearer', 'pass'],
    ['bearer', 'pass'],
    ['BEARER', 'pass'],
    ['DPoP', 'fail'],
    ['mac', 'fail'],
    [undefined, 'fail'],
  ])('token_type %s: %s', (tokenType, status) => {
    const verdict = judge(tokenResponse.tokenType, tokenEvidence(200, tokenHeaders, JSON.stringify({ access_token: 'at', token_type: tokenType })));
    expect(verdict.status).toBe(status);
    if (verdict.status === 'fail' && tokenType !== undefined) expect(verdict.actual).toBe(JSON.stringify(tokenType));
  });
});

describe('token-response.cache-control', () => {
  it.each([
    ['no-store', 'pass'],
    ['private, no-store', 'pass'],
    ['No-Store,max-age=0', 'pass'],
    ['no-cache', 'fail'],
    ['private, max-age=0', 'fail'],
  ])('Cache-Control: %s: %s', (value, status) => {
    const verdict = judge(tokenResponse.cacheControl, tokenEvidence(200, { ...tokenHeaders, 'cache-control': value }));
    expect(verdict).toMatchObject({ status, ...(status === 'fail' && { actual: `Cache-Control: ${value}` }) });
  });

  it('fails when the header is missing, saying so', () => {
    expect(judge(tokenResponse.cacheControl, tokenEvidence(200, { 'content-type': 'application/json' }))).toMatchObject({
      status: 'fail',
      actual: 'no Cache-Control header',
    });
  });
});

describe('served as application/json', () => {
  const metadataBody = JSON.stringify({ issuer: 'https://id.example.com' });
  const cases = [
    ['application/json', 'pass'],
    ['application/json; charset=utf-8', 'pass'],
    ['Application/JSON', 'pass'],
    ['text/plain', 'fail'],
    ['application/jsonp', 'fail'],
    ['application/json-seq', 'fail'],
  ] as const;

  it.each(cases)('token response with Content-Type %s: %s', (type, status) => {
    const verdict = judge(tokenResponse.jsonContentType, tokenEvidence(200, { ...tokenHeaders, 'content-type': type }));
    expect(verdict).toMatchObject({ status, ...(status === 'fail' && { actual: `Content-Type: ${type}` }) });
  });

  it.each(cases)('metadata with Content-Type %s: %s', (type, status) => {
    const e = exchange('https://id.example.com/.well-known/openid-configuration', 200, { 'content-type': type }, metadataBody);
    const verdict = judge(discovery.json, { exchanges: [e], exchange: e });
    expect(verdict).toMatchObject({ status, ...(status === 'fail' && { actual: `Content-Type: ${type}` }) });
  });

  it('fails metadata that is JSON but not an object', () => {
    const e = exchange('https://id.example.com/.well-known/openid-configuration', 200, { 'content-type': 'application/json' }, '["https://id.example.com"]');
    expect(judge(discovery.json, { exchanges: [e], exchange: e })).toMatchObject({ status: 'fail', expected: 'a JSON object' });
  });
});

describe('token-response.schema', () => {
  it('passes a complete token response', () => {
    expect(judge(tokenResponse.schema, tokenEvidence(200)).status).toBe('pass');
  });

  it('fails a refused token request, with the status and the error in actual', () => {
    const verdict = judge(tokenResponse.schema, tokenEvidence(400, tokenHeaders, '{"error":"invalid_grant"}'));
    expect(verdict).toMatchObject({ status: 'fail', expected: '200 OK with a token' });
    expect(verdict.status === 'fail' && verdict.actual).toMatch(/^400 .*invalid_grant/);
  });

  it('could not run when the client itself was refused, or the server failed', () => {
    expect(judge(tokenResponse.schema, tokenEvidence(401, tokenHeaders, '{"error":"invalid_client"}')).status).toBe('blocked');
    expect(judge(tokenResponse.schema, tokenEvidence(503, tokenHeaders, '{"error":"temporarily_unavailable"}')).status).toBe('blocked');
  });

  it.each([
    ['a body that is not JSON', 'access_token=at&token_type=Bearer', /not JSON/],
    ['expires_in given as a string', JSON.stringify({ access_token: 'at', token_type: 'Bearer', expires_in: '3600' }), /expires_in/],
    ['no access_token', JSON.stringify({ token_type: 'Bearer' }), /access_token/],
  ])('fails %s, naming the fault', (_, body, actual) => {
    const verdict = judge(tokenResponse.schema, tokenEvidence(200, tokenHeaders, body));
    expect(verdict.status === 'fail' && verdict.actual).toMatch(actual);
  });
});

describe('resource-access.no-token-401', () => {
  it.each([
    [401, 'Bearer', 'pass'],
    [401, 'Bearer realm="api", error="invalid_request"', 'pass'],
    [401, 'Basic realm="x", Bearer', 'pass'],
    [401, 'bearer', 'pass'],
    [401, 'Basic realm="x"', 'fail'],
    [401, 'Basic realm="Bearer"', 'fail'],
    [401, undefined, 'fail'],
    [403, 'Bearer error="insufficient_scope"', 'fail'],
    [403, undefined, 'fail'],
    [200, undefined, 'fail'],
  ])('%s with WWW-Authenticate %s: %s', (status, challenge, expected) => {
    const e = exchange('https://api.example/me', status, challenge === undefined ? {} : { 'www-authenticate': challenge });
    const verdict = judge(resourceAccess.noToken401, { exchanges: [e], exchange: e });
    expect(verdict.status).toBe(expected);
    if (verdict.status === 'fail') {
      expect(verdict.actual).toBe(`${status}, ${challenge === undefined ? 'no WWW-Authenticate header' : `WWW-Authenticate: ${challenge}`}`);
    }
  });
});

describe('resource-access.no-token-401 on a resource of DPoP-bound tokens (RFC 9449 §7.1)', () => {
  it.each([
    ['DPoP algs="ES256 PS256"', 'pass'],
    ['DPoP error="invalid_token", Bearer', 'pass'],
    ['Bearer', 'pass'],
    ['Basic realm="DPoP"', 'fail'],
  ])('401 with WWW-Authenticate %s: %s', (challenge, expected) => {
    const e = exchange('https://api.example/me', 401, { 'www-authenticate': challenge });
    expect(judge(resourceAccess.noToken401, { exchanges: [e], exchange: e, dpop: true }).status).toBe(expected);
  });

  it('a DPoP challenge alone does not answer for a resource of Bearer tokens', () => {
    const e = exchange('https://api.example/me', 401, { 'www-authenticate': 'DPoP algs="ES256"' });
    expect(judge(resourceAccess.noToken401, { exchanges: [e], exchange: e, dpop: false })).toMatchObject({
      status: 'fail',
      expected: '401, WWW-Authenticate: Bearer …',
    });
  });
});

describe('resource-access.bearer-accepted', () => {
  const url = 'https://api.example/me';
  const resource: Resource = { name: 'api', url, grant: 'system', scope: 'read admin' };
  const evidence = (status: number, grantedScope?: string) => {
    const e = exchange(url, status, status === 401 ? { 'www-authenticate': 'Bearer error="insufficient_scope"' } : {});
    return { exchanges: [e], exchange: e, resource, ...(grantedScope !== undefined && { grantedScope }) };
  };

  it.each([200, 204])('passes a %s', (status) => {
    expect(judge(resourceAccess.bearerAccepted, evidence(status)).status).toBe('pass');
  });

  it.each([
    ['lacks a required scope', 'read', true],
    ['has every required scope', 'admin read', false],
    ['is not stated', undefined, false],
  ])('on a refusal, says to request the scope only when the granted scope %s', (_, granted, hint) => {
    const verdict = judge(resourceAccess.bearerAccepted, evidence(401, granted));
    expect(verdict).toMatchObject({ status: 'fail', actual: 'GET https://api.example/me → 401, WWW-Authenticate: Bearer error="insufficient_scope"' });
    expect(verdict.message.includes('request that scope')).toBe(hint);
  });
});

describe('resource-access.tampered-jwt-refused (RFC 9068 §4)', () => {
  const token = `${b64({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' })}.${b64({ sub: 'client-1', scope: 'read' })}.${Buffer.from('signature-bytes').toString('base64url')}`;
  const [header, payload, signature] = token.split('.');
  const answers = (statuses: number[]) => TAMPERINGS.map((tampering, i) => ({ tampering, exchange: exchange('https://api.example/me', statuses[i]) }));

  it('alters the signature, the claims under the original signature, or re-encodes as alg "none"', () => {
    const [, , altered] = tamper(token, 'tampered-signature').split('.');
    expect(tamper(token, 'tampered-signature').startsWith(`${header}.${payload}.`)).toBe(true);
    expect(altered).not.toBe(signature);
    const [claimsHeader, claims, kept] = tamper(token, 'tampered-claims').split('.');
    expect([claimsHeader, kept]).toEqual([header, signature]);
    expect(decodeJwt(tamper(token, 'tampered-claims'))).toEqual({ sub: 'client-1-tampered', scope: 'read' });
    expect(claims).not.toBe(payload);
    const unsecured = tamper(token, 'alg-none');
    expect(decodeProtectedHeader(unsecured)).toEqual({ alg: 'none', typ: 'at+jwt', kid: 'k1' });
    expect(unsecured.endsWith(`.${payload}.`)).toBe(true);
  });

  it('does not apply to an opaque token', () => {
    expect(() => tamper('2YotnFZFEjr1zCsicMWpAA', 'alg-none')).toThrow(NotApplicable);
  });

  it('never shows the original signature on its own', () => {
    tamper(token, 'tampered-claims');
    expect(redact(`the signature ${signature} does not match`)).not.toContain(signature);
  });

  it.each([
    [[401, 401, 401], 'pass'],
    [[400, 403, 401], 'pass'],
    [[200, 401, 401], 'fail'],
    [[401, 401, 200], 'fail'],
  ])('answered %j: %s', (statuses, expected) => {
    const verdict = judge(resourceAccess.tamperedJwtRefused, { exchanges: [], answers: answers(statuses) });
    expect(verdict.status).toBe(expected);
  });

  it('names each tampering the resource accepted', () => {
    const verdict = judge(resourceAccess.tamperedJwtRefused, { exchanges: [], answers: answers([200, 401, 200]) });
    expect(verdict.message).toMatch(/accepted the token signature altered, re-encoded with alg "none"/);
    expect(verdict).toMatchObject({ actual: expect.stringContaining('sub altered under the original signature: GET https://api.example/me → 401') });
  });
});

describe('discovery', () => {
  const issuer = 'https://id.example.com';
  const openidUrl = `${issuer}/.well-known/openid-configuration`;
  const oauthUrl = `${issuer}/.well-known/oauth-authorization-server`;
  /** Everything OIDC Discovery §3 requires, except jwks_uri. */
  const withoutJwksUri = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
  const metadata = (url: string, document: Record<string, unknown>, expectedIssuer = issuer) => {
    const e = exchange(url, 200, { 'content-type': 'application/json' }, JSON.stringify(document));
    return { exchanges: [e], exchange: e, document, url, expectedIssuer };
  };

  it.each([
    [200, 'pass'],
    [404, 'fail'],
    // A transport failure says nothing about the document: could not run.
    [undefined, 'blocked'],
  ])('reachable: status %s: %s', (status, expected) => {
    const e = exchange(openidUrl, status);
    const verdict = judge(discovery.reachable, { exchanges: [e], exchange: e, url: openidUrl });
    expect(verdict.status).toBe(expected);
    if (verdict.status === 'fail') {
      expect(verdict).toMatchObject({
        message: 'a successful metadata response MUST use 200 OK',
        actual: `GET ${openidUrl} → ${status ?? 'connection refused'}`,
      });
    }
  });

  it('reachable rests on RFC 8414 and OIDC Discovery both', () => {
    expect(discovery.reachable.spec.map((s) => s.ref)).toEqual(['RFC 8414 §3.2', 'OIDC Discovery §4.2']);
  });

  it.each([
    ['an RFC 8414 oauth-authorization-server URL, which does not need jwks_uri', oauthUrl, withoutJwksUri, 'pass'],
    ['an OpenID openid-configuration URL, which needs jwks_uri', openidUrl, withoutJwksUri, 'fail'],
    ['an OpenID openid-configuration URL with jwks_uri', openidUrl, { ...withoutJwksUri, jwks_uri: `${issuer}/jwks` }, 'pass'],
    ['an oauth-authorization-server URL without response_types_supported', oauthUrl, { issuer }, 'fail'],
  ])('schema: metadata at %s', (_, url, document, status) => {
    const verdict = judge(discovery.schema, metadata(url, document));
    expect(verdict.status).toBe(status);
    if (verdict.status === 'fail') {
      const missing = url === openidUrl ? 'jwks_uri' : 'response_types_supported';
      expect(verdict.actual).toContain(`lacks required member "${missing}"`);
      // Which sections apply depends on the document, so expected names them.
      expect(verdict.expected).toBe(`metadata valid against ${url === openidUrl ? 'OIDC Discovery §3 and RFC 8414 §2' : 'RFC 8414 §2'}`);
    }
  });

  it.each([
    ['identical', issuer, issuer, 'pass'],
    ['with a trailing slash the configuration lacks', `${issuer}/`, issuer, 'fail'],
    ['without the trailing slash the configuration has', issuer, `${issuer}/`, 'fail'],
    ['differing in case', 'https://ID.example.com', issuer, 'fail'],
  ])('issuer-match: stated issuer %s', (_, stated, configured, status) => {
    const verdict = judge(discovery.issuerMatch, metadata(openidUrl, { ...withoutJwksUri, issuer: stated }, configured));
    expect(verdict).toMatchObject(
      status === 'pass'
        ? { status }
        : {
            status,
            message: 'the issuer in the metadata MUST be identical to the issuer the client was configured with, character for character',
            expected: JSON.stringify(configured),
            actual: JSON.stringify(stated),
          },
    );
  });

  it('issuer-match cites OIDC Discovery first, and RFC 8414 too', () => {
    expect(discovery.issuerMatch.spec.map((s) => s.ref)).toEqual(['OIDC Discovery §4.3', 'RFC 8414 §3.3']);
  });

  it('issuer-match: fails metadata that states no issuer at all', () => {
    const { issuer: _, ...document } = withoutJwksUri;
    expect(judge(discovery.issuerMatch, metadata(openidUrl, document)).status).toBe('fail');
  });
});

describe('jwks', () => {
  const rsa = {
    kty: 'RSA',
    kid: 'rsa-1',
    use: 'sig',
    n: 'sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw',
    e: 'AQAB',
  };
  const evidence = (document: unknown) => {
    const e = exchange('https://id.example.com/jwks', 200, { 'content-type': 'application/json' }, JSON.stringify(document));
    return { exchanges: [e], exchange: e, document };
  };

  it.each([
    ['public keys only', { keys: [rsa] }, 'pass', undefined],
    ['a symmetric key (k)', { keys: [rsa, { kty: 'oct', kid: 'hmac-1', k: 'GawgguFyGrWKav7AX4VKUg' }] }, 'fail', 'keys[1] (kid hmac-1): k'],
    ['an RSA private key', { keys: [{ ...rsa, d: 'private', p: 'p', q: 'q' }] }, 'fail', 'keys[0] (kid rsa-1): d, p, q'],
    ['a private key without kid', { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'private' }] }, 'fail', 'keys[0]: d'],
  ])('no-private-members: %s', (_, document, status, actual) => {
    expect(judge(jwks.noPrivateMembers, evidence(document))).toMatchObject(actual ? { status, actual } : { status });
  });

  it.each([
    ['a JWK Set', { keys: [rsa] }, 'pass', undefined],
    ['a key without kty', { keys: [{ kid: 'no-kty', n: 'n', e: 'AQAB' }] }, 'fail', /keys\/0 lacks required member "kty"/],
    ['a bare key instead of a set', rsa, 'fail', /lacks required member "keys"/],
  ])('schema: %s', (_, document, status, actual) => {
    const verdict = judge(jwks.schema, evidence(document));
    expect(verdict.status).toBe(status);
    if (verdict.status === 'fail') expect(verdict.actual).toMatch(actual!);
  });
});

/** A token request's result as the flows return it: a token on a 200 with one, else the error answer. */
function tokenResult(
  status: number | undefined,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = { 'content-type': 'application/json' },
): TokenResult {
  const e = exchange(tokenUrl, status, headers, JSON.stringify(body));
  const accessToken = typeof body.access_token === 'string' ? body.access_token : undefined;
  return { grant: 'user', exchanges: [e], token: { exchange: e }, ...(accessToken && { accessToken, issued: body }) };
}

describe('a refusal proves its rule only when it refuses the request itself', () => {
  it.each([
    [400, { error: 'invalid_grant' }, 'pass'],
    [401, { error: 'invalid_client' }, 'blocked'],
    [503, { error: 'temporarily_unavailable' }, 'blocked'],
    [429, {}, 'blocked'],
    [500, {}, 'blocked'],
    [undefined, {}, 'blocked'],
    [200, { access_token: 'at', token_type: 'Bearer' }, 'fail'],
  ])('pkce.verifier-mismatch answered %s %j: %s', (status, body, expected) => {
    const verdict = judge(pkce.verifierMismatch, { exchanges: [], result: tokenResult(status, body) });
    expect(verdict.status).toBe(expected);
  });

  it('authorization-code.single-use could not run when the first redemption got no token', () => {
    const verdict = judge(authorizationCode.singleUse, {
      exchanges: [],
      first: tokenResult(401, { error: 'invalid_client' }),
      second: tokenResult(401, { error: 'invalid_client' }),
    });
    expect(verdict).toMatchObject({ status: 'blocked', message: expect.stringContaining('first redemption') });
  });

  it('authorization-code.parallel-redemption could not run when no redemption got a token', () => {
    const verdict = judge(authorizationCode.parallelRedemption, {
      exchanges: [],
      results: [tokenResult(400, { error: 'invalid_grant' }), tokenResult(400, { error: 'invalid_grant' })],
    });
    expect(verdict.status).toBe('blocked');
  });
});

describe('error-response error codes', () => {
  const answer = (status: number, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const e = exchange(tokenUrl, status, headers, body);
    let error: unknown;
    try {
      error = (JSON.parse(body) as { error?: unknown }).error;
    } catch {
      error = undefined;
    }
    return { exchanges: [e], exchange: e, error };
  };

  it('a non-JSON error fails the specific check: the rule is broken', () => {
    const verdict = judge(errorResponse.unsupportedGrantType, answer(400, '<html>Bad Request</html>', { 'content-type': 'text/html' }));
    expect(verdict).toMatchObject({ status: 'fail', actual: expect.stringContaining('not JSON') });
    expect(judge(errorResponse.invalidClientPost, answer(401, 'Unauthorized', { 'content-type': 'text/plain' })).status).toBe('fail');
  });

  it('invalid_client where a grant error is tested could not run', () => {
    expect(judge(errorResponse.unsupportedGrantType, answer(401, '{"error":"invalid_client"}')).status).toBe('blocked');
    expect(judge(errorResponse.missingParameter, answer(401, '{"error":"invalid_client"}')).status).toBe('blocked');
  });

  it('the right code passes, another registered one fails', () => {
    expect(judge(errorResponse.unsupportedGrantType, answer(400, '{"error":"unsupported_grant_type"}')).status).toBe('pass');
    expect(judge(errorResponse.unsupportedGrantType, answer(400, '{"error":"invalid_request"}')).status).toBe('fail');
  });
});

describe('refresh.wider-scope-refused (RFC 6749 §3.3, §6)', () => {
  const evidence = (refreshed: TokenResult, granted: string[]) => ({
    exchanges: [],
    requested: 'openid offline_access conformance:wider',
    refreshed,
    original: ['openid', 'offline_access'],
    granted,
  });

  it('passes when the server refuses the wider scope', () => {
    expect(judge(refresh.widerScopeRefused, evidence(tokenResult(400, { error: 'invalid_scope' }), [])).status).toBe('pass');
  });

  it('passes when the server ignores the scope it will not grant', () => {
    const refreshed = tokenResult(200, { access_token: 'at', token_type: 'Bearer', scope: 'openid offline_access' });
    expect(judge(refresh.widerScopeRefused, evidence(refreshed, ['openid', 'offline_access'])).status).toBe('pass');
  });

  it('fails only when the grant is wider, naming the extra scope', () => {
    const refreshed = tokenResult(200, { access_token: 'at', token_type: 'Bearer', scope: 'openid offline_access conformance:wider' });
    expect(judge(refresh.widerScopeRefused, evidence(refreshed, ['openid', 'offline_access', 'conformance:wider']))).toMatchObject({
      status: 'fail',
      actual: expect.stringContaining('conformance:wider'),
    });
  });

  it('could not run when the refresh was refused for its client', () => {
    expect(judge(refresh.widerScopeRefused, evidence(tokenResult(401, { error: 'invalid_client' }), [])).status).toBe('blocked');
  });
});

describe('refresh.bound-to-client (RFC 6749 §6, §2.3)', () => {
  const presenters = [
    'client second, client_secret_basic',
    'client second, client_secret_post',
    "client web's id with a wrong secret, client_secret_basic",
    "client web's id with a wrong secret, client_secret_post",
  ];
  const evidence = (...answers: TokenResult[]) => ({ exchanges: [], probes: answers.map((refreshed, i) => ({ presenter: presenters[i]!, refreshed })) });
  const refused = (error: string, status = 400) => tokenResult(status, { error });
  const issued = () => tokenResult(200, { access_token: 'at', token_type: 'Bearer' });

  it('passes when every foreign presentation is refused, invalid_client included', () => {
    const verdict = judge(
      refresh.boundToClient,
      evidence(refused('invalid_grant'), refused('invalid_grant'), refused('invalid_client', 401), refused('invalid_request')),
    );
    expect(verdict).toMatchObject({ status: 'pass', message: expect.stringMatching(/client second, client_secret_post: .*→ 400 invalid_grant/) });
  });

  it('fails naming exactly the presentations that were accepted', () => {
    const verdict = judge(refresh.boundToClient, evidence(refused('invalid_grant'), issued(), refused('invalid_request'), issued()));
    expect(verdict.status).toBe('fail');
    if (verdict.status !== 'fail') return;
    expect(verdict.actual).toContain(presenters[1]);
    expect(verdict.actual).toContain(presenters[3]);
    expect(verdict.actual).not.toContain(presenters[0]);
    expect(verdict.actual).not.toContain(presenters[2]);
  });

  it('could not run when a presentation got no judgement (a 5xx, a 429, no answer), naming it', () => {
    for (const unjudged of [refused('server_error', 503), tokenResult(429), tokenResult(undefined)]) {
      expect(judge(refresh.boundToClient, evidence(refused('invalid_grant'), unjudged))).toMatchObject({
        status: 'blocked',
        message: expect.stringContaining(presenters[1]!),
      });
    }
  });

  it('an accepted presentation fails even when another could not be judged', () => {
    expect(judge(refresh.boundToClient, evidence(refused('server_error', 503), issued())).status).toBe('fail');
  });
});

describe('transport.tls', () => {
  it('could not run when no https endpoint answered; an unreachable one never fails the check', () => {
    const down = { url: 'https://id.example.com/', error: 'ECONNREFUSED', unreachable: true };
    expect(judge(transport.tls, { exchanges: [], handshakes: [down] }).status).toBe('blocked');
    expect(judge(transport.tls, { exchanges: [], handshakes: [down, { url: 'https://api.example.com/', protocol: 'TLSv1.3', authorized: true }] }).status).toBe(
      'pass',
    );
    expect(judge(transport.tls, { exchanges: [], handshakes: [{ url: 'https://api.example.com/', protocol: 'TLSv1', authorized: true }] }).status).toBe('fail');
  });
});

describe('discovery.registered-values (RFC 8414 §2, RFC 6749 §4.5, §8.4)', () => {
  const verdict = (document: Record<string, unknown>) => judge(discovery.registeredValues, { exchanges: [], document });
  it.each([
    [
      {
        response_types_supported: ['code', 'code id_token', 'id_token token', 'none'],
        grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      },
      'pass',
    ],
    [{ response_types_supported: ['code'] }, 'pass'],
    [{ response_types_supported: ['code_id_token'] }, 'fail'],
    [{ response_types_supported: ['code code'] }, 'fail'],
    [{ response_types_supported: ['code none'] }, 'fail'],
    [{ response_types_supported: ['code'], grant_types_supported: ['client-credentials'] }, 'fail'],
    [{ response_types_supported: ['code'], grant_types_supported: ['refresh'] }, 'fail'],
  ])('%j: %s', (document, status) => {
    expect(verdict(document).status).toBe(status);
  });
});

describe('every refusal of the run is judged against RFC 6749 §5.2', () => {
  const json = { 'content-type': 'application/json' };
  const refusal = (caseName: string, expected: string[], status: number, body: unknown, headers: Record<string, string> = json, ownCheck?: string) => ({
    case: caseName,
    exchange: exchange(tokenUrl, status, headers, typeof body === 'string' ? body : JSON.stringify(body)),
    expected,
    cite: 'RFC 6749 §5.2',
    ...(ownCheck && { ownCheck }),
  });
  const evidence = (...refusals: ReturnType<typeof refusal>[]) => ({ exchanges: refusals.map((r) => r.exchange), refusals });

  it.each([
    ['the code its case names', refusal('a code redeemed again', ['invalid_grant'], 400, { error: 'invalid_grant' }), 'pass'],
    ['one of the codes its case allows', refusal('no code_verifier', ['invalid_grant', 'invalid_request'], 400, { error: 'invalid_request' }), 'pass'],
    ['another registered code', refusal('a code redeemed again', ['invalid_grant'], 400, { error: 'invalid_request' }), 'fail'],
    ['an unknown scope refused as invalid_request', refusal('a scope no server defines', ['invalid_scope'], 400, { error: 'invalid_request' }), 'fail'],
    ['no JSON error at all', refusal('a wrong code_verifier', ['invalid_grant'], 400, '<html>denied</html>', { 'content-type': 'text/html' }), 'fail'],
    // The client was not authenticated, so its case was never judged.
    ['invalid_client', refusal('a rotated-out refresh token', ['invalid_grant'], 401, { error: 'invalid_client' }), 'blocked'],
    // Judged by its own check, with a stricter rule.
    [
      'a case with a check of its own',
      refusal('an unknown grant_type', ['unsupported_grant_type'], 400, { error: 'invalid_request' }, json, 'error-response.unsupported-grant-type'),
      'blocked',
    ],
  ])('error-response.code-for-case: %s → %s', (_, r, expected) => {
    expect(judge(errorResponse.codeForCase, evidence(r)).status).toBe(expected);
  });

  it('names every case that got the wrong code, with the code its rule names', () => {
    const verdict = judge(
      errorResponse.codeForCase,
      evidence(
        refusal('a code redeemed again', ['invalid_grant'], 400, { error: 'invalid_grant' }),
        refusal('a wrong code_verifier', ['invalid_grant'], 400, { error: 'invalid_request' }),
      ),
    );
    expect(verdict).toMatchObject({
      status: 'fail',
      expected: 'a wrong code_verifier: invalid_grant (RFC 6749 §5.2)',
      actual: 'a wrong code_verifier: 400 error "invalid_request"',
    });
  });

  it('error-response.status, .json and .registered-code read the grant refusals too, not only the dedicated probes', () => {
    const ok = refusal('a code redeemed again', ['invalid_grant'], 400, { error: 'invalid_grant' });
    expect(judge(errorResponse.status, evidence(ok, refusal('a revoked refresh token', ['invalid_grant'], 200, { error: 'invalid_grant' }))).status).toBe(
      'fail',
    );
    expect(
      judge(
        errorResponse.json,
        evidence(ok, refusal('a wrong code_verifier', ['invalid_grant'], 400, { error: 'invalid_grant' }, { 'content-type': 'text/plain' })),
      ).status,
    ).toBe('fail');
    expect(judge(errorResponse.registeredCode, evidence(ok, refusal('a wrong code_verifier', ['invalid_grant'], 400, { error: 'bad_verifier' }))).status).toBe(
      'fail',
    );
    for (const check of [errorResponse.status, errorResponse.json, errorResponse.registeredCode]) expect(judge(check, evidence(ok)).status).toBe('pass');
  });
});

describe('a document that could not be fetched says nothing about the document', () => {
  const checks = { 'discovery.reachable': discovery.reachable, 'discovery.smart-configuration': discovery.smartConfiguration };
  it.each([
    ['discovery.reachable', undefined, 'blocked'],
    ['discovery.reachable', 503, 'blocked'],
    ['discovery.reachable', 429, 'blocked'],
    ['discovery.reachable', 404, 'fail'],
    ['discovery.smart-configuration', undefined, 'blocked'],
    ['discovery.smart-configuration', 500, 'blocked'],
    ['discovery.smart-configuration', 404, 'fail'],
  ] as const)('%s answered %s → %s', (id, status, expected) => {
    const check = checks[id];
    const e = exchange('https://id.example.com/.well-known/x', status, { 'content-type': 'text/plain' }, 'Not here');
    expect(judge(check, { exchanges: [e], exchange: e }).status).toBe(expected);
  });
});
