import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { INJECTED_TEXT } from '../sandbox/hostile-profiles.js';
import { newDpopKey } from '../src/flows/dpop-proof.js';
import { profiles, startSandbox, type Sandbox } from '../sandbox/index.js';
import { authorize, basic, call, clientCredentials, dpopClientCredentials, getResource, openSignInPage, postForm, redeem } from './sandbox-client.js';

/**
 * The hostile profiles, seen by a plain HTTP client: each misbehaves as it says at the transport level, and only
 * where it says.
 */

const MB = 1024 * 1024;

const discoveryUrl = (s: Sandbox) => s.variables.SANDBOX_DISCOVERY_URL!;
const jwksUrl = (s: Sandbox) => `${s.issuer}/jwks`;

/** Reads a stream until `bytes` have come; what came. Leaving the loop destroys the stream. */
async function firstBytes(stream: AsyncIterable<Buffer>, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= bytes) break;
  }
  return Buffer.concat(chunks);
}

/** The statuses of these requests, sent one after the other. */
async function statuses(send: () => Promise<{ status: number; headers: Record<string, unknown> }>, times: number) {
  const replies = [];
  for (let i = 0; i < times; i++) replies.push(await send());
  return replies;
}

const cases: Record<string, (sandbox: Sandbox) => Promise<void>> = {
  async hang(sandbox) {
    const pending = request(`${sandbox.issuer}/token`, { method: 'POST', body: 'grant_type=client_credentials', signal: AbortSignal.timeout(1000) });
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await call(discoveryUrl(sandbox))).status).toBe(200);
  },

  async slow(sandbox) {
    const startedAt = Date.now();
    await expect(request(discoveryUrl(sandbox), { signal: AbortSignal.timeout(1000) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await getResource(sandbox, 'Bearer conformance-invalid')).status).toBe(401);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(6000);
  },

  async 'slow-drip'(sandbox) {
    const response = await request(discoveryUrl(sandbox));
    const headersAt = Date.now();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const arrivals: Array<{ byte: string; at: number }> = [];
    response.body.on('data', (chunk: Buffer) => arrivals.push(...Array.from(chunk.toString()).map((byte) => ({ byte, at: Date.now() }))));
    await sleep(3000 - (Date.now() - headersAt));
    const inThreeSeconds = arrivals.length;
    await vi.waitFor(() => expect(arrivals.length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    response.body.destroy();
    expect(inThreeSeconds).toBeLessThanOrEqual(2);
    expect(
      arrivals
        .slice(0, 2)
        .map(({ byte }) => byte)
        .join(''),
    ).toBe('{"');
    // A little under the 2 s interval: the first byte may reach the client late, behind the headers.
    expect(arrivals[1]!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(1900);
    expect((await clientCredentials(sandbox)).status).toBe(200);
  },

  async 'huge-body'(sandbox) {
    const response = await request(discoveryUrl(sandbox));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(response.headers['content-length'])).toBe(50 * MB);
    const first = await firstBytes(response.body, MB);
    // The document is all there, at the start; the rest is whitespace.
    expect(JSON.parse(first.toString())).toMatchObject({ issuer: sandbox.issuer });
    expect(first.subarray(first.indexOf('}') + 1).toString()).toMatch(/^ +$/);
  },

  async 'gzip-bomb'(sandbox) {
    const response = await request(discoveryUrl(sandbox));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(Number(response.headers['content-length'])).toBeLessThan(MB);
    // Leaving the loop destroys the gunzip stream, and the pipeline the body with it: an expected premature close.
    const inflated = await firstBytes(
      pipeline(response.body, createGunzip(), () => undefined),
      MB,
    );
    expect(inflated.length).toBeGreaterThanOrEqual(MB);
    expect(inflated.toString()).toMatch(/^ +$/);
  },

  async 'not-json'(sandbox) {
    const tokens = await clientCredentials(sandbox);
    expect(tokens.status).toBe(200);
    expect(tokens.headers['content-type']).toMatch(/^application\/json/);
    expect(tokens.text).toBe('{"access_token": "abc');
    expect(() => {
      JSON.parse(tokens.text);
    }).toThrow(SyntaxError);
    // Refusals are not successes: they stay JSON.
    const refused = await postForm(`${sandbox.issuer}/token`, 'grant_type=client_credentials', {
      authorization: basic(sandbox.variables.SANDBOX_CLIENT_ID, 'wrong'),
    });
    expect(refused.status).toBe(401);
    expect(refused.json.error).toBe('invalid_client');
  },

  async 'wrong-content-type'(sandbox) {
    const jwks = await call(jwksUrl(sandbox));
    expect(jwks.status).toBe(200);
    expect(jwks.headers['content-type']).toMatch(/^text\/html/);
    expect(jwks.text).toMatch(/^<!DOCTYPE html>/);
    expect((await call(discoveryUrl(sandbox))).json.issuer).toBe(sandbox.issuer);
  },

  async 'deep-json'(sandbox) {
    const jwks = await call(jwksUrl(sandbox));
    expect(jwks.status).toBe(200);
    expect(jwks.headers['content-type']).toMatch(/^application\/json/);
    expect(jwks.text).toMatch(/^\[{100000}\]{100000}$/);
    expect((await call(discoveryUrl(sandbox))).json.issuer).toBe(sandbox.issuer);
  },

  async flaky(sandbox) {
    // The fault is transient: a request that got a 503 goes through when sent again.
    const again = await statuses(() => clientCredentials(sandbox), 3);
    expect(again.map(({ status }) => status)).toEqual([503, 200, 200]);
    expect(again[0]!.headers['retry-after']).toBeUndefined();
    // Distinct requests: the 1st, 4th, 7th… are struck.
    const scopes = ['openid api:read', 'api:read openid', 'openid api:read openid'];
    let n = 0;
    const distinct = await statuses(() => clientCredentials(sandbox, { scope: scopes[n++]! }), 3);
    expect(distinct.map(({ status }) => status)).toEqual([200, 200, 503]);
    const discovery = await statuses(() => call(`${discoveryUrl(sandbox)}?n=${n++}`), 4);
    expect(discovery.map(({ status }) => status)).toEqual([503, 200, 200, 503]);
  },

  async 'flaky-spent'(sandbox) {
    // A refusal goes through as it is, and counts for nothing.
    expect((await clientCredentials(sandbox, { scope: 'not-a-scope' })).status).toBe(400);
    // A success is lost once: the request was served, so a DPoP proof it carried is spent (RFC 9449 §11.1).
    const key = await newDpopKey();
    const jti = randomUUID();
    expect((await dpopClientCredentials(sandbox, key, { jti })).status).toBe(503);
    expect((await dpopClientCredentials(sandbox, key, { jti })).status).toBe(400);
    expect((await dpopClientCredentials(sandbox, key)).status).toBe(200);
    expect((await statuses(() => clientCredentials(sandbox), 2)).map(({ status }) => status)).toEqual([503, 200]);
  },

  async 'busy-one-time'(sandbox) {
    const refresh = () =>
      postForm(
        `${sandbox.issuer}/token`,
        { grant_type: 'refresh_token', refresh_token: 'unknown' },
        { authorization: basic(sandbox.variables.SANDBOX_AUTH_CLIENT_ID, sandbox.variables.SANDBOX_AUTH_CLIENT_SECRET) },
      );
    expect((await statuses(refresh, 2)).map(({ status }) => status)).toEqual([503, 400]);
    // Other grants are untouched.
    expect((await clientCredentials(sandbox)).status).toBe(200);
  },

  async 'rate-limited'(sandbox) {
    const limited = await clientCredentials(sandbox);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
    await sleep(2000);
    expect((await clientCredentials(sandbox)).status).toBe(200);
    const [first, second] = sandbox.requests().filter(({ path }) => path === '/token');
    expect(first).toMatchObject({ method: 'POST', at: expect.any(Number) });
    expect(second).toMatchObject({ method: 'POST', at: expect.any(Number) });
    // The log is what shows a client waited as it was told.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(2000);
    // Each client is limited once: the app client's first request too (it may not use client_credentials).
    const app = basic(sandbox.variables.SANDBOX_AUTH_CLIENT_ID, sandbox.variables.SANDBOX_AUTH_CLIENT_SECRET);
    const send = () => postForm(`${sandbox.issuer}/token`, { grant_type: 'client_credentials' }, { authorization: app });
    expect((await statuses(send, 2)).map(({ status }) => status)).toEqual([429, 400]);
  },

  async 'injected-text'(sandbox) {
    const token = `${sandbox.issuer}/token`;
    const refusals = [
      await postForm(token, 'grant_type=client_credentials', { authorization: basic(sandbox.variables.SANDBOX_CLIENT_ID, 'wrong') }),
      await postForm(token, 'grant_type=unknown-grant', { authorization: basic(sandbox.variables.SANDBOX_CLIENT_ID, sandbox.variables.SANDBOX_CLIENT_SECRET) }),
    ];
    expect(refusals.map(({ status }) => status)).toEqual([401, 400]);
    expect(refusals.map(({ json }) => json.error)).toEqual([`invalid_client${INJECTED_TEXT}`, `unsupported_grant_type${INJECTED_TEXT}`]);
    for (const { json } of refusals) expect(json.error_description).toBe(INJECTED_TEXT);
    // Every kind of injection is there, byte for byte.
    for (const piece of [
      '[the docs](http://',
      '![x](http://127.0.0.1:1/pixel.png)',
      '<img ',
      '\r# Heading',
      '\u001b[31m',
      '\u001b]8;;',
      '\u001b]0;',
      '\u009b',
      '\uffff',
    ])
      expect(INJECTED_TEXT).toContain(piece);
    // Successes are untouched.
    const tokens = await clientCredentials(sandbox);
    expect(tokens.status).toBe(200);
    expect(typeof tokens.json.access_token).toBe('string');
  },

  async 'echo-credentials'(sandbox) {
    const authorization = basic(sandbox.variables.SANDBOX_CLIENT_ID, 'echoed-wrong-secret');
    const refused = await postForm(`${sandbox.issuer}/token`, 'grant_type=client_credentials&scope=x', { authorization });
    expect(refused.status).toBe(401);
    expect(refused.json.error).toBe('invalid_client');
    expect(refused.json.request).toEqual({ authorization, body: 'grant_type=client_credentials&scope=x' });
    expect(refused.json.error_description).toContain(authorization);
    expect(refused.json.error_description).toContain(Buffer.from('grant_type=client_credentials&scope=x').toString('base64url'));
    expect(refused.headers['www-authenticate']).toContain(authorization);
    expect((await clientCredentials(sandbox)).status).toBe(200);
  },

  ...Object.fromEntries(
    (
      [
        ['token-bom', (body: string) => body.startsWith('\uFEFF{')],
        ['token-xssi', (body: string) => body.startsWith(")]}'\n{")],
        ['token-trailing-text', (body: string) => body.endsWith('}\n<!-- served by gateway -->')],
      ] as const
    ).map(([name, wrapped]) => [
      name,
      async (sandbox: Sandbox) => {
        const response = await request(`${sandbox.issuer}/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: basic(sandbox.variables.SANDBOX_CLIENT_ID, sandbox.variables.SANDBOX_CLIENT_SECRET),
          },
          body: `grant_type=client_credentials&scope=${sandbox.variables.SANDBOX_SCOPE}`,
        });
        // As bytes: a text decoder would drop the byte-order mark.
        const body = Buffer.from(await response.body.arrayBuffer()).toString('utf8');
        expect(response.statusCode).toBe(200);
        expect(wrapped(body), body).toBe(true);
        expect(body).toMatch(/"access_token":"[^"]+"/);
      },
    ]),
  ),

  async 'token-over-cap'(sandbox) {
    const tokens = await clientCredentials(sandbox);
    expect(tokens.status).toBe(200);
    expect(tokens.text.length).toBeGreaterThan(MB);
    expect(tokens.text).toMatch(/^\{"access_token":"[^"]+".*\}-{1048577}$/s);
  },

  async 'token-form-text'(sandbox) {
    const tokens = await clientCredentials(sandbox);
    expect(tokens.status).toBe(200);
    expect(tokens.headers['content-type']).toMatch(/^text\/plain/);
    const form = new URLSearchParams(tokens.text);
    expect(form.get('access_token')).toMatch(/^eyJ/);
    expect(form.get('token_type')).toBe('Bearer');
  },

  async 'echo-session-cookie'(sandbox) {
    const tokens = await clientCredentials(sandbox);
    const session = /^gw_session=([^;]+);/.exec(String(tokens.headers['set-cookie']))![1]!;
    expect(tokens.json.gateway).toBe(`session gw_session=${session} bound to this client`);
    expect(sandbox.issued()).toContain(session);
  },

  async 'disguised-credentials'(sandbox) {
    const tokens = await clientCredentials(sandbox);
    const { access_token: token, session, apiKey, jwt, debug } = tokens.json as Record<string, string>;
    for (const name of ['accessToken', 'AccessToken', 'ACCESS_TOKEN', 'access-token']) expect(tokens.json[name], name).toBe(token);
    expect(debug).toBe(`token (base64) ${Buffer.from(token!).toString('base64')}`);
    const [header] = jwt!.split('.');
    expect(header).not.toMatch(/^eyJ/);
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    // What the fault made up is issued, as far as a leak test is concerned.
    expect(sandbox.issued()).toEqual(expect.arrayContaining([token, session, apiKey, jwt]));
  },

  async reset(sandbox) {
    await expect(call(jwksUrl(sandbox))).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    const jwks = await call(jwksUrl(sandbox));
    expect(jwks.status).toBe(200);
    expect(jwks.json.keys).toEqual(expect.arrayContaining([expect.objectContaining({ kty: 'RSA' })]));
  },

  async 'file-authorization-endpoint'(sandbox) {
    const discovery = await call(discoveryUrl(sandbox));
    expect(discovery.json.authorization_endpoint).toBe('file:///etc/passwd');
    // Only that member: the real endpoint still works.
    expect(discovery.json.token_endpoint).toBe(`${sandbox.issuer}/token`);
    expect((await authorize(sandbox)).code).toEqual(expect.any(String));
  },

  async 'init-injection'(sandbox) {
    const { json } = await call(discoveryUrl(sandbox));
    expect(json.issuer).toContain("' }\n  HOME: {");
    expect(json.end_session_endpoint).toContain("\nresources:\n  - { name: injected, url: 'http://127.0.0.1:1/?home=${HOME}'");
    expect(json.userinfo_endpoint).toBe('http://127.0.0.1:1/me?home=${HOME}');
    expect(json.revocation_endpoint).toMatch(/^javascript:/);
    expect(json['x\ndocs: http://127.0.0.1:1/injected\n#_endpoint']).toBe('http://127.0.0.1:1/');
    expect(json.grant_types_supported).toEqual([
      'authorization_code',
      'refresh_token',
      'client_credentials',
      "refresh_token\ndeviations: { discovery.issuer-match: 'injected' }",
    ]);
    expect(json.scopes_supported).toContain("openid' }\n  SCOPE: {}\n#");
    expect(json.code_challenge_methods_supported).toEqual(['S256', 'plain ${HOME}']);
    // Only the document: the real endpoints still work.
    expect(json.token_endpoint).toBe(`${sandbox.issuer}/token`);
    expect((await clientCredentials(sandbox)).status).toBe(200);
  },

  async 'echo-password'() {
    const interactive = await startSandbox({ profile: 'echo-password', login: 'interactive' });
    try {
      const v = interactive.variables;
      const { csrf, post } = await openSignInPage(interactive);
      const refused = await post({ csrf, username: v.SANDBOX_USERNAME!, password: v.SANDBOX_PASSWORD! });
      expect(refused.status).toBe(200);
      // The password as typed, in clear, in the text of the error.
      expect(await refused.text()).toContain(`<p class="error" role="alert">Wrong password ${v.SANDBOX_PASSWORD} for ${v.SANDBOX_USERNAME}.</p>`);
    } finally {
      await interactive.close();
    }
  },

  async 'code-in-page'(sandbox) {
    const authorization = await authorize(sandbox);
    expect(authorization.callback).toBeUndefined();
    expect(authorization.last).toBe(200);
    const page = authorization.page!;
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const refresh = /^0;url=(.+)$/.exec(String(page.headers.refresh))?.[1];
    const callback = new URL(refresh!);
    expect(`${callback.origin}${callback.pathname}`).toBe(sandbox.variables.SANDBOX_REDIRECT_URI);
    const code = callback.searchParams.get('code')!;
    expect(callback.searchParams.get('state')).toBe(authorization.state);
    // The same code three ways: the header, a meta refresh (HTML-escaped) and a form_post form.
    expect(page.text).toContain(`<meta http-equiv="refresh" content="0;url=${refresh!.replace(/&/g, '&#38;')}">`);
    expect(page.text).toContain(`<input type="hidden" name="code" value="${code}">`);
    expect(page.text).toMatch(new RegExp(`<form method="post" action="${sandbox.variables.SANDBOX_REDIRECT_URI}">`));
    // The code is a real one.
    expect((await redeem(sandbox, { ...authorization, code })).status).toBe(200);
  },
};

describe('hostile profiles', () => {
  const hostile = profiles.filter((p) => p.hostile);

  it('has a case for every hostile profile, and none of them breaks a rule', () => {
    expect(Object.keys(cases).sort()).toEqual(hostile.map((p) => p.name).sort());
    for (const profile of hostile) expect(profile.breaks, profile.name).toEqual([]);
  });

  it.concurrent.for(Object.entries(cases))('%s', async ([name, misbehaves]) => {
    const sandbox = await startSandbox({ profile: name });
    try {
      await misbehaves(sandbox);
    } finally {
      await sandbox.close();
    }
  });

  /** A request the profile leaves pending, once the sandbox holds it; it settles when the sandbox closes. */
  const pendingRequests: Record<string, (sandbox: Sandbox) => Promise<{ pending: Promise<unknown> }>> = {
    async hang(sandbox) {
      const pending = call(`${sandbox.issuer}/token`, { method: 'POST', body: 'grant_type=client_credentials' });
      await vi.waitFor(() => expect(sandbox.requests().map(({ path }) => path)).toContain('/token'), { timeout: 10_000 });
      return { pending };
    },
    async 'slow-drip'(sandbox) {
      const response = await request(discoveryUrl(sandbox));
      return { pending: response.body.text() };
    },
  };

  it.concurrent.for(Object.entries(pendingRequests))('%s: close() drops a pending request promptly', async ([name, pendingRequest]) => {
    const sandbox = await startSandbox({ profile: name });
    const { pending } = await pendingRequest(sandbox);
    // Handled from the start: the request fails while close() runs, before the race below is decided.
    const failure = pending.then(
      () => undefined,
      (error: unknown) => error,
    );
    const closed = await Promise.race([sandbox.close().then(() => true), sleep(2000, false)]);
    expect(closed, 'close() resolved within 2 s').toBe(true);
    expect(await failure).toMatchObject({ code: 'UND_ERR_SOCKET' });
  });
});

describe('issued credentials', () => {
  it('lists every token, code and session cookie the authorization server handed out, as it was sent', async () => {
    const sandbox = await startSandbox({ login: 'interactive' });
    try {
      expect(sandbox.issued()).toEqual([]);
      const machine = await clientCredentials(sandbox);
      const { cookies } = await openSignInPage(sandbox);
      const values = cookies.map((c) => c.slice(c.indexOf('=') + 1)).filter((v) => v.length >= 16);
      expect(values.length).toBeGreaterThan(0);
      expect(sandbox.issued()).toEqual(expect.arrayContaining([machine.json.access_token, ...values]));
    } finally {
      await sandbox.close();
    }
    const auto = await startSandbox();
    try {
      const authorization = await authorize(auto);
      const tokens = await redeem(auto, authorization);
      expect(auto.issued()).toEqual(expect.arrayContaining([authorization.code, tokens.json.access_token, tokens.json.refresh_token, tokens.json.id_token]));
    } finally {
      await auto.close();
    }
  });
});

describe('request log', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it("records every request to the sandbox's servers, without its query, when it arrives, and hands out copies", async () => {
    const before = Date.now();
    expect(sandbox.requests()).toEqual([]);
    await call(`${discoveryUrl(sandbox)}?probe=1`);
    expect(sandbox.requests()).toHaveLength(1);
    await clientCredentials(sandbox);
    await call(sandbox.variables.SANDBOX_RESOURCE_URL!);
    const after = Date.now();
    const log = sandbox.requests();
    expect(log.map(({ method, path }) => [method, path])).toEqual([
      ['GET', '/.well-known/openid-configuration'],
      ['POST', '/token'],
      ['GET', new URL(sandbox.variables.SANDBOX_RESOURCE_URL!).pathname],
    ]);
    const times = log.map(({ at }) => at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(before);
    expect(Math.max(...times)).toBeLessThanOrEqual(after);
    // What it hands out is a copy.
    log.length = 0;
    expect(sandbox.requests()).toHaveLength(3);
  });
});
