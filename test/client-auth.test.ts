import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../sandbox/index.js';
import { catalogue } from '../src/checks/catalogue.js';
import * as clientAuth from '../src/checks/client-auth/checks.js';
import * as smart from '../src/checks/client-auth/smart.js';
import { unmetRequirement } from '../src/checks/requirements.js';
import { smartBackend, systemScopes } from '../src/checks/token-response/smart.js';
import type { LoadedSuite } from '../src/suite/loaded-suite.js';
import { authenticatedPost, clientAssertion, JWT_BEARER_ASSERTION, tokenRequest, type SuiteClient } from '../src/flows/client-auth.js';
import { renewed } from '../src/http/request.js';
import type { Exchange } from '../src/http/exchange.js';
import { resolveSuite } from '../src/suite/load.js';
import { parseSuite, readSuite } from '../src/suite/read.js';
import { problemsOf, root } from './helpers.js';

const TOKEN_ENDPOINT = 'https://id.example.com/token';

function answer(status: number | undefined, body: Record<string, unknown> = {}): Exchange {
  return {
    id: 1,
    label: 'token',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1,
    request: { method: 'POST', url: TOKEN_ENDPOINT, headers: {} },
    ...(status === undefined
      ? { error: 'connection refused' }
      : { response: { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } }),
  };
}

const TOKEN = { access_token: 'at', token_type: 'Bearer' };

describe('client-auth judges', () => {
  const refusals = catalogue.filter((c) => c.area === 'client-auth' && c.id.endsWith('-refused'));

  it.each([
    [200, TOKEN, 'fail'],
    [401, { error: 'invalid_client' }, 'pass'],
    [400, { error: 'invalid_client' }, 'pass'],
    // Refused with another code, where the same request with a valid assertion got a token: RFC 7521 §4.2 says invalid_client.
    [400, { error: 'invalid_request' }, 'fail'],
    [400, { error: 'unauthorized_client' }, 'fail'],
    [400, {}, 'blocked'],
    [500, {}, 'blocked'],
    [503, { error: 'temporarily_unavailable' }, 'blocked'],
    [undefined, {}, 'blocked'],
  ])('a defective assertion answered %s %j: %s', (status, body, expected) => {
    for (const check of refusals) {
      const exchange = answer(status, body);
      const verdict = check.judge({ exchanges: [exchange], exchange } as never);
      expect(verdict.status, check.id).toBe(expected);
      if (verdict.status === 'fail') expect(verdict.actual).toMatch(status === 200 ? /with a token/ : /invalid_request|unauthorized_client/);
    }
  });

  const refused = { error: 'invalid_client' };
  it.each([
    ['a token', answer(200, TOKEN), undefined, 'pass'],
    // Refused for the token endpoint URL as aud, accepted with the issuer: the server, not the key, is at fault.
    ['invalid_client, a token with the issuer as aud', answer(401, refused), answer(200, TOKEN), 'fail'],
    // Refused whatever the aud: the key or secret is not the registered one.
    ['invalid_client, with the issuer as aud too', answer(401, refused), answer(401, refused), 'blocked'],
    ['unauthorized_client', answer(400, { error: 'unauthorized_client' }), undefined, 'blocked'],
    ['a 502', answer(502), undefined, 'blocked'],
  ])('a valid assertion answered with %s: %s', (_, exchange, issuerAudience, expected) => {
    const verdict = clientAuth.accepted.judge({ exchanges: [exchange], exchange, issuerAudience, credential: 'the private key in KEY_FILE' } as never);
    expect(verdict.status).toBe(expected);
    if (issuerAudience && expected === 'blocked') expect(verdict.message).toMatch(/^the private key in KEY_FILE is refused: invalid_client/);
  });

  it('a replay is a SHOULD (RFC 7523 §3 leaves it to the server), the other refusals MUST', () => {
    expect(clientAuth.replayRefused.level).toBe('SHOULD');
    for (const check of refusals.filter((c) => c !== clientAuth.replayRefused)) expect(check.level, check.id).toBe('MUST');
  });

  it.each([
    [{ token_endpoint_auth_methods_supported: ['private_key_jwt'] }, 'fail'],
    [{ token_endpoint_auth_methods_supported: ['client_secret_jwt'], token_endpoint_auth_signing_alg_values_supported: ['HS256', 'none'] }, 'fail'],
    [{ token_endpoint_auth_methods_supported: ['private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES384'] }, 'pass'],
    // RFC 8414 §2 asks for the list only when a JWT method is declared.
    [{}, 'pass'],
  ])('signing-algs-declared on %j: %s', (document, expected) => {
    expect(clientAuth.signingAlgsDeclared.judge({ exchanges: [], document } as never).status).toBe(expected);
  });
});

