import { readFile } from 'node:fs/promises';
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bwell } from '../sandbox/emulators/bwell.js';
import type { Emulator } from '../sandbox/emulators/types.js';

/** The b.well emulator over HTTP, against b.well's documentation; then each fault profile's fault. */

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** Everything a test needs from a started emulator: its variables and the discovered token endpoint. */
interface Tenant {
  emulator: Emulator;
  fhir: string;
  issuer: string;
  tokenEndpoint: string;
  id: string;
  secret: string;
}

async function start(profile: string): Promise<Tenant> {
  const emulator = await bwell.start(profile);
  const v = emulator.variables;
  const metadata = await call(`${v.BWELL_COGNITO_ISSUER}/.well-known/openid-configuration`);
  return {
    emulator,
    fhir: v.BWELL_FHIR_URL!,
    issuer: v.BWELL_COGNITO_ISSUER!,
    tokenEndpoint: String(metadata.body.token_endpoint),
    id: v.BWELL_CLIENT_ID!,
    secret: v.BWELL_CLIENT_SECRET!,
  };
}

function tokenRequest(t: Tenant, body: string, headers: Record<string, string> = {}, target = t.tokenEndpoint): Promise<Answer> {
  return call(target, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
}

const SCOPE = 'system/*.read system/*.write';
const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const viaBasic = (t: Tenant, scope = SCOPE) => tokenRequest(t, form({ grant_type: 'client_credentials', scope }), { authorization: basic(t.id, t.secret) });
const viaPost = (t: Tenant, scope = SCOPE) => tokenRequest(t, form({ grant_type: 'client_credentials', client_id: t.id, client_secret: t.secret, scope }));

async function accessToken(t: Tenant, scope = SCOPE): Promise<string> {
  const answer = await viaBasic(t, scope);
  expect(answer.status).toBe(200);
  return String(answer.body.access_token);
}

const patients = (t: Tenant, init: RequestInit = {}, query = '') => call(`${t.fhir}/4_0_0/Patient${query}`, init);
const bearer = (token: string, scheme = 'Bearer') => ({ headers: { authorization: `${scheme} ${token}` } });

describe('b.well emulator, documented profile', () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await start('bwell');
  });
  afterAll(() => t.emulator.close());

  it('gives every variable the suite declares', async () => {
    const suite = parse(await readFile(new URL('../suites/bwell.yaml', import.meta.url), 'utf8')) as { variables: Record<string, unknown> };
    expect(Object.keys(t.emulator.variables).sort()).toEqual(Object.keys(suite.variables).sort());
  });

  it('serves the Cognito metadata on the pool host, the token endpoint on the domain host', async () => {
    const { status, body } = await call(`${t.issuer}/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(new URL(t.issuer).pathname).toBe('/us-east-1_e4iVm1J4X');
    expect(body.issuer).toBe(t.issuer);
    expect(body.jwks_uri).toBe(`${t.issuer}/.well-known/jwks.json`);
    expect(body.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);
    expect(body).not.toHaveProperty('grant_types_supported');
    const token = new URL(t.tokenEndpoint);
    expect(token.pathname).toBe('/oauth2/token');
    expect(new Set([token.origin, new URL(t.issuer).origin, new URL(t.fhir).origin]).size).toBe(3);
  });

  it("proxies the Cognito metadata unchanged at the FHIR server's smart-configuration", async () => {
    const [smart, cognito] = await Promise.all([call(`${t.fhir}/.well-known/smart-configuration`), call(`${t.issuer}/.well-known/openid-configuration`)]);
    expect(smart.status).toBe(200);
    expect(smart.body).toEqual(cognito.body);
  });

  it('publishes RS256 public keys only', async () => {
    const { status, body } = await call(`${t.issuer}/.well-known/jwks.json`);
    expect(status).toBe(200);
    const [key] = body.keys as Array<Record<string, unknown>>;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(key).not.toHaveProperty('d');
  });

  it.each([
    ['Basic', viaBasic],
    ['the body', viaPost],
  ])('issues a 3600 s JWT for client_credentials with the secret in %s, and no refresh token', async (_, request) => {
    const { status, headers, body } = await request(t);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const claims = decodeJwt(String(body.access_token));
    expect(claims).toMatchObject({ token_use: 'access', scope: SCOPE, client_id: t.id, iss: t.issuer, version: 2 });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(typeof claims.jti).toBe('string');
    expect(claims).not.toHaveProperty('aud');
    expect(decodeProtectedHeader(String(body.access_token)).typ).not.toBe('at+jwt');
  });

  it('grants every scope of the app client when none is asked for', async () => {
    const { body } = await tokenRequest(t, 'grant_type=client_credentials', { authorization: basic(t.id, t.secret) });
    expect(decodeJwt(String(body.access_token)).scope).toBe(SCOPE);
  });

  const errors: Array<[string, (t: Tenant) => Promise<Answer>, string]> = [
    ['a wrong secret with Basic', (t) => tokenRequest(t, 'grant_type=client_credentials', { authorization: basic(t.id, 'wrong') }), 'invalid_client'],
    [
      'a wrong secret in the body',
      (t) => tokenRequest(t, form({ grant_type: 'client_credentials', client_id: t.id, client_secret: 'wrong' })),
      'invalid_client',
    ],
    ['no client authentication', (t) => tokenRequest(t, 'grant_type=client_credentials'), 'invalid_client'],
    [
      'credentials in the query',
      (t) => tokenRequest(t, 'grant_type=client_credentials', {}, `${t.tokenEndpoint}?${form({ client_id: t.id, client_secret: t.secret })}`),
      'invalid_client',
    ],
    [
      'an unknown grant_type',
      (t) => tokenRequest(t, 'grant_type=urn:oauth-conformance:unknown-grant', { authorization: basic(t.id, t.secret) }),
      'unsupported_grant_type',
    ],
    ['no grant_type', (t) => tokenRequest(t, form({ scope: SCOPE }), { authorization: basic(t.id, t.secret) }), 'invalid_request'],
    [
      'grant_type twice',
      (t) => tokenRequest(t, 'grant_type=client_credentials&grant_type=client_credentials', { authorization: basic(t.id, t.secret) }),
      'invalid_request',
    ],
    ['a scope the client lacks', (t) => viaBasic(t, 'system/*.read user/*.read'), 'invalid_scope'],
    [
      'a JSON body',
      (t) =>
        call(t.tokenEndpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basic(t.id, t.secret) },
          body: JSON.stringify({ grant_type: 'client_credentials' }),
        }),
      'invalid_request',
    ],
    ['a GET', (t) => call(`${t.tokenEndpoint}?grant_type=client_credentials`, { headers: { authorization: basic(t.id, t.secret) } }), 'invalid_request'],
  ];

  it.each(errors)('answers %s with 400 {"error": "%s"} only, and no challenge', async (_, request, error) => {
    const answer = await request(t);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error });
    expect(answer.headers.get('www-authenticate')).toBeNull();
  });

  it('revokes no access token at /oauth2/revoke, which takes refresh tokens only', async () => {
    const revocation = String((await call(`${t.issuer}/.well-known/openid-configuration`)).body.revocation_endpoint);
    const revoke = (token: string, authorization = basic(t.id, t.secret)) => tokenRequest(t, form({ token }), { authorization }, revocation);
    const token = await accessToken(t);
    expect(await revoke(token)).toMatchObject({ status: 400, body: { error: 'unsupported_token_type' } });
    expect((await patients(t, bearer(token))).status).toBe(200);
    expect(await revoke(token, basic(t.id, 'wrong'))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await revoke('not-a-token')).toMatchObject({ status: 200, body: {} });
  });

  const fhir: Array<[string, (t: Tenant) => Promise<Answer>, number, string]> = [
    ['a Bearer token', async (t) => patients(t, bearer(await accessToken(t))), 200, 'Bundle'],
    ['a lower-case bearer scheme', async (t) => patients(t, bearer(await accessToken(t), 'bearer')), 200, 'Bundle'],
    ['the token in ?token=', async (t) => patients(t, {}, `?token=${await accessToken(t)}`), 200, 'Bundle'],
    ['the token in ?access_token=', async (t) => patients(t, {}, `?access_token=${await accessToken(t)}`), 401, 'OperationOutcome'],
    ['no token', (t) => patients(t), 401, 'OperationOutcome'],
    ['a token it never issued', (t) => patients(t, bearer('conformance-invalid-token')), 401, 'OperationOutcome'],
    ['a token without read scope', async (t) => patients(t, bearer(await accessToken(t, 'system/*.write'))), 403, 'OperationOutcome'],
    [
      'a create with write scope',
      async (t) =>
        patients(t, {
          method: 'POST',
          headers: { authorization: `Bearer ${await accessToken(t, 'system/*.write')}`, 'content-type': 'application/fhir+json' },
          body: JSON.stringify({ resourceType: 'Patient' }),
        }),
      201,
      'Patient',
    ],
    ['an unknown resource type', async (t) => call(`${t.fhir}/4_0_0/Nothing`, bearer(await accessToken(t))), 404, 'OperationOutcome'],
  ];

  it.each(fhir)('FHIR server answers %s with %i %s and no WWW-Authenticate', async (_, request, status, resourceType) => {
    const answer = await request(t);
    expect(answer.status).toBe(status);
    expect(answer.body.resourceType).toBe(resourceType);
    expect(answer.headers.get('www-authenticate')).toBeNull();
  });

  it('says why it refuses a token: security for 401, forbidden for 403', async () => {
    const [unauthorized, forbidden] = await Promise.all([patients(t), patients(t, bearer(await accessToken(t, 'system/*.write')))]);
    expect(unauthorized.body.issue).toEqual([{ severity: 'error', code: 'security', diagnostics: 'Authentication failed' }]);
    expect((forbidden.body.issue as Array<{ code: string }>)[0]?.code).toBe('forbidden');
  });
});

describe('b.well emulator profiles', () => {
  it('lists the documented behaviour first, then variants that each break something', () => {
    const [documented, ...variants] = bwell.profiles;
    expect(documented).toMatchObject({ name: 'bwell', breaks: [] });
    expect(variants.length).toBeGreaterThanOrEqual(3);
    for (const p of variants) {
      expect(p.name).toMatch(/^bwell-/);
      expect(p.breaks).toHaveLength(1);
    }
  });

  const claimsOf = async (t: Tenant) => decodeJwt(String((await viaBasic(t)).body.access_token));
  const faults: Array<[string, (t: Tenant) => Promise<void>]> = [
    ['bwell-refresh-token', async (t) => expect(typeof (await viaPost(t)).body.refresh_token).toBe('string')],
    ['bwell-no-token-use', async (t) => expect(await claimsOf(t)).not.toHaveProperty('token_use')],
    [
      'bwell-expires-7200',
      async (t) => {
        const { body } = await viaBasic(t);
        const claims: JWTPayload = decodeJwt(String(body.access_token));
        expect(body.expires_in).toBe(7200);
        expect(claims.exp! - claims.iat!).toBe(7200);
      },
    ],
    ['bwell-query-access-token', async (t) => expect((await patients(t, {}, `?access_token=${await accessToken(t)}`)).status).toBe(200)],
  ];

  it('covers every variant', () => {
    expect(faults.map(([name]) => name)).toEqual(bwell.profiles.slice(1).map((p) => p.name));
  });

  it.each(faults)('%s shows its fault over HTTP', async (profile, shows) => {
    const t = await start(profile);
    try {
      await shows(t);
    } finally {
      await t.emulator.close();
    }
  });
});
