import { createHash, X509Certificate } from 'node:crypto';
import { connect, type ConnectionOptions } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { profiles, startSandbox, type Sandbox } from '../sandbox/index.js';
// Their cases are in sandbox-request-faults.test.ts.
import { mtlsProfiles } from '../sandbox/mtls-profiles.js';
import { parProfiles } from '../sandbox/par-profiles.js';
import { requestProfiles } from '../sandbox/request-profiles.js';
import { newDpopKey } from '../src/flows/dpop-proof.js';
import { tamper, TAMPERINGS } from '../src/flows/tampered-jwt.js';
import {
  authorize,
  browse,
  call,
  clientCredentials,
  dpopClientCredentials,
  getResource,
  getResourceWithDpop,
  introspect,
  machineAuth,
  postForm,
  redeem,
  refresh,
  revoke,
  type Hop,
  type Reply,
} from './sandbox-client.js';

/** Asserts that every answer on the way was a redirect; the paths visited. */
function redirectsOnly(hops: Hop[]): string[] {
  for (const { url, status } of hops) expect(status, `redirect from ${url.pathname}`).toBeOneOf([302, 303]);
  return hops.map(({ url }) => url.pathname);
}

/** GETs `url` and follows same-origin redirects with a cookie jar until one leaves the origin. */
async function followToRedirectUri(url: string): Promise<{ location: URL; hops: string[] }> {
  const { hops, location } = await browse(url);
  return { hops: redirectsOnly(hops), location: location! };
}

const NONCE = 'nonce-456';

/** Authorization code flow with PKCE S256 and the code exchange; returns the token response. */
async function authorizationCode(sandbox: Sandbox) {
  const authorization = await authorize(sandbox, { state: 'state-123', nonce: NONCE });
  const hops = redirectsOnly(authorization.hops);
  const tokens = await redeem(sandbox, authorization);
  return { location: authorization.callback!, hops, tokens, redeemAgain: () => redeem(sandbox, authorization) };
}

async function machineToken(sandbox: Sandbox): Promise<string> {
  return String((await clientCredentials(sandbox)).json.access_token);
}

async function userTokens(sandbox: Sandbox): Promise<Record<string, unknown>> {
  return (await authorizationCode(sandbox)).tokens.json;
}

/** Verifies a JWT's signature with the keys the sandbox publishes; its claims are each test's to judge. */
async function verifyJwt(sandbox: Sandbox, jwt: unknown) {
  const { keys } = (await call(`${sandbox.issuer}/jwks`)).json as { keys: JWK[] };
  await compactVerify(String(jwt), createLocalJWKSet({ keys }));
  return { payload: decodeJwt(String(jwt)), protectedHeader: decodeProtectedHeader(String(jwt)) };
}

/** OpenID Connect Core §3.2.2.9 for RS256 ID Tokens. */
function atHash(accessToken: unknown): string {
  return createHash('sha256').update(String(accessToken)).digest().subarray(0, 16).toString('base64url');
}

const epoch = () => Math.floor(Date.now() / 1000);

/** How far a response's Date header is from the local clock, in seconds. */
function dateSkew({ headers }: Reply): number {
  return (Date.parse(String(headers.date)) - Date.now()) / 1000;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

function publicPart(jwk: JWK): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.includes(name)));
}

