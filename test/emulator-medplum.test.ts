import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { medplum } from '../sandbox/emulators/medplum.js';
import type { Emulator } from '../sandbox/emulators/types.js';
import { clientAssertion, JWT_BEARER_ASSERTION, type AssertionEdit, type SuiteClient } from '../src/flows/client-auth.js';

/** The Medplum emulator over HTTP, against Medplum's documentation and a running server; then each profile's fault. */

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // A text or HTML answer: read `text`.
  }
  return { status: response.status, headers: response.headers, text, body };
}

interface Tenant {
  emulator: Emulator;
  /** MEDPLUM_BASE_URL, trailing slash included. */
  base: string;
  v: Record<string, string>;
}

async function start(profile: string): Promise<Tenant> {
  const emulator = await medplum.start(profile);
  return { emulator, base: emulator.variables.MEDPLUM_BASE_URL!, v: emulator.variables };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const appAuth = (t: Tenant) => ({ authorization: basic(t.v.MEDPLUM_CLIENT_ID!, t.v.MEDPLUM_CLIENT_SECRET!) });
const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

function token(t: Tenant, body: string, headers: Record<string, string> = {}, query = ''): Promise<Answer> {
  return call(`${t.base}oauth2/token${query}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
}

const clientCredentials = (t: Tenant) => token(t, 'grant_type=client_credentials&scope=openid', appAuth(t));

function login(t: Tenant, fields: Record<string, string> = {}): Promise<Answer> {
  const body = { email: t.v.MEDPLUM_EMAIL, password: t.v.MEDPLUM_PASSWORD, clientId: t.v.MEDPLUM_CLIENT_ID, scope: 'openid offline_access', ...fields };
  return call(`${t.base}auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** A code from /auth/login with an S256 challenge (or none), and its verifier. */
async function signIn(t: Tenant, options: { scope?: string; pkce?: boolean; nonce?: string } = {}): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge: Record<string, string> =
    options.pkce === false ? {} : { codeChallenge: createHash('sha256').update(verifier).digest('base64url'), codeChallengeMethod: 'S256' };
  const answer = await login(t, { ...challenge, ...(options.scope && { scope: options.scope }), ...(options.nonce && { nonce: options.nonce }) });
  expect(answer.status).toBe(200);
  return { code: String(answer.body.code), verifier };
}

const redeem = (t: Tenant, code: string, verifier?: string) =>
  token(t, form({ grant_type: 'authorization_code', code, ...(verifier && { code_verifier: verifier }) }), appAuth(t));

async function userTokens(t: Tenant, scope?: string): Promise<Record<string, unknown>> {
  const { code, verifier } = await signIn(t, { scope });
  const answer = await redeem(t, code, verifier);
  expect(answer.status).toBe(200);
  return answer.body;
}

const refresh = (t: Tenant, refreshToken: unknown, headers: Record<string, string> = appAuth(t), extra: Record<string, string> = {}) =>
  token(t, form({ grant_type: 'refresh_token', refresh_token: String(refreshToken), ...extra }), headers);
/** A refresh, then the refresh token it rotated out presented again. */
async function refreshReplay(t: Tenant): Promise<{ rotated: Answer; replay: Answer }> {
  const original = await userTokens(t);
  const rotated = await refresh(t, original.refresh_token);
  expect(rotated.status).toBe(200);
  expect(rotated.body.refresh_token).not.toBe(original.refresh_token);
  return { rotated, replay: await refresh(t, original.refresh_token) };
}

const patients = (t: Tenant, authorization?: string, query = '') =>
  call(`${t.base}fhir/R4/Patient${query}`, { headers: authorization ? { authorization } : {} });
const metadata = async (t: Tenant) => (await call(`${t.base}.well-known/openid-configuration`)).body;

describe('Medplum emulator, as verified on 5.1.29', () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await start('medplum');
  });
  afterAll(() => t.emulator.close());

  it('gives every variable the suite declares', async () => {
    const suite = parse(await readFile(new URL('../suites/medplum.yaml', import.meta.url), 'utf8')) as { variables: Record<string, unknown> };
    expect(Object.keys(t.v).sort()).toEqual(Object.keys(suite.variables).sort());
    expect(t.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it.each(['openid-configuration', 'oauth-authorization-server'])(
    'serves .well-known/%s: issuer with its slash, PKCE methods, no revocation endpoint',
    async (name) => {
      const { status, body } = await call(`${t.base}.well-known/${name}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        issuer: t.base,
        authorization_endpoint: `${t.base}oauth2/authorize`,
        token_endpoint: `${t.base}oauth2/token`,
        userinfo_endpoint: `${t.base}oauth2/userinfo`,
        jwks_uri: `${t.base}.well-known/jwks.json`,
        introspection_endpoint: `${t.base}oauth2/introspect`,
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
        code_challenge_methods_supported: ['S256', 'plain'],
        id_token_signing_alg_values_supported: ['ES256', 'ES384', 'HS256', 'RS256'],
      });
      expect(body).not.toHaveProperty('revocation_endpoint');
    },
  );

  it.each(['.well-known/smart-configuration', 'fhir/R4/.well-known/smart-configuration'])('advertises S256 in the SMART configuration at %s', async (path) => {
    const { status, body } = await call(`${t.base}${path}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ issuer: t.base, token_endpoint: `${t.base}oauth2/token`, code_challenge_methods_supported: ['S256'] });
    expect(body.capabilities).toContain('permission-offline');
  });

  it('publishes its one EC P-384 signing key (ES384), public members only', async () => {
    const { body } = await call(`${t.base}.well-known/jwks.json`);
    expect(body.keys).toHaveLength(1);
    const [key] = body.keys as Array<Record<string, unknown>>;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', use: 'sig' });
    expect(key).not.toHaveProperty('d');
  });

  it.each(['.well-known/openid-configuration', 'oauth2/token', 'fhir/R4/Patient', 'nowhere'])('sets no-store and Pragma on every answer (%s)', async (path) => {
    const { headers } = await call(`${t.base}${path}`);
    expect(headers.get('cache-control')).toBe('no-store, no-cache, must-revalidate');
    expect(headers.get('pragma')).toBe('no-cache');
  });

  it('issues JWTs signed with its key for client_credentials, lasting 3600 s, with no refresh token', async () => {
    const { status, body } = await clientCredentials(t);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid',
      project: { reference: expect.stringMatching(/^Project\//) },
      profile: { reference: `ClientApplication/${t.v.MEDPLUM_CLIENT_ID}` },
    });
    expect(typeof body.id_token).toBe('string');
    expect(body).not.toHaveProperty('refresh_token');
    const keys = createLocalJWKSet((await call(`${t.base}.well-known/jwks.json`)).body as unknown as JSONWebKeySet);
    const { payload, protectedHeader } = await jwtVerify(String(body.access_token), keys, { issuer: t.base, audience: t.base });
    expect(protectedHeader).toMatchObject({ alg: 'ES384', typ: 'JWT' });
    expect(payload).toMatchObject({
      client_id: t.v.MEDPLUM_CLIENT_ID,
      scope: 'openid',
      profile: `ClientApplication/${t.v.MEDPLUM_CLIENT_ID}`,
      jti: expect.any(String),
      nbf: payload.iat,
    });
    expect(typeof payload.login_id).toBe('string');
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  const refusals: Array<[string, (t: Tenant) => Promise<Answer>, string]> = [
    [
      'a wrong secret with Basic',
      (t) => token(t, 'grant_type=client_credentials', { authorization: basic(t.v.MEDPLUM_CLIENT_ID!, 'wrong') }),
      'Invalid secret',
    ],
    [
      'a wrong secret in the body',
      (t) => token(t, form({ grant_type: 'client_credentials', client_id: t.v.MEDPLUM_CLIENT_ID!, client_secret: 'wrong' })),
      'Invalid secret',
    ],
    ['an unknown grant_type', (t) => token(t, 'grant_type=urn:oauth-conformance:unknown-grant', appAuth(t)), 'Unsupported grant_type'],
    ['no grant_type', (t) => token(t, 'scope=openid', appAuth(t)), 'Missing grant_type'],
    ['grant_type twice', (t) => token(t, 'grant_type=client_credentials&grant_type=client_credentials', appAuth(t)), 'Unsupported grant_type'],
    [
      'credentials in the query',
      (t) => token(t, 'grant_type=client_credentials', {}, `?${form({ client_id: t.v.MEDPLUM_CLIENT_ID!, client_secret: t.v.MEDPLUM_CLIENT_SECRET! })}`),
      'Missing client_id',
    ],
  ];

  it.each(refusals)('answers %s with 400 invalid_request "%s"', async (_, request, description) => {
    const { status, body, headers } = await request(t);
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_request', error_description: description });
    expect(headers.get('www-authenticate')).toBeNull();
  });

  /** A client_credentials request with a JWT assertion of the first client, spoilt as `edit` says, or sent as `type`. */
  async function asserted(edit: AssertionEdit = {}, type = JWT_BEARER_ASSERTION): Promise<Answer> {
    const client: SuiteClient = {
      id: t.v.MEDPLUM_CLIENT_ID!,
      auth: 'private_key_jwt',
      key: { key: createPrivateKey(await readFile(t.v.MEDPLUM_CLIENT_KEY_FILE!, 'utf8')), alg: 'ES384', kid: t.v.MEDPLUM_CLIENT_KEY_ID! },
    };
    const assertion = await clientAssertion(client, `${t.base}oauth2/token`, edit);
    return token(t, form({ grant_type: 'client_credentials', scope: 'openid', client_assertion_type: type, client_assertion: assertion }));
  }

  it('authenticates a client by a JWT assertion its JWKS URI key verifies, and again by the same jti', async () => {
    const { status, body } = await asserted({ claims: { jti: 'used-twice' } });
    expect(status).toBe(200);
    expect(body.profile).toEqual({ reference: `ClientApplication/${t.v.MEDPLUM_CLIENT_ID}` });
    expect((await asserted({ claims: { jti: 'used-twice' } })).status).toBe(200);
  });

  it.each([
    ['a wrong signature', { corruptSignature: true }, 'Invalid client assertion signature'],
    ['an expired assertion', { claims: { iat: 1_000_000_000, exp: 1_000_000_060 } }, 'Invalid client assertion signature'],
    ['another aud', { claims: { aud: 'https://audience.invalid/token' } }, 'Invalid client assertion audience'],
    ['iss not sub', { claims: { iss: 'someone-else' } }, 'Invalid client assertion issuer'],
    ['alg none', { unsigned: true }, 'Invalid client assertion signature'],
  ] as Array<[string, AssertionEdit, string]>)('refuses a client assertion with %s: 400 invalid_request "%s"', async (_, edit, description) => {
    const { status, body } = await asserted(edit);
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_request', error_description: description });
  });

  it('refuses another client_assertion_type', async () => {
    expect((await asserted({}, 'urn:oauth-conformance:unknown-type')).body.error_description).toBe('Unsupported client assertion type');
  });

  it('refuses a token request that is not a form with a 400 text/html', async () => {
    const { status, text, headers } = await call(`${t.base}oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect([status, text]).toEqual([400, 'Unsupported content type']);
    expect(headers.get('content-type')).toMatch(/^text\/html/);
    expect((await call(`${t.base}oauth2/token?grant_type=client_credentials`, { headers: appAuth(t) })).status).toBe(404);
  });

  it('trades email and password for {login, code} at /auth/login; errors are OperationOutcomes', async () => {
    const ok = await login(t);
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body).sort()).toEqual(['code', 'login']);
    const wrong = await login(t, { password: 'not-the-password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ diagnostics: 'Email or password is invalid' }] });
    expect((await login(t, { password: 'seven77' })).body).toMatchObject({ issue: [{ diagnostics: 'Password must be at least 8 characters' }] });
    expect((await login(t, { clientId: 'unknown' })).status).toBe(404);
  });

  it('redeems a code for access, ID and refresh tokens; the ID token carries the nonce sent', async () => {
    const { code, verifier } = await signIn(t, { nonce: 'n-123' });
    const { status, body } = await redeem(t, code, verifier);
    expect(status).toBe(200);
    expect(body).toMatchObject({ scope: 'openid offline_access', expires_in: 3600, profile: { reference: expect.stringMatching(/^Practitioner\//) } });
    expect(decodeJwt(String(body.id_token))).toMatchObject({ aud: t.v.MEDPLUM_CLIENT_ID, nonce: 'n-123', iss: t.base });
    expect(decodeJwt(String(body.refresh_token)).exp! - decodeJwt(String(body.refresh_token)).iat!).toBe(1_209_600);
  });

  it('issues no refresh token without offline_access', async () => {
    expect(await userTokens(t, 'openid')).not.toHaveProperty('refresh_token');
  });

  it('refuses a code redeemed again with invalid_grant "Token already granted", and revokes its tokens', async () => {
    const { code, verifier } = await signIn(t);
    const first = await redeem(t, code, verifier);
    const again = await redeem(t, code, verifier);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ error: 'invalid_grant', error_description: 'Token already granted' });
    expect((await patients(t, `Bearer ${String(first.body.access_token)}`)).status).toBe(401);
    expect((await refresh(t, first.body.refresh_token)).body).toMatchObject({ error: 'invalid_grant', error_description: 'Token revoked' });
  });

  it('gives two working token sets when a code is redeemed twice at once', async () => {
    const { code, verifier } = await signIn(t);
    const answers = await Promise.all([redeem(t, code, verifier), redeem(t, code, verifier)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    for (const { body } of answers) expect((await patients(t, `Bearer ${String(body.access_token)}`)).status).toBe(200);
    expect((await redeem(t, code, verifier)).body).toEqual({ error: 'invalid_grant', error_description: 'Token already granted' });
  });

  const pkce: Array<[string, (t: Tenant) => Promise<Answer>, string]> = [
    ['a wrong verifier', async (t) => redeem(t, (await signIn(t)).code, randomBytes(32).toString('base64url')), 'Invalid code verifier'],
    ['no verifier', async (t) => redeem(t, (await signIn(t)).code), 'Missing code verifier'],
    ['a code issued without a challenge', async (t) => redeem(t, (await signIn(t, { pkce: false })).code), 'Missing verification context'],
  ];

  it.each(pkce)('refuses %s with invalid_request "%s"', async (_, request, description) => {
    expect((await request(t)).body).toEqual({ error: 'invalid_request', error_description: description });
  });

  it('accepts the plain PKCE method at /auth/login', async () => {
    const { body } = await login(t, { codeChallenge: 'plain-verifier-value', codeChallengeMethod: 'plain' });
    expect((await redeem(t, String(body.code), 'plain-verifier-value')).status).toBe(200);
  });

  it('shows an error page for an unregistered redirect_uri at /oauth2/authorize, and never redirects', async () => {
    const query = (redirectUri: string) =>
      form({ response_type: 'code', client_id: t.v.MEDPLUM_CLIENT_ID!, redirect_uri: redirectUri, scope: 'openid', state: 's' });
    const wrong = await call(`${t.base}oauth2/authorize?${query(`${t.v.MEDPLUM_REDIRECT_URI}-mismatch`)}`);
    expect([wrong.status, wrong.text, wrong.headers.get('location')]).toEqual([400, 'Invalid redirect URI', null]);
    const right = await call(`${t.base}oauth2/authorize?${query(t.v.MEDPLUM_REDIRECT_URI!)}`);
    expect(right.status).toBe(302);
    const signInPage = new URL(right.headers.get('location')!);
    expect([signInPage.pathname, signInPage.searchParams.get('redirect_uri')]).toEqual(['/oauth', t.v.MEDPLUM_REDIRECT_URI]);
    expect(signInPage.origin).not.toBe(new URL(t.base).origin);
    expect((await call(signInPage.href)).status).toBe(200);
  });

  it('rotates refresh tokens; replaying a rotated-out one gets invalid_request "Invalid token", and the login lives on', async () => {
    const { replay, rotated } = await refreshReplay(t);
    expect([replay.status, replay.body]).toEqual([400, { error: 'invalid_request', error_description: 'Invalid token' }]);
    expect((await patients(t, `Bearer ${String(rotated.body.access_token)}`)).status).toBe(200);
    expect((await refresh(t, rotated.body.refresh_token)).status).toBe(200);
  });

  it("refuses another client's refresh token and a wrong secret with Basic, but reads no credentials in the body", async () => {
    const second = { id: t.v.MEDPLUM_SECOND_CLIENT_ID!, secret: t.v.MEDPLUM_SECOND_CLIENT_SECRET! };
    const wrong = { id: t.v.MEDPLUM_CLIENT_ID!, secret: 'not-the-secret' };
    const byBasic = async (c: typeof second) => refresh(t, (await userTokens(t)).refresh_token, { authorization: basic(c.id, c.secret) });
    const inBody = async (c: typeof second) => refresh(t, (await userTokens(t)).refresh_token, {}, { client_id: c.id, client_secret: c.secret });
    expect((await byBasic(second)).body).toEqual({ error: 'invalid_grant', error_description: 'Incorrect client' });
    expect((await byBasic(wrong)).body).toEqual({ error: 'invalid_request', error_description: 'Invalid secret' });
    for (const answer of [await inBody(second), await inBody(wrong)]) expect([answer.status, typeof answer.body.access_token]).toEqual([200, 'string']);
  });

  it('answers a refresh asking for a wider scope with the original one', async () => {
    const wider = await refresh(t, (await userTokens(t)).refresh_token, appAuth(t), { scope: 'openid offline_access patient/*.rs' });
    expect([wider.status, wider.body.scope]).toEqual([200, 'openid offline_access']);
  });

  const access: Array<[string, (t: Tenant) => Promise<Answer>, number]> = [
    ['a Bearer token', async (t) => patients(t, `Bearer ${String((await clientCredentials(t)).body.access_token)}`), 200],
    ['no token', (t) => patients(t), 401],
    ['a lower-case bearer scheme', async (t) => patients(t, `bearer ${String((await clientCredentials(t)).body.access_token)}`), 401],
    ['the token in ?access_token=', async (t) => patients(t, undefined, `?access_token=${String((await clientCredentials(t)).body.access_token)}`), 401],
    ['a token it never issued', (t) => patients(t, 'Bearer conformance-invalid'), 401],
    ['an ID token', async (t) => patients(t, `Bearer ${String((await clientCredentials(t)).body.id_token)}`), 401],
    ['a refresh token', async (t) => patients(t, `Bearer ${String((await userTokens(t)).refresh_token)}`), 401],
  ];

  it.each(access)('FHIR API answers %s with %i, an OperationOutcome and a realm challenge without error= when refused', async (name, request, status) => {
    const answer = await request(t);
    expect(answer.status).toBe(status);
    expect(answer.body.resourceType).toBe(status === 200 ? 'Bundle' : 'OperationOutcome');
    // The scheme is spelled as the request spelled it.
    const scheme = name === 'a lower-case bearer scheme' ? 'bearer' : 'Bearer';
    expect(answer.headers.get('www-authenticate')).toBe(status === 200 ? null : `${scheme} realm="${t.base}"`);
  });

  it("answers userinfo with the user's id", async () => {
    const tokens = await userTokens(t);
    const { status, body } = await call(`${t.base}oauth2/userinfo`, { headers: { authorization: `Bearer ${String(tokens.access_token)}` } });
    expect(status).toBe(200);
    expect(body.sub).toBe(decodeJwt(String(tokens.id_token)).sub);
  });

  it('introspects live tokens as active, a rotated-out refresh token too, others as inactive', async () => {
    const introspect = (value: string) =>
      call(`${t.base}oauth2/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form({ token: value }) });
    const { access_token: accessToken } = (await clientCredentials(t)).body;
    expect((await introspect(String(accessToken))).body).toMatchObject({ active: true, client_id: t.v.MEDPLUM_CLIENT_ID, scope: 'openid', iss: t.base });
    expect((await introspect('conformance-invalid')).body).toEqual({ active: false });
    const original = await userTokens(t);
    expect((await refresh(t, original.refresh_token)).status).toBe(200);
    expect((await introspect(String(original.refresh_token))).body).toMatchObject({ active: true });
    const missing = await call(`${t.base}oauth2/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect([missing.status, missing.text]).toEqual([400, 'Token to introspect must be provided']);
  });
});

describe('Medplum emulator, other versions', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(() => Promise.all(closers.map((close) => close())));
  const version = async (name: string) => {
    const t = await start(name);
    closers.push(() => t.emulator.close());
    return t;
  };

  it('medplum-5.1.11: 401 answers carry no challenge, tokens are signed RS256', async () => {
    const t = await version('medplum-5.1.11');
    const refused = await patients(t, 'Bearer conformance-invalid');
    expect([refused.status, refused.headers.get('www-authenticate')]).toEqual([401, null]);
    const [key] = (await call(`${t.base}.well-known/jwks.json`)).body.keys as Array<Record<string, unknown>>;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    const tokens = await userTokens(t);
    expect(decodeProtectedHeader(String(tokens.access_token)).alg).toBe('RS256');
  });

  it('medplum-5.2: a rotated-out refresh token replayed gets invalid_grant "Token revoked" and revokes the login', async () => {
    const t = await version('medplum-5.2');
    const { replay, rotated } = await refreshReplay(t);
    expect([replay.status, replay.body]).toEqual([400, { error: 'invalid_grant', error_description: 'Token revoked' }]);
    expect((await refresh(t, rotated.body.refresh_token)).status).toBe(400);
    expect((await patients(t, `Bearer ${String(rotated.body.access_token)}`)).status).toBe(401);
  });
});

describe('Medplum emulator profiles', () => {
  const [documented, ...others] = medplum.profiles;
  const variants = others.filter((p) => p.breaks.length > 0);

  it('lists the verified version first, then baselines of other versions or lifetimes, then variants that each break one rule', () => {
    expect(documented).toMatchObject({ name: 'medplum', breaks: [], version: '5.1.29' });
    expect(others.filter((p) => p.version).map((p) => p.name)).toEqual(['medplum-5.1.11', 'medplum-5.2']);
    expect(others.filter((p) => p.breaks.length === 0 && !p.version)).toMatchObject([{ name: 'medplum-short-lived', long: true }]);
    expect(variants.length).toBeGreaterThanOrEqual(3);
    for (const p of variants) {
      expect(p.name).toMatch(/^medplum-/);
      expect(p.breaks.length).toBeGreaterThan(0);
    }
  });

  /** Each variant's fault as an HTTP observation: false on the documented profile, true on the variant. */
  const faults: Array<[string, (t: Tenant) => Promise<boolean>]> = [
    [
      'medplum-code-reusable',
      async (t) => {
        const { code, verifier } = await signIn(t);
        await redeem(t, code, verifier);
        return (await redeem(t, code, verifier)).status === 200;
      },
    ],
    [
      'medplum-refresh-replay',
      async (t) => {
        const original = await userTokens(t);
        await refresh(t, original.refresh_token);
        return (await refresh(t, original.refresh_token)).status === 200;
      },
    ],
    ['medplum-refresh-without-offline-access', async (t) => typeof (await userTokens(t, 'openid')).refresh_token === 'string'],
    ['medplum-issuer-without-slash', async (t) => (await metadata(t)).issuer !== t.base],
  ];

  it('covers every variant', () => {
    expect(faults.map(([name]) => name)).toEqual(variants.map((p) => p.name));
  });

  it.each(faults)('%s shows its fault over HTTP, the documented profile does not', async (profile, shows) => {
    const [documented, variant] = await Promise.all([start('medplum'), start(profile)]);
    try {
      expect(await shows(documented)).toBe(false);
      expect(await shows(variant)).toBe(true);
    } finally {
      await Promise.all([documented.emulator.close(), variant.emulator.close()]);
    }
  });
});
