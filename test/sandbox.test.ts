import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWK } from 'jose';
import { profiles, startSandbox, type Sandbox } from '../sandbox/index.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

async function call(url: string, init: Parameters<typeof request>[1] = {}): Promise<Reply> {
  const response = await request(url, init);
  const text = await response.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not every reply is JSON; tests that need a body assert on it.
  }
  return { status: response.statusCode, headers: response.headers, json };
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

function post(url: string, params: Record<string, string>, authorization: string): Promise<Reply> {
  return call(url, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
}

function getResource(sandbox: Sandbox, authorization?: string): Promise<Reply> {
  return call(sandbox.variables.SANDBOX_RESOURCE_URL!, { headers: authorization ? { authorization } : {} });
}

function clientCredentials(sandbox: Sandbox, params: Record<string, string> = { scope: sandbox.variables.SANDBOX_SCOPE! }) {
  const { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET } = sandbox.variables;
  return post(`${sandbox.issuer}/token`, { grant_type: 'client_credentials', ...params }, basic(SANDBOX_CLIENT_ID!, SANDBOX_CLIENT_SECRET!));
}

/** GETs `url` and follows same-origin redirects with a cookie jar until one leaves the origin. */
async function followToRedirectUri(url: string): Promise<{ location: URL; hops: string[] }> {
  const jar = new Map<string, string>();
  const hops: string[] = [];
  let next = new URL(url);
  while (next.origin === new URL(url).origin) {
    hops.push(next.pathname);
    const response = await request(next, { headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') } });
    await response.body.dump();
    for (const cookie of [response.headers['set-cookie'] ?? []].flat()) {
      const [name = '', value = ''] = cookie.split(';')[0]!.split(/=(.*)/);
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
    expect(response.statusCode, `redirect from ${next.pathname}`).toBeOneOf([302, 303]);
    next = new URL(String(response.headers.location), next);
  }
  return { location: next, hops };
}

/** Authorization code flow with PKCE S256 and the code exchange; returns the token response. */
async function authorizationCode(sandbox: Sandbox) {
  const v = sandbox.variables;
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: v.SANDBOX_AUTH_CLIENT_ID!,
    response_type: 'code',
    redirect_uri: v.SANDBOX_REDIRECT_URI!,
    scope: 'openid offline_access api:read',
    state: 'state-123',
    nonce: 'nonce-456',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const { location, hops } = await followToRedirectUri(`${sandbox.issuer}/auth?${query}`);
  const code = location.searchParams.get('code');
  const tokens = await post(`${sandbox.issuer}/token`, {
    grant_type: 'authorization_code',
    code: String(code),
    redirect_uri: v.SANDBOX_REDIRECT_URI!,
    code_verifier: verifier,
  }, basic(v.SANDBOX_AUTH_CLIENT_ID!, v.SANDBOX_AUTH_CLIENT_SECRET!));
  return { location, hops, tokens };
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

function publicPart(jwk: JWK): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.includes(name)));
}

describe('conformant sandbox', () => {
  let sandbox: Sandbox;
  let appAuth: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    appAuth = basic(sandbox.variables.SANDBOX_AUTH_CLIENT_ID!, sandbox.variables.SANDBOX_AUTH_CLIENT_SECRET!);
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
  });

  it('serves discovery with its issuer and endpoints', async () => {
    const { status, headers, json } = await call(sandbox.variables.SANDBOX_DISCOVERY_URL!);
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
  });

  it('publishes public signing keys only', async () => {
    const { status, json } = await call(`${sandbox.issuer}/jwks`);
    expect(status).toBe(200);
    const keys = json.keys as JWK[];
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const member of PRIVATE_MEMBERS) expect(keys).not.toContainEqual(expect.objectContaining({ [member]: expect.anything() }));
  });

  it('issues JWT access tokens to client_credentials, uncacheable', async () => {
    const { status, headers, json } = await clientCredentials(sandbox);
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(headers['cache-control']).toBe('no-store');
    expect(headers.pragma).toBe('no-cache');
    expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'api:read' });
    const { keys } = (await call(`${sandbox.issuer}/jwks`)).json as { keys: JWK[] };
    const { payload, protectedHeader } = await jwtVerify(String(json.access_token), createLocalJWKSet({ keys }));
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({
      iss: sandbox.issuer,
      aud: sandbox.variables.SANDBOX_RESOURCE_URL,
      scope: 'api:read',
      client_id: sandbox.variables.SANDBOX_CLIENT_ID,
    });
    expect(payload.exp! - payload.iat!).toBe(json.expires_in);
  });

  it('accepts client_secret_post too', async () => {
    const { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET } = sandbox.variables;
    const { status } = await call(`${sandbox.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: SANDBOX_CLIENT_ID!, client_secret: SANDBOX_CLIENT_SECRET! }).toString(),
    });
    expect(status).toBe(200);
  });

  it('guards the resource per RFC 6750', async () => {
    const token = String((await clientCredentials(sandbox)).json.access_token);
    const ok = await getResource(sandbox, `bearer ${token}`);
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
  });

  it('completes the authorization code flow without interaction', async () => {
    const { location, hops, tokens } = await authorizationCode(sandbox);
    expect(hops).toEqual(['/auth', expect.stringMatching(/^\/interaction\//), expect.stringMatching(/^\/auth\//)]);
    expect(location.href.startsWith(`${sandbox.variables.SANDBOX_REDIRECT_URI}?`)).toBe(true);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('iss')).toBe(sandbox.issuer);
    expect(tokens.status).toBe(200);
    expect(tokens.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'api:read' });
    expect(tokens.json.refresh_token).toEqual(expect.any(String));
    expect(decodeJwt(String(tokens.json.id_token))).toMatchObject({
      iss: sandbox.issuer,
      sub: 'test-user',
      aud: sandbox.variables.SANDBOX_AUTH_CLIENT_ID,
      nonce: 'nonce-456',
    });
    const resource = await getResource(sandbox, `Bearer ${String(tokens.json.access_token)}`);
    expect(resource.json).toMatchObject({ ok: true, sub: 'test-user' });
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
    const { location } = await followToRedirectUri(`${sandbox.issuer}/auth?${query}`);
    expect(`${location.origin}${location.pathname}`).toBe(v.SANDBOX_REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('state-789');
  });

  it('rotates refresh tokens', async () => {
    const { tokens } = await authorizationCode(sandbox);
    const refresh = (token: unknown) => post(`${sandbox.issuer}/token`, { grant_type: 'refresh_token', refresh_token: String(token) }, appAuth);
    const rotated = await refresh(tokens.json.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rotated.json.refresh_token).toEqual(expect.any(String));
    expect(rotated.json.refresh_token).not.toBe(tokens.json.refresh_token);
    expect((await getResource(sandbox, `Bearer ${String(rotated.json.access_token)}`)).status).toBe(200);
    const replayed = await refresh(tokens.json.refresh_token);
    expect(replayed.status).toBe(400);
    expect(replayed.json.error).toBe('invalid_grant');
  });

  it('introspects and revokes access tokens', async () => {
    const { tokens } = await authorizationCode(sandbox);
    const token = String(tokens.json.access_token);
    const introspected = await post(`${sandbox.issuer}/token/introspection`, { token }, appAuth);
    expect(introspected.json).toMatchObject({ active: true, sub: 'test-user', scope: 'api:read', aud: sandbox.variables.SANDBOX_RESOURCE_URL });

    const revoked = await post(`${sandbox.issuer}/token/revocation`, { token, token_type_hint: 'access_token' }, appAuth);
    expect(revoked.status).toBe(200);
    expect((await post(`${sandbox.issuer}/token/introspection`, { token }, appAuth)).json).toEqual({ active: false });
    const refused = await getResource(sandbox, `Bearer ${token}`);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });
});

describe('fault profiles', () => {
  const discovery = (sandbox: Sandbox) => call(sandbox.variables.SANDBOX_DISCOVERY_URL!);
  const jwks = async (sandbox: Sandbox) => (await call(`${sandbox.issuer}/jwks`)).json.keys as JWK[];

  // What each profile visibly breaks.
  const faults: Record<string, (sandbox: Sandbox) => Promise<void>> = {
    'discovery-error': async (sandbox) => {
      const { status, headers, json } = await discovery(sandbox);
      expect(status).toBe(500);
      expect(headers['content-type']).toMatch(/^application\/json/);
      expect(json.error).toBe('server_error');
    },
    'discovery-not-json': async (sandbox) => {
      const { headers, json } = await discovery(sandbox);
      expect(headers['content-type']).toBe('text/plain');
      expect(json.issuer).toBe(sandbox.issuer);
    },
    'discovery-schema': async (sandbox) => {
      const { json } = await discovery(sandbox);
      expect(json.issuer).toBe(sandbox.issuer);
      expect(json).not.toHaveProperty('response_types_supported');
    },
    'issuer-mismatch': async (sandbox) => {
      expect((await discovery(sandbox)).json.issuer).toBe(`${sandbox.issuer}/`);
    },
    'jwks-schema': async (sandbox) => {
      expect(await jwks(sandbox)).toContainEqual({ kid: 'broken', use: 'sig' });
    },
    'jwks-private': async (sandbox) => {
      const keys = await jwks(sandbox);
      expect(keys.find((key) => key.kty === 'RSA')).toMatchObject({ d: expect.any(String), p: expect.any(String), qi: expect.any(String) });
      expect(keys.find((key) => key.kty === 'EC')).toMatchObject({ d: expect.any(String) });
      const token = String((await clientCredentials(sandbox)).json.access_token);
      await expect(jwtVerify(token, createLocalJWKSet({ keys: keys.map(publicPart) }))).resolves.toBeTruthy();
    },
    'token-schema': async (sandbox) => {
      expect((await clientCredentials(sandbox)).json.expires_in).toBe('3600');
    },
    'token-type': async (sandbox) => {
      expect((await clientCredentials(sandbox)).json.token_type).toBe('N_A');
    },
    'token-no-store': async (sandbox) => {
      const { headers } = await clientCredentials(sandbox);
      expect(headers).not.toHaveProperty('cache-control');
      expect(headers).not.toHaveProperty('pragma');
    },
    'token-content-type': async (sandbox) => {
      const { headers, json } = await clientCredentials(sandbox);
      expect(headers['content-type']).toBe('text/plain');
      expect(json.token_type).toBe('Bearer');
    },
    'bearer-refused': async (sandbox) => {
      const token = String((await clientCredentials(sandbox)).json.access_token);
      const refused = await getResource(sandbox, `Bearer ${token}`);
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      expect((await getResource(sandbox)).headers['www-authenticate']).toBe('Bearer realm="sandbox"');
    },
    'no-www-authenticate': async (sandbox) => {
      const anonymous = await getResource(sandbox);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers).not.toHaveProperty('www-authenticate');
    },
  };

  it('has a case for every fault profile', () => {
    expect(Object.keys(faults).sort()).toEqual(profiles.filter((p) => p.breaks.length > 0).map((p) => p.name).sort());
  });

  it.concurrent.for(Object.entries(faults))('%s', async ([name, reveal]) => {
    const sandbox = await startSandbox({ profile: name });
    try {
      expect(sandbox.profile).toBe(name);
      await reveal(sandbox);
      // Everything else still works: a token is issued and, unless the resource is the fault, accepted.
      const token = String((await clientCredentials(sandbox)).json.access_token);
      expect((await getResource(sandbox, `Bearer ${token}`)).status).toBe(name === 'bearer-refused' ? 401 : 200);
    } finally {
      await sandbox.close();
    }
  });

  it('rejects an unknown profile, listing the valid ones', async () => {
    await expect(startSandbox({ profile: 'nope' })).rejects.toThrow(
      /"nope".*conformant, discovery-error, .*no-www-authenticate/,
    );
  });
});