describe('client assertions (RFC 7523 §3, OIDC Core §9)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signed: SuiteClient = { id: 'client-1', auth: 'private_key_jwt', key: { key: privateKey, alg: 'ES256', kid: 'k1' } };
  const hmac: SuiteClient = { id: 'client-2', auth: 'client_secret_jwt', secret: 'a-long-enough-shared-secret-for-hs256' };

  it('names the client as iss and sub, the token endpoint as aud, with a fresh jti and a short life', async () => {
    const [a, b] = [await clientAssertion(signed, TOKEN_ENDPOINT), await clientAssertion(signed, TOKEN_ENDPOINT)];
    const { payload, protectedHeader } = await jwtVerify(a, publicKey, { issuer: 'client-1', subject: 'client-1', audience: TOKEN_ENDPOINT });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: 'k1' });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(60);
    expect(payload.jti).not.toBe(decodeJwt(b).jti);
  });

  it('signs client_secret_jwt with HS256 and the secret', async () => {
    const jwt = await clientAssertion(hmac, TOKEN_ENDPOINT);
    await expect(jwtVerify(jwt, new TextEncoder().encode(hmac.secret), { issuer: 'client-2', audience: TOKEN_ENDPOINT })).resolves.toBeDefined();
  });

  it('spoils an assertion as a probe asks: unsigned, a wrong signature, other claims', async () => {
    expect(decodeProtectedHeader(await clientAssertion(signed, TOKEN_ENDPOINT, { unsigned: true })).alg).toBe('none');
    await expect(compactVerify(await clientAssertion(signed, TOKEN_ENDPOINT, { corruptSignature: true }), publicKey)).rejects.toThrow();
    expect(decodeJwt(await clientAssertion(signed, TOKEN_ENDPOINT, { claims: { iss: 'other' } }))).toMatchObject({ iss: 'other', sub: 'client-1' });
  });

  it('sends the assertion with its type in the body, and lists it among the secrets to redact', async () => {
    const request = await tokenRequest(signed, { grant_type: 'client_credentials' }, TOKEN_ENDPOINT);
    const form = new URLSearchParams(request.body);
    expect(form.get('client_assertion_type')).toBe(JWT_BEARER_ASSERTION);
    expect(request.secrets).toEqual([form.get('client_assertion')]);
    expect(request.headers.authorization).toBeUndefined();
  });

  it('sent again, a request carries a new assertion (a jti is single use, RFC 7523 §3); a secret-authenticated one has nothing to renew', async () => {
    const base = { label: 'token', url: TOKEN_ENDPOINT, replayable: true };
    const first = await authenticatedPost(signed, { grant_type: 'client_credentials' }, TOKEN_ENDPOINT, base);
    const again = await renewed(first);
    const jti = (body?: string) => decodeJwt(new URLSearchParams(body).get('client_assertion')!).jti;
    expect(jti(again.body)).not.toBe(jti(first.body));
    expect(again).toMatchObject({ ...base, method: 'POST' });
    const basic = await authenticatedPost({ id: 'client-3', secret: 'a secret' }, { grant_type: 'client_credentials' }, TOKEN_ENDPOINT, base);
    expect(basic.renew).toBeUndefined();
  });
});

