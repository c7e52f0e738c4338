import { readFile } from 'node:fs/promises';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { oneup } from '../sandbox/emulators/oneup.js';
import type { Emulator } from '../sandbox/emulators/types.js';
import { basic, call, postForm, type Reply } from './sandbox-client.js';

/** The 1upHealth emulator over HTTP, against 1upHealth's documentation; then each profile's fault. */

interface Tenant {
  emulator: Emulator;
  v: Record<string, string>;
}

async function start(profile: string): Promise<Tenant> {
  const emulator = await oneup.start(profile);
  return { emulator, v: emulator.variables };
}

const app = ({ v }: Tenant) => ({ client_id: v.ONEUP_CLIENT_ID!, client_secret: v.ONEUP_CLIENT_SECRET! });
const createUser = (t: Tenant, appUserId: string) => postForm(`${t.v.ONEUP_API_URL}/user-management/v1/user`, { app_user_id: appUserId, ...app(t) });
const authCode = (t: Tenant, user: Record<string, string> = { app_user_id: t.v.ONEUP_APP_USER_ID! }) =>
  postForm(`${t.v.ONEUP_API_URL}/user-management/v1/user/auth-code`, { ...user, ...app(t) });
const token = (t: Tenant, params: Record<string, string> | string, headers: Record<string, string> = {}) =>
  postForm(`${t.v.ONEUP_AUTH_URL}/oauth2/token`, params, headers);

async function code(t: Tenant): Promise<string> {
  const answer = await authCode(t);
  expect(answer.status).toBe(200);
  return String(answer.json.code);
}

const exchange = async (t: Tenant, c?: string) => token(t, { grant_type: 'authorization_code', code: c ?? (await code(t)), ...app(t) });
const refresh = (t: Tenant, refreshToken: string, extra: Record<string, string> = {}) =>
  token(t, { grant_type: 'refresh_token', refresh_token: refreshToken, ...app(t), ...extra });

async function tokens(t: Tenant): Promise<{ access: string; refresh: string }> {
  const answer = await exchange(t);
  expect(answer.status).toBe(200);
  return { access: String(answer.json.access_token), refresh: String(answer.json.refresh_token) };
}

const fhir = (t: Tenant, path: string, headers: Record<string, string> = {}, init: { method?: 'GET' | 'POST'; body?: string } = {}) =>
  call(`${t.v.ONEUP_API_URL}${path}`, { headers: { ...headers, ...(init.body && { 'content-type': 'application/fhir+json' }) }, ...init });
const bearer = (access: string, scheme = 'Bearer') => ({ authorization: `${scheme} ${access}` });
const clientHeaders = (t: Tenant, user: string) => ({ client_id: t.v.ONEUP_CLIENT_ID!, client_secret: t.v.ONEUP_CLIENT_SECRET!, 'x-oneup-user-id': user });
const write = (t: Tenant, headers: Record<string, string>) => fhir(t, '/r4/Patient', headers, { method: 'POST', body: '{}' });

const provider = (t: Tenant, params: Record<string, string>, headers: Record<string, string> = {}) =>
  postForm(`${t.v.ONEUP_GATEWAY_URL}/auth/realms/dev-portal/protocol/openid-connect/token`, params, headers);
const providerCredentials = ({ v }: Tenant) => ({ client_id: v.ONEUP_PROVIDER_CLIENT_ID!, client_secret: v.ONEUP_PROVIDER_CLIENT_SECRET! });

const challenge = (r: Reply) => String(r.headers['www-authenticate'] ?? '');