describe('conformant sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('exposes its variables, with random secrets', () => {
    const v = sandbox.variables;
    expect(sandbox.profile).toBe('conformant');
    expect(sandbox.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(v.SANDBOX_ISSUER).toBe(sandbox.issuer);
    expect(v.SANDBOX_CLIENT_SECRET).toMatch(/^[\w-]{32,}$/);
    expect(v.SANDBOX_AUTH_CLIENT_SECRET).toMatch(/^[\w-]{32,}$/);
    expect(v.SANDBOX_CLIENT_SECRET).not.toBe(v.SANDBOX_AUTH_CLIENT_SECRET);
    expect(v.SANDBOX_RESOURCE_SCOPE).toBe('api:read');
    expect(v.SANDBOX_CODE_TTL).toBe('60');
  });

  it('serves discovery with its issuer, endpoints and capabilities, and no https URL', async () => {
    const reply = await call(sandbox.variables.SANDBOX_DISCOVERY_URL!);
    const { status, headers, json } = reply;
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(json).toMatchObject({
      issuer: sandbox.issuer,
      authorization_endpoint: `${sandbox.issuer}/auth`,
      token_endpoint: `${sandbox.issuer}/token`,
      jwks_uri: `${sandbox.issuer}/jwks`,
      introspection_endpoint: `${sandbox.issuer}/token/introspection`,
      revocation_endpoint: `${sandbox.issuer}/token/revocation`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
    });
    expect(json.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(json.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']));
    expect(JSON.stringify(json)).not.toContain('https:');
    expect(Math.abs(dateSkew(reply))).toBeLessThan(5);
  });

  it('serves the SMART configuration, describing the same endpoints', async () => {
    const discovery = (await call(sandbox.variables.SANDBOX_DISCOVERY_URL!)).json;
    const { status, headers, json } = await call(`${sandbox.issuer}/.well-known/smart-configuration`);
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^application\/json/);
    for (const member of ['issuer', 'jwks_uri', 'authorization_endpoint', 'token_endpoint', 'revocation_endpoint', 'introspection_endpoint']) {
      expect(json[member], member).toBe(discovery[member]);
    }
    expect(json).toMatchObject({
      grant_types_supported: expect.arrayContaining(['authorization_code', 'client_credentials', 'refresh_token']),
      token_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
      scopes_supported: expect.arrayContaining(['openid', 'offline_access', 'api:read']),
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      capabilities: expect.arrayContaining(['launch-standalone', 'client-confidential-symmetric', 'permission-offline']),
    });
  });

  it('publishes public signing keys only, with distinct kids', async () => {
    const { status, json } = await call(`${sandbox.issuer}/jwks`);
    expect(status).toBe(200);
    const keys = json.keys as JWK[];
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(new Set(keys.map((key) => key.kid)).size).toBe(keys.length);
    for (const member of PRIVATE_MEMBERS) expect(keys).not.toContainEqual(expect.objectContaining({ [member]: expect.anything() }));
  });

  it('issues RFC 9068 JWT access tokens to client_credentials, uncacheable', async () => {
    const reply = await clientCredentials(sandbox);
    const { status, headers, json } = reply;
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(headers['cache-control']).toBe('no-store');
    expect(headers.pragma).toBe('no-cache');
    expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'api:read' });
    expect(json).not.toHaveProperty('refresh_token');
    const { payload, protectedHeader } = await verifyJwt(sandbox, json.access_token);
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({
      iss: sandbox.issuer,
      aud: sandbox.variables.SANDBOX_RESOURCE_URL,
      sub: sandbox.variables.SANDBOX_CLIENT_ID,
      scope: 'api:read',
      client_id: sandbox.variables.SANDBOX_CLIENT_ID,
      jti: expect.any(String),
    });
    expect(payload.exp! - payload.iat!).toBe(json.expires_in);
    expect(Math.abs(payload.iat! - epoch())).toBeLessThan(5);
    expect(Math.abs(dateSkew(reply))).toBeLessThan(5);
  });

  it('accepts client_secret_post too', async () => {
    const { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET } = sandbox.variables;
    const { status } = await postForm(`${sandbox.issuer}/token`, {
      grant_type: 'client_credentials',
      client_id: SANDBOX_CLIENT_ID!,
      client_secret: SANDBOX_CLIENT_SECRET!,
    });
    expect(status).toBe(200);
  });

  it('guards the resource per RFC 6750', async () => {
    const token = await machineToken(sandbox);
    const ok = await getResource(sandbox, `bearer ${token}`);
    // RFC 9068 §4: the signature is verified, and alg "none" is refused.
    for (const tampering of TAMPERINGS) {
      const refused = await getResource(sandbox, `Bearer ${tamper(token, tampering)}`);
      expect(refused.status, tampering).toBe(401);
      expect(refused.headers['www-authenticate'], tampering).toMatch(/error="invalid_token"/);
    }
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ ok: true, sub: sandbox.variables.SANDBOX_CLIENT_ID, client_id: sandbox.variables.SANDBOX_CLIENT_ID });

    const anonymous = await getResource(sandbox);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="sandbox"');
    expect(anonymous.headers['content-type']).toMatch(/^application\/json/);

    const garbage = await getResource(sandbox, 'Bearer not-a-token');
    expect(garbage.status).toBe(401);
    expect(garbage.headers['www-authenticate']).toMatch(/^Bearer realm="sandbox", error="invalid_token", error_description="[^"]+"$/);

    const unscoped = String((await clientCredentials(sandbox, {})).json.access_token);
    const forbidden = await getResource(sandbox, `Bearer ${unscoped}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['www-authenticate']).toMatch(/error="insufficient_scope".*scope="api:read"/);

    // RFC 6750 §2.3 is not offered: a token in the query is no credential.
    const queried = await call(`${sandbox.variables.SANDBOX_RESOURCE_URL}?access_token=${token}`);
    expect(queried.status).toBe(401);
    expect(queried.headers['www-authenticate']).toBe('Bearer realm="sandbox"');
  });

  it('completes the authorization code flow without interaction, with a valid ID Token', async () => {
    const { location, hops, tokens } = await authorizationCode(sandbox);
    expect(hops).toEqual(['/auth', expect.stringMatching(/^\/interaction\//), expect.stringMatching(/^\/auth\//)]);
    expect(location.href.startsWith(`${sandbox.variables.SANDBOX_REDIRECT_URI}?`)).toBe(true);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('iss')).toBe(sandbox.issuer);
    expect(tokens.status).toBe(200);
    expect(tokens.headers.pragma).toBe('no-cache');
    expect(tokens.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'api:read' });
    expect(tokens.json.refresh_token).toEqual(expect.any(String));
    const { payload } = await verifyJwt(sandbox, tokens.json.id_token);
    expect(payload).toMatchObject({
      iss: sandbox.issuer,
      sub: 'test-user',
      aud: sandbox.variables.SANDBOX_AUTH_CLIENT_ID,
      nonce: NONCE,
      at_hash: atHash(tokens.json.access_token),
    });
    expect(payload.exp).toBeGreaterThan(epoch());
    expect(payload.iat).toBeLessThanOrEqual(epoch());
    const resource = await getResource(sandbox, `Bearer ${String(tokens.json.access_token)}`);
    expect(resource.json).toMatchObject({ ok: true, sub: 'test-user' });
  });

  it('gives an authorization for OpenID scopes alone a token for the UserInfo Endpoint, not for the resource', async () => {
    const authorization = await authorize(sandbox, { scope: 'openid' });
    const { access_token: token } = (await redeem(sandbox, authorization)).json;
    const { userinfo_endpoint: userinfo } = (await call(sandbox.variables.SANDBOX_DISCOVERY_URL!)).json;
    const claims = await call(String(userinfo), { headers: { authorization: `Bearer ${String(token)}` } });
    expect(claims).toMatchObject({ status: 200, json: { sub: 'test-user' } });
    expect((await getResource(sandbox, `Bearer ${String(token)}`)).status).toBe(401);
  });

  it('requires PKCE', async () => {
    const v = sandbox.variables;
    const query = new URLSearchParams({
      client_id: v.SANDBOX_AUTH_CLIENT_ID!,
      response_type: 'code',
      redirect_uri: v.SANDBOX_REDIRECT_URI!,
      scope: 'openid',
      state: 'state-789',
    });
    const { location } = await followToRedirectUri(`${sandbox.issuer}/auth?${query.toString()}`);
    expect(`${location.origin}${location.pathname}`).toBe(v.SANDBOX_REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('state-789');
  });

  it('rotates refresh tokens, with a valid at_hash in the refreshed ID Token', async () => {
    const tokens = await userTokens(sandbox);
    const rotated = await refresh(sandbox, String(tokens.refresh_token));
    expect(rotated.status).toBe(200);
    expect(rotated.json.refresh_token).toEqual(expect.any(String));
    expect(rotated.json.refresh_token).not.toBe(tokens.refresh_token);
    expect((await verifyJwt(sandbox, rotated.json.id_token)).payload.at_hash).toBe(atHash(rotated.json.access_token));
    expect((await getResource(sandbox, `Bearer ${String(rotated.json.access_token)}`)).status).toBe(200);
    const replayed = await refresh(sandbox, String(tokens.refresh_token));
    expect(replayed.status).toBe(400);
    expect(replayed.json.error).toBe('invalid_grant');
  });

  it('introspects and revokes access tokens', async () => {
    const token = String((await userTokens(sandbox)).access_token);
    const introspected = await introspect(sandbox, token);
    expect(introspected.json).toMatchObject({ active: true, sub: 'test-user', scope: 'api:read', aud: sandbox.variables.SANDBOX_RESOURCE_URL });

    expect((await revoke(sandbox, token, 'access_token')).status).toBe(200);
    expect((await introspect(sandbox, token)).json).toEqual({ active: false });
    const refused = await getResource(sandbox, `Bearer ${token}`);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('revokes a client_credentials JWT for the client it was issued to, and only for that client', async () => {
    const token = await machineToken(sandbox);
    expect((await revoke(sandbox, token, 'access_token')).status).toBe(400);
    expect((await getResource(sandbox, `Bearer ${token}`)).status).toBe(200);
    const revoked = await revoke(sandbox, token, 'access_token', machineAuth(sandbox));
    expect(revoked.status).toBe(200);
    const refused = await getResource(sandbox, `Bearer ${token}`);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('introspects a client_credentials JWT while it is valid and not once revoked; a made-up token is not active', async () => {
    const token = await machineToken(sandbox);
    const asked = (value: string) => postForm(`${sandbox.issuer}/token/introspection`, { token: value }, { authorization: machineAuth(sandbox) });
    expect((await asked(token)).json).toMatchObject({ active: true, client_id: sandbox.variables.SANDBOX_CLIENT_ID, scope: 'api:read', token_type: 'Bearer' });
    expect((await revoke(sandbox, token, 'access_token', machineAuth(sandbox))).status).toBe(200);
    expect((await asked(token)).json).toEqual({ active: false });
    expect((await asked(`${token.slice(0, -4)}AAAA`)).json).toEqual({ active: false });
  });

  it("answers userinfo for a token of an openid-only authorization with the ID Token's sub, and refuses a machine token", async () => {
    const tokens = (await redeem(sandbox, await authorize(sandbox, { scope: 'openid' }))).json;
    const info = await call(`${sandbox.issuer}/me`, { headers: { authorization: `Bearer ${String(tokens.access_token)}` } });
    expect(info.json.sub).toBe(decodeJwt(String(tokens.id_token)).sub);
    expect((await call(`${sandbox.issuer}/me`, { headers: { authorization: `Bearer ${await machineToken(sandbox)}` } })).status).toBe(401);
  });

  it('revokes what a code issued when the code is replayed', async () => {
    const { tokens, redeemAgain } = await authorizationCode(sandbox);
    expect((await redeemAgain()).json.error).toBe('invalid_grant');
    expect((await getResource(sandbox, `Bearer ${String(tokens.json.access_token)}`)).status).toBe(401);
  });
});

describe('fault profiles', () => {
  const discovery = async (sandbox: Sandbox) => (await call(sandbox.variables.SANDBOX_DISCOVERY_URL!)).json;
  const smartConfiguration = async (sandbox: Sandbox) => (await call(`${sandbox.issuer}/.well-known/smart-configuration`)).json;
  const jwks = async (sandbox: Sandbox) => (await call(`${sandbox.issuer}/jwks`)).json.keys as JWK[];
  const accepted = async (sandbox: Sandbox, token: unknown) => expect((await getResource(sandbox, `Bearer ${String(token)}`)).status).toBe(200);
  const machineTokenAccepted = async (sandbox: Sandbox) => accepted(sandbox, await machineToken(sandbox));
  /** Proofs right in every claim still get tokens the resource takes, as DPoP with a proof and no other way. */
  const dpopIntact = async (sandbox: Sandbox) => {
    const key = await newDpopKey();
    const token = String((await dpopClientCredentials(sandbox, key)).json.access_token);
    expect((await getResourceWithDpop(sandbox, token, key)).status).toBe(200);
    expect((await getResourceWithDpop(sandbox, token, 'Bearer')).status).toBe(401);
    expect((await getResourceWithDpop(sandbox, token, 'DPoP')).status).toBe(401);
  };
  /** The ID Token of a fresh authorization code flow, and whether the flow's access token still works. */
  const idToken = async (sandbox: Sandbox) => {
    const tokens = await userTokens(sandbox);
    await accepted(sandbox, tokens.access_token);
    return { jwt: String(tokens.id_token), accessToken: tokens.access_token };
  };
  /** Waits past the short-lived profiles' access token lifetime (5 s). */
  const outliveAccessTokens = () => sleep(6000);

  interface ProfileCase {
    /** What the profile visibly breaks. */
    fault: (sandbox: Sandbox) => Promise<void>;
    /** A neighbouring behaviour it leaves conformant; by default, a client_credentials token accepted by the resource. */
    intact?: (sandbox: Sandbox) => Promise<void>;
  }

  const cases: Record<string, ProfileCase> = {
    'short-lived': {
      async fault(sandbox) {
        expect(sandbox.variables.SANDBOX_CODE_TTL).toBe('5');
        const [machine, user] = await Promise.all([clientCredentials(sandbox), userTokens(sandbox)]);
        expect(machine.json.expires_in).toBe(5);
        expect(user.expires_in).toBe(5);
        await accepted(sandbox, user.access_token);
        await outliveAccessTokens();
        for (const token of [machine.json.access_token, user.access_token]) {
          const expired = await getResource(sandbox, `Bearer ${String(token)}`);
          expect(expired.status).toBe(401);
          expect(expired.headers['www-authenticate']).toMatch(/error="invalid_token"/);
        }
      },
    },
    'discovery-error': {
      async fault(sandbox) {
        const { status, headers, json } = await call(sandbox.variables.SANDBOX_DISCOVERY_URL!);
        expect(status).toBe(404);
        expect(headers['content-type']).toMatch(/^application\/json/);
        expect(json.error).toBe('not_found');
      },
    },
    'discovery-not-json': {
      async fault(sandbox) {
        const { headers, json } = await call(sandbox.variables.SANDBOX_DISCOVERY_URL!);
        expect(headers['content-type']).toBe('text/plain');
        expect(json.issuer).toBe(sandbox.issuer);
      },
    },
    'discovery-schema': {
      async fault(sandbox) {
        const json = await discovery(sandbox);
        expect(json.issuer).toBe(sandbox.issuer);
        expect(json).not.toHaveProperty('response_types_supported');
      },
    },
    'metadata-unregistered-values': {
      async fault(sandbox) {
        expect((await discovery(sandbox)).grant_types_supported).toContain('client-secret');
      },
    },
    'issuer-mismatch': {
      async fault(sandbox) {
        expect((await discovery(sandbox)).issuer).toBe(`${sandbox.issuer}/`);
      },
    },
    'endpoint-plain-http': {
      async fault(sandbox) {
        expect(await discovery(sandbox)).toMatchObject({
          end_session_endpoint: 'http://sandbox.example.test/session/end',
          token_endpoint: `${sandbox.issuer}/token`,
        });
      },
    },
    'grant-types-undeclared': {
      async fault(sandbox) {
        expect((await discovery(sandbox)).grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
      },
    },
    'auth-methods-undeclared': {
      async fault(sandbox) {
        expect((await discovery(sandbox)).token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
      },
    },
    'assertion-algs-undeclared': {
      async fault(sandbox) {
        const metadata = await discovery(sandbox);
        expect(metadata).not.toHaveProperty('token_endpoint_auth_signing_alg_values_supported');
        expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt', 'client_secret_jwt']));
      },
    },
    'pkce-undeclared': {
      async fault(sandbox) {
        expect(await discovery(sandbox)).not.toHaveProperty('code_challenge_methods_supported');
      },
      async intact(sandbox) {
        expect((await smartConfiguration(sandbox)).code_challenge_methods_supported).toEqual(['S256']);
        await accepted(sandbox, (await userTokens(sandbox)).access_token);
      },
    },
    'smart-incomplete': {
      async fault(sandbox) {
        const json = await smartConfiguration(sandbox);
        expect(json).not.toHaveProperty('capabilities');
        expect(json.token_endpoint).toBe(`${sandbox.issuer}/token`);
      },
    },
    'smart-no-private-key-jwt': {
      async fault(sandbox) {
        const json = await smartConfiguration(sandbox);
        expect(json.token_endpoint_auth_methods_supported).not.toContain('private_key_jwt');
        expect(json.token_endpoint_auth_signing_alg_values_supported).toContain('ES384');
      },
      async intact(sandbox) {
        expect((await discovery(sandbox)).token_endpoint_auth_methods_supported).toContain('private_key_jwt');
      },
    },
    'smart-no-384-alg': {
      async fault(sandbox) {
        const json = await smartConfiguration(sandbox);
        expect(json.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS256', 'ES256']);
        expect(json.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
      },
      async intact(sandbox) {
        expect((await discovery(sandbox)).token_endpoint_auth_signing_alg_values_supported).toContain('ES384');
      },
    },
    'jwks-schema': {
      async fault(sandbox) {
        expect(await jwks(sandbox)).toContainEqual({ kid: 'broken', use: 'sig' });
      },
    },
    'jwks-private': {
      async fault(sandbox) {
        const keys = await jwks(sandbox);
        expect(keys.find((key) => key.kty === 'RSA')).toMatchObject({ d: expect.any(String), p: expect.any(String), qi: expect.any(String) });
        expect(keys.find((key) => key.kty === 'EC')).toMatchObject({ d: expect.any(String) });
      },
      async intact(sandbox) {
        await expect(jwtVerify(await machineToken(sandbox), createLocalJWKSet({ keys: (await jwks(sandbox)).map(publicPart) }))).resolves.toBeTruthy();
      },
    },
    'jwks-duplicate-kid': {
      async fault(sandbox) {
        const [first, second, ...others] = await jwks(sandbox);
        expect(others).toEqual([]);
        expect(first!.kid).toBe(second!.kid);
        expect(first!.kty).not.toBe(second!.kty);
      },
      async intact(sandbox) {
        const token = await machineToken(sandbox);
        await expect(verifyJwt(sandbox, token)).resolves.toBeTruthy();
        await expect(verifyJwt(sandbox, (await userTokens(sandbox)).id_token)).resolves.toBeTruthy();
        await accepted(sandbox, token);
      },
    },
    'token-schema': {
      async fault(sandbox) {
        expect((await clientCredentials(sandbox)).json.expires_in).toBe('3600');
      },
    },
    'token-type': {
      async fault(sandbox) {
        expect((await userTokens(sandbox)).token_type).toBe('N_A');
        expect((await clientCredentials(sandbox)).json.token_type).toBe('Bearer');
      },
    },
    'dpop-token-type-bearer': {
      async fault(sandbox) {
        const key = await newDpopKey();
        const { json } = await dpopClientCredentials(sandbox, key);
        expect(json.token_type).toBe('Bearer');
        expect(decodeJwt(String(json.access_token)).cnf).toEqual({ jkt: key.thumbprint });
      },
    },
    'dpop-jkt-missing': {
      async fault(sandbox) {
        const { json } = await dpopClientCredentials(sandbox, await newDpopKey());
        expect(json.token_type).toBe('DPoP');
        expect(decodeJwt(String(json.access_token))).not.toHaveProperty('cnf');
        // Its resource learns the binding from the token only.
        expect((await getResourceWithDpop(sandbox, String(json.access_token), 'Bearer')).status).toBe(200);
      },
    },
    'dpop-htm-unchecked': {
      async fault(sandbox) {
        expect((await dpopClientCredentials(sandbox, await newDpopKey(), { htm: 'PUT' })).json.token_type).toBe('DPoP');
      },
      intact: dpopIntact,
    },
    'dpop-htu-unchecked': {
      async fault(sandbox) {
        expect((await dpopClientCredentials(sandbox, await newDpopKey(), { htu: `${sandbox.issuer}/elsewhere` })).json.token_type).toBe('DPoP');
      },
      intact: dpopIntact,
    },
    'dpop-stale-iat-accepted': {
      async fault(sandbox) {
        const iat = Math.floor(Date.now() / 1000) - 24 * 3600;
        expect((await dpopClientCredentials(sandbox, await newDpopKey(), { iat })).json.token_type).toBe('DPoP');
      },
      intact: dpopIntact,
    },
    'dpop-replay-accepted': {
      async fault(sandbox) {
        const key = await newDpopKey();
        const claims = { jti: 'once', iat: Math.floor(Date.now() / 1000) };
        expect((await dpopClientCredentials(sandbox, key, claims)).status).toBe(200);
        expect((await dpopClientCredentials(sandbox, key, claims)).status).toBe(200);
      },
      intact: dpopIntact,
    },
    'dpop-bound-as-bearer': {
      async fault(sandbox) {
        const key = await newDpopKey();
        const token = String((await dpopClientCredentials(sandbox, key)).json.access_token);
        expect((await getResourceWithDpop(sandbox, token, 'Bearer')).status).toBe(200);
        expect((await getResourceWithDpop(sandbox, token, 'DPoP')).status).toBe(401);
      },
    },
    'dpop-proof-optional': {
      async fault(sandbox) {
        const key = await newDpopKey();
        const token = String((await dpopClientCredentials(sandbox, key)).json.access_token);
        expect((await getResourceWithDpop(sandbox, token, 'DPoP')).status).toBe(200);
        expect((await getResourceWithDpop(sandbox, token, 'Bearer')).status).toBe(401);
      },
    },
    'token-no-store': {
      async fault(sandbox) {
        const { headers } = await clientCredentials(sandbox);
        expect(headers).not.toHaveProperty('cache-control');
        expect(headers.pragma).toBe('no-cache');
      },
    },
    'token-no-pragma': {
      async fault(sandbox) {
        const { headers } = await clientCredentials(sandbox);
        expect(headers).not.toHaveProperty('pragma');
        expect(headers['cache-control']).toBe('no-store');
      },
    },
    'token-content-type': {
      async fault(sandbox) {
        const { headers, json } = await clientCredentials(sandbox);
        expect(headers['content-type']).toBe('text/plain');
        expect(json.token_type).toBe('Bearer');
      },
    },
    'token-scope-omitted': {
      async fault(sandbox) {
        const { json } = await clientCredentials(sandbox, { scope: 'api:read openid' });
        expect(json).not.toHaveProperty('scope');
        expect((await verifyJwt(sandbox, json.access_token)).payload.scope).toBe('api:read');
      },
    },
    'cc-refresh-token': {
      async fault(sandbox) {
        expect((await clientCredentials(sandbox)).json.refresh_token).toEqual(expect.any(String));
      },
      async intact(sandbox) {
        const tokens = await userTokens(sandbox);
        const refreshed = await refresh(sandbox, String(tokens.refresh_token));
        expect(refreshed.status).toBe(200);
        await machineTokenAccepted(sandbox);
      },
    },
    'jwt-bad-signature': {
      async fault(sandbox) {
        const token = await machineToken(sandbox);
        await expect(verifyJwt(sandbox, token)).rejects.toThrow(/signature verification failed/);
        expect(decodeJwt(token)).toMatchObject({ iss: sandbox.issuer, client_id: sandbox.variables.SANDBOX_CLIENT_ID });
      },
      async intact(sandbox) {
        await machineTokenAccepted(sandbox);
        await expect(verifyJwt(sandbox, (await userTokens(sandbox)).id_token)).resolves.toBeTruthy();
      },
    },
    'jwt-wrong-iss': {
      async fault(sandbox) {
        const { payload, protectedHeader } = await verifyJwt(sandbox, await machineToken(sandbox));
        expect(payload.iss).toBe(`${sandbox.issuer}/other`);
        expect(protectedHeader.typ).toBe('at+jwt');
      },
    },
    'jwt-no-exp': {
      async fault(sandbox) {
        const { payload } = await verifyJwt(sandbox, await machineToken(sandbox));
        expect(payload).not.toHaveProperty('exp');
        expect(payload).toMatchObject({ iss: sandbox.issuer, jti: expect.any(String) });
      },
    },
    'jwt-not-rfc9068': {
      async fault(sandbox) {
        const { payload, protectedHeader } = await verifyJwt(sandbox, await machineToken(sandbox));
        expect(protectedHeader.typ).toBe('JWT');
        expect(payload).toMatchObject({ jti: expect.any(String) });
        expect(payload).toMatchObject({ iss: sandbox.issuer, exp: expect.any(Number) });
      },
    },
    'id-token-bad-signature': {
      async fault(sandbox) {
        const { jwt } = await idToken(sandbox);
        await expect(verifyJwt(sandbox, jwt)).rejects.toThrow(/signature verification failed/);
        expect(decodeJwt(jwt).nonce).toBe(NONCE);
      },
    },
    'id-token-wrong-iss': {
      async fault(sandbox) {
        const { jwt } = await idToken(sandbox);
        expect((await verifyJwt(sandbox, jwt)).payload).toMatchObject({ iss: `${sandbox.issuer}/other`, nonce: NONCE });
      },
    },
    'id-token-wrong-aud': {
      async fault(sandbox) {
        const { jwt } = await idToken(sandbox);
        expect((await verifyJwt(sandbox, jwt)).payload).toMatchObject({ aud: 'someone-else', iss: sandbox.issuer });
      },
    },
    'id-token-expired': {
      async fault(sandbox) {
        const { payload } = await verifyJwt(sandbox, (await idToken(sandbox)).jwt);
        expect(payload.exp).toBeLessThan(epoch());
        expect(Math.abs(payload.iat! - epoch())).toBeLessThan(5);
      },
    },
    'id-token-future-iat': {
      async fault(sandbox) {
        const { payload } = await verifyJwt(sandbox, (await idToken(sandbox)).jwt);
        expect(payload.iat! - epoch()).toBeGreaterThan(3500);
        expect(payload.exp! - payload.iat!).toBe(3600);
      },
    },
    'id-token-wrong-nonce': {
      async fault(sandbox) {
        const { payload } = await verifyJwt(sandbox, (await idToken(sandbox)).jwt);
        expect(payload.nonce).toEqual(expect.any(String));
        expect(payload.nonce).not.toBe(NONCE);
      },
    },
    'id-token-bad-at-hash': {
      async fault(sandbox) {
        const { jwt, accessToken } = await idToken(sandbox);
        const { payload } = await verifyJwt(sandbox, jwt);
        expect(payload.at_hash).toEqual(expect.any(String));
        expect(payload.at_hash).not.toBe(atHash(accessToken));
        expect(payload.nonce).toBe(NONCE);
      },
    },
    'token-lifetime-too-long': {
      async fault(sandbox) {
        const { json } = await clientCredentials(sandbox);
        expect(json.expires_in).toBe(86400);
        const { payload } = await verifyJwt(sandbox, json.access_token);
        expect(payload.exp! - payload.iat!).toBe(86400);
      },
    },
    'expires-in-inconsistent': {
      async fault(sandbox) {
        const { json } = await clientCredentials(sandbox);
        expect(json.expires_in).toBe(3000);
        const { payload } = await verifyJwt(sandbox, json.access_token);
        expect(payload.exp! - payload.iat!).toBe(3600);
      },
    },
    'clock-skew': {
      async fault(sandbox) {
        const replies = [await call(sandbox.variables.SANDBOX_DISCOVERY_URL!), await clientCredentials(sandbox), await call(`${sandbox.issuer}/nowhere`)];
        for (const reply of replies) expect(dateSkew(reply)).toBeGreaterThan(590);
      },
      async intact(sandbox) {
        const { payload } = await verifyJwt(sandbox, await machineToken(sandbox));
        expect(Math.abs(payload.iat! - epoch())).toBeLessThan(5);
        expect(Math.abs(dateSkew(await getResource(sandbox)))).toBeLessThan(5);
      },
    },
    'expired-accepted': {
      async fault(sandbox) {
        const [machine, user] = await Promise.all([machineToken(sandbox), userTokens(sandbox)]);
        expect(user.expires_in).toBe(5);
        await outliveAccessTokens();
        await accepted(sandbox, machine);
        await accepted(sandbox, user.access_token);
        expect((await introspect(sandbox, String(user.access_token))).json).toEqual({ active: false });
      },
      async intact(sandbox) {
        const token = String((await userTokens(sandbox)).access_token);
        await revoke(sandbox, token, 'access_token');
        expect((await getResource(sandbox, `Bearer ${token}`)).status).toBe(401);
      },
    },
    'bearer-refused': {
      async fault(sandbox) {
        const refused = await getResource(sandbox, `Bearer ${await machineToken(sandbox)}`);
        expect(refused.status).toBe(401);
        expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      },
      async intact(sandbox) {
        expect((await getResource(sandbox)).headers['www-authenticate']).toBe('Bearer realm="sandbox"');
        const unscoped = String((await clientCredentials(sandbox, {})).json.access_token);
        expect((await getResource(sandbox, `Bearer ${unscoped}`)).status).toBe(403);
      },
    },
    'no-www-authenticate': {
      async fault(sandbox) {
        const anonymous = await getResource(sandbox);
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers).not.toHaveProperty('www-authenticate');
      },
    },
    'scheme-case-sensitive': {
      async fault(sandbox) {
        const refused = await getResource(sandbox, `bearer ${await machineToken(sandbox)}`);
        expect(refused.status).toBe(401);
        expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      },
    },
    'invalid-token-no-error': {
      async fault(sandbox) {
        const refused = await getResource(sandbox, 'Bearer conformance-invalid-token');
        expect(refused.status).toBe(401);
        expect(refused.headers['www-authenticate']).toBe('Bearer realm="sandbox"');
      },
      async intact(sandbox) {
        const unscoped = String((await clientCredentials(sandbox, {})).json.access_token);
        expect((await getResource(sandbox, `Bearer ${unscoped}`)).status).toBe(403);
        await machineTokenAccepted(sandbox);
      },
    },
    'invalid-token-accepted': {
      async fault(sandbox) {
        expect((await getResource(sandbox, 'Bearer conformance-invalid-token')).status).toBe(200);
      },
      async intact(sandbox) {
        // A token that was issued and then revoked is still refused: only made-up tokens get through.
        const token = String((await userTokens(sandbox)).access_token);
        expect((await revoke(sandbox, token, 'access_token')).status).toBe(200);
        expect((await getResource(sandbox, `Bearer ${token}`)).status).toBe(401);
      },
    },
    'tampered-jwt-accepted': {
      async fault(sandbox) {
        const token = await machineToken(sandbox);
        await accepted(sandbox, tamper(token, 'tampered-signature'));
        await accepted(sandbox, tamper(token, 'tampered-claims'));
      },
      async intact(sandbox) {
        expect((await getResource(sandbox, 'Bearer conformance-invalid-token')).status).toBe(401);
        await machineTokenAccepted(sandbox);
      },
    },
    'alg-none-accepted': {
      async fault(sandbox) {
        await accepted(sandbox, tamper(await machineToken(sandbox), 'alg-none'));
      },
      async intact(sandbox) {
        // Signed tokens are still verified.
        const token = await machineToken(sandbox);
        expect((await getResource(sandbox, `Bearer ${tamper(token, 'tampered-signature')}`)).status).toBe(401);
        expect((await getResource(sandbox, `Bearer ${tamper(token, 'tampered-claims')}`)).status).toBe(401);
        await accepted(sandbox, token);
      },
    },
    'insufficient-scope-401': {
      async fault(sandbox) {
        const unscoped = String((await clientCredentials(sandbox, {})).json.access_token);
        const refused = await getResource(sandbox, `Bearer ${unscoped}`);
        expect(refused.status).toBe(401);
        expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      },
    },
    'query-token-accepted': {
      async fault(sandbox) {
        expect((await call(`${sandbox.variables.SANDBOX_RESOURCE_URL}?access_token=${await machineToken(sandbox)}`)).status).toBe(200);
      },
      async intact(sandbox) {
        expect((await getResource(sandbox)).headers['www-authenticate']).toBe('Bearer realm="sandbox"');
        await machineTokenAccepted(sandbox);
      },
    },
    'revoked-token-accepted': {
      async fault(sandbox) {
        const token = String((await userTokens(sandbox)).access_token);
        expect((await revoke(sandbox, token, 'access_token')).status).toBe(200);
        expect((await introspect(sandbox, token)).json).toEqual({ active: false });
        await accepted(sandbox, token);
        const machine = await machineToken(sandbox);
        expect((await revoke(sandbox, machine, 'access_token', machineAuth(sandbox))).status).toBe(200);
        await accepted(sandbox, machine);
      },
      async intact(sandbox) {
        // A revoked grant still reaches the resource: a replayed code's tokens are refused.
        const { tokens, redeemAgain } = await authorizationCode(sandbox);
        await redeemAgain();
        expect((await getResource(sandbox, `Bearer ${String(tokens.json.access_token)}`)).status).toBe(401);
        expect((await getResource(sandbox, 'Bearer conformance-invalid-token')).status).toBe(401);
      },
    },
    'introspection-wrong-client': {
      async fault(sandbox) {
        const token = String((await userTokens(sandbox)).access_token);
        expect((await introspect(sandbox, token)).json).toMatchObject({ active: true, client_id: 'another-client' });
      },
    },
    'userinfo-wrong-sub': {
      async fault(sandbox) {
        const tokens = (await redeem(sandbox, await authorize(sandbox, { scope: 'openid' }))).json;
        const info = await call(`${sandbox.issuer}/me`, { headers: { authorization: `Bearer ${String(tokens.access_token)}` } });
        expect(info.json.sub).toBe(`${String(decodeJwt(String(tokens.id_token)).sub)}-other`);
      },
    },
    'tls-untrusted': {
      async fault(sandbox) {
        const url = await registrationEndpoint(sandbox);
        expect(sandbox.trustedCertificates).toBeUndefined();
        expect(await handshake(url, { rejectUnauthorized: true })).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
        expect(await handshake(url, { rejectUnauthorized: false })).toBe('authorized: false TLSv1.3');
      },
    },
    'tls-trusted': {
      async fault(sandbox) {
        // Not a fault: a listener whose certificate a test CA issued, and the CA's certificate handed to the client.
        const url = await registrationEndpoint(sandbox);
        expect(sandbox.trustedCertificates?.map((pem) => new X509Certificate(pem).ca)).toEqual([true]);
        expect(await handshake(url, { rejectUnauthorized: true })).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
        expect(await handshake(url, { rejectUnauthorized: true, ca: sandbox.trustedCertificates })).toBe('authorized: true TLSv1.3');
      },
    },
  };

  async function registrationEndpoint(sandbox: Sandbox): Promise<URL> {
    const url = new URL(String((await discovery(sandbox)).registration_endpoint));
    expect(url.href).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/register$/);
    return url;
  }

  function handshake(url: URL, options: ConnectionOptions): Promise<string> {
    return new Promise<string>((resolve) => {
      const socket = connect({ host: url.hostname, port: Number(url.port), ...options });
      socket.once('secureConnect', () => {
        resolve(`authorized: ${socket.authorized} ${socket.getProtocol()}`);
        socket.end();
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(String(error.code)));
    });
  }

  const isLong = (name: string) => profiles.some((p) => p.name === name && p.long);

  it('has a case for every response profile but the conformant one', () => {
    // wrong-password and loading-banner change the interactive sandbox's sign-in, not a response: test/browser-login.test.ts.
    // Request, par and mtls profiles have tests of their own (sandbox-request-faults.test.ts, sandbox-par.test.ts, sandbox-mtls.test.ts).
    const covered = profiles.filter(
      (p) =>
        p.name !== 'conformant' &&
        !p.hostile &&
        !p.wrongPassword &&
        !p.loadingBanner &&
        !requestProfiles.includes(p) &&
        !parProfiles.includes(p) &&
        !mtlsProfiles.includes(p),
    );
    expect(Object.keys(cases).sort()).toEqual(covered.map((p) => p.name).sort());
  });

  // Profiles that wait out a lifetime start first, so that the others (vitest runs five at a time) pass meanwhile.
  const waitsFirst = Object.entries(cases).sort(([a], [b]) => Number(isLong(b)) - Number(isLong(a)));

  it.concurrent.for(waitsFirst)('%s', async ([name, { fault, intact = machineTokenAccepted }]) => {
    const sandbox = await startSandbox({ profile: name });
    try {
      expect(sandbox.profile).toBe(name);
      await fault(sandbox);
      await intact(sandbox);
    } finally {
      await sandbox.close();
    }
  });

  it('rejects an unknown profile, listing the valid ones', async () => {
    await expect(startSandbox({ profile: 'nope' })).rejects.toThrow(/"nope".*conformant, short-lived, .*tls-untrusted/);
  });
});