describe('private_key_jwt keys in a suite', () => {
  const folder = mkdtempSync(join(tmpdir(), 'client-auth-test-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const path = join(folder, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const rsaPem = String(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const suite = (client: string) => `vendor: acme
variables:
  KEY_FILE: {}
endpoints: { issuer: https://id.example.com, token_endpoint: https://id.example.com/token }
clients:
  backend: { id: c1, auth: private_key_jwt, key_file: '\${KEY_FILE}'${client} }
grants:
  system: { type: client_credentials, client: backend }
`;
  const load = (keyFile: string, client = '') => resolveSuite(parseSuite('acme.yaml', suite(client)), { KEY_FILE: keyFile });

  it('reads a PEM key and takes the algorithm from it: RSA signs RS256, P-384 ES384', () => {
    expect(load(file('rsa.pem', rsaPem)).clientKeys.backend).toMatchObject({ alg: 'RS256' });
    expect(load(file('p384.pem', String(p384.privateKey.export({ type: 'sec1', format: 'pem' })))).clientKeys.backend).toMatchObject({ alg: 'ES384' });
    expect(load(file('rsa2.pem', rsaPem), ', alg: RS384, kid: k9').clientKeys.backend).toMatchObject({ alg: 'RS384', kid: 'k9' });
  });

  it('reads a JWK with its private members, kid and alg included', () => {
    const jwk = { ...p384.privateKey.export({ format: 'jwk' }), kid: 'from-jwk' };
    expect(load(file('key.jwk', JSON.stringify(jwk))).clientKeys.backend).toMatchObject({ alg: 'ES384', kid: 'from-jwk' });
  });

  it.each([
    ['a missing file', () => join(folder, 'absent.pem'), /cannot read the private key file .*absent\.pem \(ENOENT\)/, 'key_file'],
    ['a public key', () => file('public.jwk', JSON.stringify(rsa.publicKey.export({ format: 'jwk' }))), /no private member "d"/, 'key_file'],
    ['a JWK that is not JSON', () => file('broken.jwk', '{"kty":"EC","d":"c2VjcmV0LWtleS1tYXRlcmlhbA"'), /not valid JSON/, 'key_file'],
    [
      'text that is no key',
      () => file('garbage.pem', '-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n'),
      /holds no private key/,
      'key_file',
    ],
  ])('stops on %s, naming the file, the place and the fix', (_, path, message, member) => {
    const [problem] = problemsOf(() => load(path()));
    expect(problem).toMatchObject({
      file: 'acme.yaml',
      path: `clients.backend.${member}`,
      message: expect.stringMatching(message),
      fix: expect.stringMatching(/\S/),
    });
    expect(problem!.line).toBeGreaterThan(0);
    expect(JSON.stringify(problem)).not.toContain('c2VjcmV0LWtleS1tYXRlcmlhbA');
  });

  it('stops on an algorithm the key cannot sign with, and never quotes the key', () => {
    const path = file('mismatch.pem', rsaPem);
    const [problem] = problemsOf(() => load(path, ', alg: ES256'));
    expect(problem).toMatchObject({ path: 'clients.backend.alg', message: expect.stringMatching(/ES256 needs an EC P-256 key, but .* holds a rsa key/) });
    expect(JSON.stringify(problem)).not.toContain(rsaPem.split('\n')[1]);
  });

  it('stops on a secret method without a secret, and on tls_client_auth without a certificate', () => {
    const text = (auth: string) => suite('').replace("auth: private_key_jwt, key_file: '${KEY_FILE}'", `auth: ${auth}, secret: ''`);
    expect(problemsOf(() => resolveSuite(parseSuite('acme.yaml', text('client_secret_jwt')), { KEY_FILE: 'x' }))[0]).toMatchObject({
      path: 'clients.backend.secret',
      message: expect.stringMatching(/client_secret_jwt but has no secret/),
    });
    expect(problemsOf(() => resolveSuite(parseSuite('acme.yaml', text('tls_client_auth')), { KEY_FILE: 'x' }))[0]).toMatchObject({
      path: 'clients.backend.certificate',
      message: expect.stringMatching(/tls_client_auth authenticates the client by its certificate/),
    });
  });
});

describe("the sandbox's private_key_jwt client", () => {
  it('hands its key out in a file only its owner can read, deleted when the sandbox closes', async () => {
    const sandbox = await startSandbox();
    const path = sandbox.variables.SANDBOX_CLIENT_KEY_FILE!;
    try {
      expect(statSync(path).mode & 0o777).toBe(0o600);
    } finally {
      await sandbox.close();
    }
    expect(existsSync(path)).toBe(false);
  });
});

describe('generic-oidc: the method from OIDC_CLIENT_AUTH, the key from OIDC_CLIENT_KEY_FILE', async () => {
  const source = await readSuite(join(root, 'suites', 'generic-oidc.yaml'));
  const load = (more: Record<string, string>) => resolveSuite(source, { OIDC_ISSUER: 'https://id.example.com/', OIDC_CLIENT_ID: 'client-id', ...more });

  it('authenticates by client_secret_basic when unset', () => {
    expect(load({ OIDC_CLIENT_SECRET: 's' }).clients?.backend?.auth).toBe('client_secret_basic');
  });

  it('checks the method once resolved, naming the variable it came from', () => {
    const [problem] = problemsOf(() => load({ OIDC_CLIENT_AUTH: 'private_key_jwtt' }));
    expect(problem).toMatchObject({ path: 'clients.backend.auth', message: expect.stringContaining('the value comes from OIDC_CLIENT_AUTH') });
  });

  it('asks for OIDC_CLIENT_KEY_FILE with private_key_jwt, and for OIDC_CLIENT_SECRET with a secret method', () => {
    expect(problemsOf(() => load({ OIDC_CLIENT_AUTH: 'private_key_jwt' }))[0]?.fix).toMatch(/^set OIDC_CLIENT_KEY_FILE /);
    expect(problemsOf(() => load({ OIDC_CLIENT_AUTH: 'client_secret_jwt' }))[0]?.fix).toMatch(/^set OIDC_CLIENT_SECRET/);
  });
});

// ---- SMART Backend Services (client-auth.smart-*, token-response.smart-backend) ----

const judge = (check: { judge(e: never): { status: string } }, exchange: Exchange) => check.judge({ exchanges: [exchange], exchange } as never).status;
const SMART_TOKEN = { access_token: 'at', token_type: 'bearer', expires_in: 300, scope: 'system/Patient.rs' };

describe('SMART Backend Services judges', () => {
  it.each([
    [{ token_endpoint_auth_methods_supported: ['private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['RS384'] }, 'pass'],
    [
      { token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['ES384'] },
      'pass',
    ],
    [{ token_endpoint_auth_methods_supported: ['client_secret_basic'], token_endpoint_auth_signing_alg_values_supported: ['RS384'] }, 'fail'],
    [{ token_endpoint_auth_methods_supported: ['private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256'] }, 'fail'],
    [{ token_endpoint_auth_methods_supported: ['private_key_jwt'] }, 'fail'],
    [{}, 'fail'],
  ])('metadata %j: %s', (document, expected) => {
    expect(smart.smartMetadata.judge({ exchanges: [], document, source: 'the SMART configuration' } as never).status).toBe(expected);
  });

  it.each([
    [400, { error: 'unsupported_grant_type' }, 'pass'],
    [400, { error: 'invalid_request' }, 'pass'],
    [401, { error: 'unsupported_grant_type' }, 'fail'],
    [200, SMART_TOKEN, 'fail'],
    // The client refused though its control got a token, a server error, no answer: nothing proven.
    [401, { error: 'invalid_client' }, 'blocked'],
    [500, {}, 'blocked'],
    [undefined, {}, 'blocked'],
  ])('an invalid grant_type answered %s %j: %s', (status, body, expected) => {
    expect(judge(smart.smartInvalidGrantType, answer(status, body))).toBe(expected);
  });

  it.each([
    [400, { error: 'invalid_client' }, 'pass'],
    [401, { error: 'invalid_client' }, 'pass'],
    [400, { error: 'invalid_request' }, 'pass'],
    [403, { error: 'invalid_client' }, 'fail'],
    [400, { error: 'unauthorized_client' }, 'fail'],
    [200, SMART_TOKEN, 'fail'],
    [503, { error: 'temporarily_unavailable' }, 'blocked'],
  ])('an invalid client_assertion_type answered %s %j: %s', (status, body, expected) => {
    expect(judge(smart.smartInvalidAssertionType, answer(status, body))).toBe(expected);
  });

  it.each([
    [400, { error: 'invalid_client' }, 'pass'],
    [401, { error: 'invalid_client' }, 'pass'],
    [403, { error: 'invalid_client' }, 'fail'],
    [400, { error: 'invalid_request' }, 'fail'],
    [200, SMART_TOKEN, 'fail'],
    [undefined, {}, 'blocked'],
    // No JSON error: no code to judge.
    [401, {}, 'blocked'],
  ])('an assertion that does not verify answered %s %j: %s', (status, body, expected) => {
    expect(judge(smart.smartInvalidJwt, answer(status, body))).toBe(expected);
  });

  it.each([
    [SMART_TOKEN, 'pass'],
    [{ ...SMART_TOKEN, token_type: 'Bearer', scope: 'system/Patient.read system/Observation.read' }, 'pass'],
    [{ ...SMART_TOKEN, scope: 'system/*.rs system/Observation.rs?category=laboratory' }, 'pass'],
    [{ ...SMART_TOKEN, scope: undefined }, 'fail'],
    [{ ...SMART_TOKEN, scope: 'patient/Patient.read' }, 'fail'],
    [{ ...SMART_TOKEN, expires_in: undefined }, 'fail'],
    [{ ...SMART_TOKEN, token_type: undefined }, 'fail'],
    // Its value is token-response.token-type's to judge, its type token-response.schema's.
    [{ ...SMART_TOKEN, token_type: 'DPoP', expires_in: '300' }, 'pass'],
  ])('token response %j: %s', (body, expected) => {
    expect(judge(smartBackend, answer(200, body))).toBe(expected);
  });

  it('reads system scopes in v1 and v2 syntax only', () => {
    expect(
      systemScopes('system/Patient.read system/Patient.rs system/*.* system/Observation.cruds openid patient/Patient.read system/Patient.x system/Patient.'),
    ).toEqual(['system/Patient.read', 'system/Patient.rs', 'system/*.*', 'system/Observation.cruds']);
  });

  it('applies to grants declared smart_backend, and the metadata check to suites with one', () => {
    const suite = {
      grants: {
        plain: { type: 'client_credentials', client: 'key' },
        smart: { type: 'client_credentials', client: 'key', smart_backend: true },
      },
      clients: { key: { id: 'k', auth: 'private_key_jwt', key_file: 'k.pem' } },
      expect: {},
      disabled: {},
    } as unknown as LoadedSuite;
    const options = { long: false };
    expect(unmetRequirement(smart.smartInvalidGrantType, suite, 'smart', options)).toBeUndefined();
    expect(unmetRequirement(smart.smartInvalidGrantType, suite, 'plain', options)).toMatch(/smart_backend/);
    expect(unmetRequirement(smart.smartMetadata, suite, '', options)).toBeUndefined();
    const without = { ...suite, grants: { plain: suite.grants!.plain } } as LoadedSuite;
    expect(unmetRequirement(smart.smartMetadata, without, '', options)).toMatch(/smart_backend/);
  });
});