describe('1upHealth emulator, documented profile', () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await start('oneup');
  });
  afterAll(() => t.emulator.close());

  it('gives every variable the suite declares', async () => {
    const suite = parse(await readFile(new URL('../suites/1uphealth.yaml', import.meta.url), 'utf8')) as { variables: Record<string, unknown> };
    expect(Object.keys(t.v).sort()).toEqual(Object.keys(suite.variables).sort());
    expect(new Set([t.v.ONEUP_API_URL, t.v.ONEUP_AUTH_URL, t.v.ONEUP_GATEWAY_URL]).size).toBe(3);
  });

  describe('user management', () => {
    it('creates a user, answering its numeric oneup_user_id and a code', async () => {
      const { status, json } = await createUser(t, 'new-user');
      expect(status).toBe(200);
      expect(json).toMatchObject({ success: true, app_user_id: 'new-user', active: true });
      expect(typeof json.code).toBe('string');
      expect(Number.isInteger(json.oneup_user_id)).toBe(true);
    });

    it('answers 400 "this user already exists" for the suite\'s user, which exists from the start', async () => {
      const { status, json } = await createUser(t, t.v.ONEUP_APP_USER_ID!);
      expect(status).toBe(400);
      expect(json).toEqual({ success: false, error: 'this user already exists' });
    });

    it.each([
      ['app_user_id', (t: Tenant) => ({ app_user_id: t.v.ONEUP_APP_USER_ID! })],
      ['oneup_user_id', (t: Tenant) => ({ oneup_user_id: t.v.ONEUP_USER_ID! })],
    ])('gives a new code for a user named by %s', async (_, user) => {
      const [first, second] = [await authCode(t, user(t)), await authCode(t, user(t))];
      expect(first.status).toBe(200);
      expect(first.json).toMatchObject({ success: true, oneup_user_id: Number(t.v.ONEUP_USER_ID), app_user_id: t.v.ONEUP_APP_USER_ID, active: true });
      expect(first.json.code).not.toBe(second.json.code);
    });

    it('takes a JSON body too', async () => {
      const { status } = await call(`${t.v.ONEUP_API_URL}/user-management/v1/user/auth-code`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_user_id: t.v.ONEUP_APP_USER_ID, ...app(t) }),
      });
      expect(status).toBe(200);
    });

    it.each([
      ['an unknown user', (t: Tenant) => authCode(t, { app_user_id: 'nobody' }), 404],
      [
        'a wrong client_secret',
        (t: Tenant) =>
          postForm(`${t.v.ONEUP_API_URL}/user-management/v1/user/auth-code`, {
            app_user_id: t.v.ONEUP_APP_USER_ID!,
            client_id: t.v.ONEUP_CLIENT_ID!,
            client_secret: 'wrong',
          }),
        401,
      ],
      ['a GET', (t: Tenant) => call(`${t.v.ONEUP_API_URL}/user-management/v1/user/auth-code`), 405],
    ])('refuses %s with %i', async (_, request, status) => {
      const answer = await request(t);
      expect(answer.status).toBe(status);
      expect(answer.json).toMatchObject({ success: false });
      expect(answer.json).not.toHaveProperty('code');
    });
  });

  describe('token endpoint', () => {
    it('exchanges a code for an opaque Bearer token, a refresh token and the scope, uncached, without id_token', async () => {
      const { status, headers, json } = await exchange(t);
      expect(status).toBe(200);
      expect(headers['cache-control']).toBe('no-store');
      expect(String(headers['content-type'])).toMatch(/^application\/json/);
      expect(Object.keys(json).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
      expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 7200, scope: 'user/*.*' });
      expect(String(json.access_token)).not.toContain('.');
    });

    it('authenticates the client by Basic as well', async () => {
      const { status } = await token(
        t,
        { grant_type: 'authorization_code', code: await code(t) },
        { authorization: basic(t.v.ONEUP_CLIENT_ID, t.v.ONEUP_CLIENT_SECRET) },
      );
      expect(status).toBe(200);
    });

    it('refuses a code used twice and revokes the tokens it gave', async () => {
      const c = await code(t);
      const first = await exchange(t, c);
      const again = await exchange(t, c);
      expect(again.status).toBe(400);
      expect(again.json.error).toBe('invalid_grant');
      const after = await fhir(t, '/r4/Patient', bearer(String(first.json.access_token)));
      expect(after.status).toBe(401);
      expect((await refresh(t, String(first.json.refresh_token))).json.error).toBe('invalid_grant');
    });

    it('gives one token for a code redeemed twice at once', async () => {
      const c = await code(t);
      const answers = await Promise.all([exchange(t, c), exchange(t, c)]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    });

    it('rotates the refresh token: a new pair, and the old refresh token spent', async () => {
      const { refresh: old } = await tokens(t);
      const renewed = await refresh(t, old);
      expect(renewed.status).toBe(200);
      expect(renewed.json).toMatchObject({ token_type: 'Bearer', expires_in: 7200, scope: 'user/*.*' });
      expect(renewed.json.refresh_token).not.toBe(old);
      const replay = await refresh(t, old);
      expect(replay.status).toBe(400);
      expect(replay.json.error).toBe('invalid_grant');
    });

    it('refuses a refresh for a wider scope', async () => {
      const { refresh: rt } = await tokens(t);
      const answer = await refresh(t, rt, { scope: 'user/*.* conformance:wider' });
      expect(answer.status).toBe(400);
      expect(answer.json.error).toBe('invalid_scope');
    });

    const id = (t: Tenant) => t.v.ONEUP_CLIENT_ID!;
    const ok = (t: Tenant) => ({ authorization: basic(t.v.ONEUP_CLIENT_ID, t.v.ONEUP_CLIENT_SECRET) });
    const errors: Array<[string, (t: Tenant) => Promise<Reply>, number, string]> = [
      ['a wrong secret with Basic', (t) => token(t, 'grant_type=authorization_code&code=x', { authorization: basic(id(t), 'wrong') }), 401, 'invalid_client'],
      [
        'a wrong secret in the body',
        (t) => token(t, { grant_type: 'authorization_code', code: 'x', client_id: id(t), client_secret: 'wrong' }),
        401,
        'invalid_client',
      ],
      ['no client authentication', (t) => token(t, { grant_type: 'authorization_code', code: 'x' }), 401, 'invalid_client'],
      [
        'a client of the Provider Access realm',
        (t) => token(t, { grant_type: 'authorization_code', code: 'x', ...providerCredentials(t) }),
        401,
        'invalid_client',
      ],
      ['an unknown grant_type', (t) => token(t, 'grant_type=urn:oauth-conformance:unknown-grant', ok(t)), 400, 'unsupported_grant_type'],
      ['client_credentials', (t) => token(t, 'grant_type=client_credentials', ok(t)), 400, 'unsupported_grant_type'],
      ['grant_type=token (a slip in the docs)', (t) => token(t, 'grant_type=token', ok(t)), 400, 'unsupported_grant_type'],
      ['no grant_type', (t) => token(t, 'code=x', ok(t)), 400, 'invalid_request'],
      ['grant_type twice', (t) => token(t, 'grant_type=authorization_code&grant_type=authorization_code&code=x', ok(t)), 400, 'invalid_request'],
      [
        'credentials in the query',
        (t) => postForm(`${t.v.ONEUP_AUTH_URL}/oauth2/token?${new URLSearchParams(app(t)).toString()}`, 'grant_type=authorization_code&code=x'),
        400,
        'invalid_request',
      ],
      [
        'a JSON body',
        (t) =>
          call(`${t.v.ONEUP_AUTH_URL}/oauth2/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ grant_type: 'authorization_code', ...app(t) }),
          }),
        400,
        'invalid_request',
      ],
      ['a GET', (t) => call(`${t.v.ONEUP_AUTH_URL}/oauth2/token?grant_type=authorization_code`, { headers: ok(t) }), 405, 'invalid_request'],
      ['an unknown code', (t) => token(t, { grant_type: 'authorization_code', code: 'conformance-unknown', ...app(t) }), 400, 'invalid_grant'],
      ['an unknown refresh token', (t) => refresh(t, 'conformance-unknown'), 400, 'invalid_grant'],
    ];

    it.each(errors)('answers %s with %i {"error": "%s"}', async (_, request, status, error) => {
      const answer = await request(t);
      expect(answer.status).toBe(status);
      expect(answer.json.error).toBe(error);
      expect(answer.json).not.toHaveProperty('access_token');
      if (status === 401) expect(challenge(answer)).toMatch(/^Basic /);
    });
  });

  describe('FHIR API', () => {
    const reads: Array<[string, (t: Tenant) => Promise<Reply>, number]> = [
      ['a Bearer token on /r4', async (t) => fhir(t, '/r4/Patient', bearer((await tokens(t)).access)), 200],
      ['a Bearer token on /stu3', async (t) => fhir(t, '/stu3/Patient', bearer((await tokens(t)).access)), 200],
      ['a Bearer token on /dstu2', async (t) => fhir(t, '/dstu2/Patient', bearer((await tokens(t)).access)), 200],
      ['a lower-case bearer scheme', async (t) => fhir(t, '/r4/Patient', bearer((await tokens(t)).access, 'bearer')), 200],
      ['a refreshed token', async (t) => fhir(t, '/r4/Patient', bearer(String((await refresh(t, (await tokens(t)).refresh)).json.access_token))), 200],
      ["client headers with the user's oneup_user_id", (t) => fhir(t, '/r4/Patient', clientHeaders(t, t.v.ONEUP_USER_ID!)), 200],
      ['client headers with x-oneup-user-id: client', (t) => fhir(t, '/r4/Patient', clientHeaders(t, 'client')), 200],
    ];

    it.each(reads)('answers a search with %s: %i and a Bundle', async (_, request, status) => {
      const answer = await request(t);
      expect(answer.status).toBe(status);
      expect(answer.json).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    });

    const refusals: Array<[string, (t: Tenant) => Promise<Reply>, number, RegExp]> = [
      ['no credentials', (t) => fhir(t, '/r4/Patient'), 401, /^Bearer realm="[^"]+"$/],
      ['a token it never issued', (t) => fhir(t, '/r4/Patient', bearer('conformance-invalid')), 401, /error="invalid_token"/],
      [
        '"Bearer: <token>" (a slip in the docs)',
        async (t) => fhir(t, '/r4/Patient', { authorization: `Bearer: ${(await tokens(t)).access}` }),
        401,
        /error="invalid_token"/,
      ],
      ['the token in ?access_token=', async (t) => fhir(t, `/r4/Patient?access_token=${(await tokens(t)).access}`), 401, /^Bearer /],
      ['a wrong client_secret header', (t) => fhir(t, '/r4/Patient', { ...clientHeaders(t, 'client'), client_secret: 'wrong' }), 401, /^Bearer /],
      [
        'x-app-user-id (a slip in the docs) instead of x-oneup-user-id',
        (t) => fhir(t, '/r4/Patient', { client_id: t.v.ONEUP_CLIENT_ID!, client_secret: t.v.ONEUP_CLIENT_SECRET!, 'x-app-user-id': t.v.ONEUP_APP_USER_ID! }),
        400,
        /^$/,
      ],
      ['a oneup_user_id of no user of the application', (t) => fhir(t, '/r4/Patient', clientHeaders(t, '1')), 403, /^$/],
      ['a write with x-oneup-user-id: client', (t) => write(t, clientHeaders(t, 'client')), 403, /^$/],
      ['an unknown FHIR version', async (t) => fhir(t, '/r5/Patient', bearer((await tokens(t)).access)), 404, /^$/],
    ];

    it.each(refusals)('refuses %s with %i and an OperationOutcome', async (_, request, status, www) => {
      const answer = await request(t);
      expect(answer.status).toBe(status);
      expect(answer.json.resourceType).toBe('OperationOutcome');
      expect(challenge(answer)).toMatch(www);
    });

    it("writes for one user with the user's token or oneup_user_id, and reads back per user and for `client`", async () => {
      const { access } = await tokens(t);
      const viaToken = await write(t, bearer(access));
      const viaHeaders = await write(t, clientHeaders(t, t.v.ONEUP_USER_ID!));
      expect([viaToken.status, viaHeaders.status]).toEqual([201, 201]);
      expect(viaToken.headers.location).toBe(`${t.v.ONEUP_API_URL}/r4/Patient/${String(viaToken.json.id)}`);
      const other = await createUser(t, 'someone-else');
      const ids = async (headers: Record<string, string>) =>
        ((await fhir(t, '/r4/Patient', headers)).json.entry as Array<{ resource: { id: string } }>).map((e) => e.resource.id);
      const written = [viaToken.json.id, viaHeaders.json.id];
      expect(await ids(bearer(access))).toEqual(expect.arrayContaining(written));
      expect(await ids(clientHeaders(t, 'client'))).toEqual(expect.arrayContaining(written));
      expect(await ids(clientHeaders(t, String(other.json.oneup_user_id)))).toEqual([]);
      expect((await fhir(t, `/r4/Patient/${String(viaToken.json.id)}`, bearer(access))).json.id).toBe(viaToken.json.id);
      expect((await fhir(t, `/stu3/Patient/${String(viaToken.json.id)}`, bearer(access))).status).toBe(404);
    });
  });

  describe('Provider Access (Keycloak realm)', () => {
    it('issues a JWT by client_credentials, Keycloak style, without a refresh token', async () => {
      const { status, headers, json } = await provider(t, { grant_type: 'client_credentials', scope: t.v.ONEUP_PROVIDER_SCOPE!, ...providerCredentials(t) });
      expect(status).toBe(200);
      expect(headers['cache-control']).toBe('no-store');
      expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, refresh_expires_in: 0, scope: 'bulk-data|user/*.rs' });
      expect(json).not.toHaveProperty('refresh_token');
      const claims = decodeJwt(String(json.access_token));
      expect(claims).toMatchObject({ iss: `${t.v.ONEUP_GATEWAY_URL}/auth/realms/dev-portal`, azp: t.v.ONEUP_PROVIDER_CLIENT_ID });
      expect(claims.exp! - claims.iat!).toBe(3600);
    });

    it.each([
      [
        'a wrong secret',
        (t: Tenant) => provider(t, { grant_type: 'client_credentials', ...providerCredentials(t), client_secret: 'wrong' }),
        401,
        'invalid_client',
      ],
      ["the 1up application's credentials", (t: Tenant) => provider(t, { grant_type: 'client_credentials', ...app(t) }), 401, 'invalid_client'],
      [
        'another grant type',
        (t: Tenant) => provider(t, { grant_type: 'authorization_code', code: 'x', ...providerCredentials(t) }),
        400,
        'unsupported_grant_type',
      ],
      [
        "a GET, as the docs' curl -X GET sends it",
        (t: Tenant) => call(`${t.v.ONEUP_GATEWAY_URL}/auth/realms/dev-portal/protocol/openid-connect/token?grant_type=client_credentials`),
        405,
        'invalid_request',
      ],
    ])('refuses %s with %i %s', async (_, request, status, error) => {
      const answer = await request(t);
      expect(answer.status).toBe(status);
      expect(answer.json.error).toBe(error);
    });
  });
});

describe('1upHealth emulator, the rate limit of user management', () => {
  it.each([
    ['oneup', 300, 3600],
    ['oneup-rate-limited', 8, 1],
  ])('%s: after %i requests, 429 with Retry-After up to %i, the auth-code answer included', async (profile, limit, window) => {
    const t = await start(profile);
    try {
      const opened = Date.now();
      const answers = await Promise.all(Array.from({ length: limit + 1 }, (_, i) => (i % 2 ? authCode(t) : createUser(t, `user-${i}`))));
      expect(answers.filter((a) => a.status === 429)).toHaveLength(1);
      const limited = await authCode(t);
      expect(limited.status).toBe(429);
      // What is left of the window the first request opened, in whole seconds: on a busy machine, a second less.
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeLessThanOrEqual(window);
      expect(retryAfter).toBeGreaterThanOrEqual(Math.max(1, window - Math.ceil((Date.now() - opened) / 1000)));
    } finally {
      await t.emulator.close();
    }
  });
});

describe('1upHealth emulator profiles', () => {
  it('lists the documented behaviour first, then variants that each break something', () => {
    const [documented, ...variants] = oneup.profiles;
    expect(documented).toMatchObject({ name: 'oneup', breaks: [] });
    expect(variants.filter((p) => p.breaks.length > 0).length).toBeGreaterThanOrEqual(3);
    for (const p of variants) expect(p.name).toMatch(/^oneup-/);
  });

  const faults: Array<[string, (t: Tenant) => Promise<void>]> = [
    [
      'oneup-rate-limited',
      async (t) => {
        const answers = await Promise.all(Array.from({ length: 9 }, () => authCode(t)));
        expect(answers.map((a) => a.status).sort()).toEqual([...Array<number>(8).fill(200), 429]);
      },
    ],
    ['oneup-expires-in-out-of-range', async (t) => expect((await exchange(t)).json.expires_in).toBe(86400)],
    [
      'oneup-code-reusable',
      async (t) => {
        const c = await code(t);
        expect((await exchange(t, c)).status).toBe(200);
        expect((await exchange(t, c)).status).toBe(200);
        expect((await Promise.all([exchange(t, c), exchange(t, c)])).map((a) => a.status)).toEqual([200, 200]);
      },
    ],
    ['oneup-client-headers-refused', async (t) => expect((await fhir(t, '/r4/Patient', clientHeaders(t, 'client'))).status).toBe(401)],
    ['oneup-client-writes', async (t) => expect((await write(t, clientHeaders(t, 'client'))).status).toBe(201)],
  ];

  it('covers every variant', () => {
    expect(faults.map(([name]) => name)).toEqual(oneup.profiles.slice(1).map((p) => p.name));
  });

  it.each(faults)('%s shows its fault over HTTP', async (profile, fault) => {
    const t = await start(profile);
    try {
      await fault(t);
    } finally {
      await t.emulator.close();
    }
  });
});
