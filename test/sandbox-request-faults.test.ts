import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontDoor } from '../sandbox/front-door.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { requestProfiles } from '../sandbox/request-profiles.js';
import { clientAssertion, JWT_BEARER_ASSERTION, type AssertionEdit, type SuiteClient } from '../src/flows/client-auth.js';
import {
  authorize,
  appAuth,
  basic,
  call,
  clientCredentials,
  getResource,
  introspect,
  machineAuth,
  postForm,
  randomValue,
  redeem,
  refresh,
  revoke,
  type Reply,
} from './sandbox-client.js';

/**
 * Each request-level profile against the probe it targets: the fault shows there, the same probe on a conformant
 * sandbox is answered per spec, and a neighbouring probe stays conformant on the profile.
 */

const mismatched = ({ variables: v }: Sandbox) => `${v.SANDBOX_REDIRECT_URI}-mismatch`;

// ---- Token endpoint probes (client sandbox-machine) ----------------------------------------------------------------

const WRONG_SECRET = 'conformance-wrong-secret';

const e1 = (s: Sandbox) =>
  postForm(`${s.issuer}/token`, 'grant_type=client_credentials', { authorization: basic(s.variables.SANDBOX_CLIENT_ID, WRONG_SECRET) });
const e2 = (s: Sandbox) =>
  postForm(`${s.issuer}/token`, { grant_type: 'client_credentials', client_id: s.variables.SANDBOX_CLIENT_ID!, client_secret: WRONG_SECRET });
const e3 = (s: Sandbox) => postForm(`${s.issuer}/token`, 'grant_type=urn:oauth-conformance:unknown-grant', { authorization: machineAuth(s) });
const e4 = (s: Sandbox) => postForm(`${s.issuer}/token`, 'scope=api%3Aread', { authorization: machineAuth(s) });
const e5 = (s: Sandbox) => postForm(`${s.issuer}/token`, 'grant_type=client_credentials&grant_type=client_credentials', { authorization: machineAuth(s) });
const e6 = (s: Sandbox) => call(`${s.issuer}/token?grant_type=client_credentials`, { headers: { authorization: machineAuth(s) } });
const e7 = (s: Sandbox) => {
  const query = new URLSearchParams({ client_id: s.variables.SANDBOX_CLIENT_ID!, client_secret: s.variables.SANDBOX_CLIENT_SECRET! });
  return postForm(`${s.issuer}/token?${query.toString()}`, 'grant_type=client_credentials');
};
const e8 = (s: Sandbox) =>
  call(`${s.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: s.variables.SANDBOX_CLIENT_ID, client_secret: s.variables.SANDBOX_CLIENT_SECRET }),
  });
const refusals = (s: Sandbox) => Promise.all([e1(s), e2(s), e3(s), e4(s), e5(s)]);
const unknownScope = (s: Sandbox) =>
  postForm(`${s.issuer}/token`, 'grant_type=client_credentials&scope=conformance%3Aunknown-scope', { authorization: machineAuth(s) });

/** Status and error of E1–E5 on a conformant server. */
const CONFORMANT_REFUSALS = [
  [401, 'invalid_client'],
  [401, 'invalid_client'],
  [400, 'unsupported_grant_type'],
  [400, 'invalid_request'],
  [400, 'invalid_request'],
];

// ---- Client assertion probes (client sandbox-key-client, private_key_jwt) ----------------------------------------------

const keyClient = ({ variables: v }: Sandbox): SuiteClient => ({
  id: v.SANDBOX_KEY_CLIENT_ID!,
  auth: 'private_key_jwt',
  key: { key: createPrivateKey(readFileSync(v.SANDBOX_CLIENT_KEY_FILE!, 'utf8')), alg: 'ES384', kid: v.SANDBOX_CLIENT_KEY_ID! },
});
/** A client_credentials request authenticated by this assertion, with these parameters changed. */
const withAssertion = (s: Sandbox, assertion: string, params: Record<string, string> = {}) =>
  postForm(`${s.issuer}/token`, {
    grant_type: 'client_credentials',
    client_id: s.variables.SANDBOX_KEY_CLIENT_ID!,
    client_assertion_type: JWT_BEARER_ASSERTION,
    client_assertion: assertion,
    ...params,
  });
/** A fresh assertion, spoilt as `edit` says. */
const a1 = async (s: Sandbox, edit: AssertionEdit = {}) => withAssertion(s, await clientAssertion(keyClient(s), `${s.issuer}/token`, edit));
/** A fresh valid assertion in a request with these parameters changed (SMART Backend Services probes). */
const a3 = async (s: Sandbox, params: Record<string, string>) => withAssertion(s, await clientAssertion(keyClient(s), `${s.issuer}/token`), params);
const EXPIRED: AssertionEdit = { claims: { iat: 1_000_000_000, exp: 1_000_000_060 } };
/** One assertion used twice. */
async function a2(s: Sandbox) {
  const assertion = await clientAssertion(keyClient(s), `${s.issuer}/token`);
  const first = await withAssertion(s, assertion);
  return { first, replay: await withAssertion(s, assertion) };
}
const invalidClient = (reply: Reply) => refused(reply, 401, 'invalid_client');
/** A profile that accepts assertions with this defect, refused on a conformant sandbox; another defect stays refused. */
const forgiving = (edit: AssertionEdit, other: AssertionEdit): Case => ({
  ...probing((s) => a1(s, edit), issued, invalidClient),
  neighbour: async (s) => invalidClient(await a1(s, other)),
});

// ---- Authorization code probes (client sandbox-app) ----------------------------------------------------------------

/** P1: a fresh authorization redeemed for its tokens. */
async function signIn(s: Sandbox): Promise<{ access: string; refresh: string; expiresIn: number }> {
  const tokens = await redeem(s, await authorize(s));
  issued(tokens);
  return { access: String(tokens.json.access_token), refresh: String(tokens.json.refresh_token), expiresIn: Number(tokens.json.expires_in) };
}

const resource = (s: Sandbox, token: string) => getResource(s, `Bearer ${token}`);

async function p2(s: Sandbox) {
  const a = await authorize(s);
  const first = await redeem(s, a);
  const replay = await redeem(s, a);
  return { first, replay, resource: await resource(s, String(first.json.access_token)) };
}
async function p3(s: Sandbox) {
  const a = await authorize(s);
  return Promise.all([redeem(s, a), redeem(s, a)]);
}
const p4 = async (s: Sandbox) => redeem(s, await authorize(s), { redirectUri: mismatched(s) });
const p5 = (s: Sandbox) => authorize(s, { redirectUri: mismatched(s) });
const p6 = async (s: Sandbox) => redeem(s, await authorize(s), { verifier: randomValue() });
const p7 = async (s: Sandbox) => redeem(s, await authorize(s), { verifier: null });
async function p8(s: Sandbox) {
  const authorization = await authorize(s, { pkce: false });
  return { authorization, token: authorization.code ? await redeem(s, authorization, { verifier: null }) : undefined };
}
async function p9(s: Sandbox) {
  const original = await signIn(s);
  return { original, refreshed: await refresh(s, original.refresh) };
}
async function p10(s: Sandbox) {
  const { refresh: old } = await signIn(s);
  const first = await refresh(s, old);
  return { first, replay: await refresh(s, old) };
}
const p11 = async (s: Sandbox) => refresh(s, (await signIn(s)).refresh, { scope: 'openid offline_access api:read api:write' });
const p12 = async (s: Sandbox) => refresh(s, (await signIn(s)).refresh, { scope: 'api:read' });
const p13 = async (s: Sandbox) => refresh(s, (await signIn(s)).refresh, { authorization: machineAuth(s) });
/** The app's refresh token presented by the machine client or by the app's id with a wrong secret, by Basic or in the body. */
const machine = ({ variables: v }: Sandbox) => ({ id: v.SANDBOX_CLIENT_ID!, secret: v.SANDBOX_CLIENT_SECRET! });
const wrongSecret = ({ variables: v }: Sandbox) => ({ id: v.SANDBOX_AUTH_CLIENT_ID!, secret: WRONG_SECRET });
const p13post = async (s: Sandbox) => refresh(s, (await signIn(s)).refresh, { post: machine(s) });
const p13wrong = async (s: Sandbox) => refresh(s, (await signIn(s)).refresh, { authorization: basic(wrongSecret(s).id, WRONG_SECRET) });
const p13wrongPost = async (s: Sandbox) => refresh(s, (await signIn(s)).refresh, { post: wrongSecret(s) });
async function p14(s: Sandbox) {
  const { refresh: token } = await signIn(s);
  const revocation = await revoke(s, token, 'refresh_token');
  return { revocation, refreshed: await refresh(s, token) };
}
async function p15(s: Sandbox) {
  const { access } = await signIn(s);
  expect((await revoke(s, access, 'access_token')).status).toBe(200);
  return resource(s, access);
}
async function p16(s: Sandbox) {
  const { access, expiresIn } = await signIn(s);
  await sleep((expiresIn + 1) * 1000);
  return resource(s, access);
}
async function p17(s: Sandbox) {
  const a = await authorize(s);
  await sleep((Number(s.variables.SANDBOX_CODE_TTL) + 1) * 1000);
  return redeem(s, a);
}

// ---- Expectations --------------------------------------------------------------------------------------------------

function issued(reply: Reply): void {
  expect(reply.status, reply.text).toBe(200);
  expect(reply.json.access_token).toEqual(expect.any(String));
}

function refused(reply: Reply, status: number, error: string): void {
  expect([reply.status, reply.json.error], reply.text).toEqual([status, error]);
}

function noToken(reply: Reply): void {
  expect(reply.status).toBeGreaterThanOrEqual(400);
  expect(reply.json).not.toHaveProperty('access_token');
}

function pkceRequired({ authorization, token }: Awaited<ReturnType<typeof p8>>): void {
  expect(authorization.callback?.searchParams.get('error')).toBe('invalid_request');
  expect(token).toBeUndefined();
}

const raced = (replies: Reply[]) => expect(replies.map((r) => r.status).sort()).toEqual([200, 400]);

// ---- Revocation, introspection and userinfo probes ---------------------------------------------------------------------

const REVOCATION = (s: Sandbox) => `${s.issuer}/token/revocation`;
const INTROSPECTION = (s: Sandbox) => `${s.issuer}/token/introspection`;
const appId = ({ variables: v }: Sandbox) => v.SANDBOX_AUTH_CLIENT_ID!;
/** The app's access token revoked or introspected naming the app without its secret. */
const p18 = async (s: Sandbox) => postForm(REVOCATION(s), { token: (await signIn(s)).access, client_id: appId(s) });
const p19 = (s: Sandbox) => postForm(REVOCATION(s), { token: `conformance-unknown-${randomValue()}` }, { authorization: appAuth(s) });
const p20 = async (s: Sandbox) => postForm(INTROSPECTION(s), { token: (await signIn(s)).access, client_id: appId(s) });
const wrongSecretAt = async (s: Sandbox, url: string) => postForm(url, { token: (await signIn(s)).access }, { authorization: basic(appId(s), WRONG_SECRET) });
async function p21(s: Sandbox) {
  const { access } = await signIn(s);
  expect((await revoke(s, access, 'access_token')).status).toBe(200);
  return introspect(s, access);
}
const p22 = (s: Sandbox) => introspect(s, `conformance-invalid-${randomValue()}`);
async function p23(s: Sandbox) {
  const { access, expiresIn } = await signIn(s);
  expect((await introspect(s, access)).json.active).toBe(true);
  await sleep((expiresIn + 1) * 1000);
  return introspect(s, access);
}
const userinfo = (s: Sandbox, authorization?: string) => call(`${s.issuer}/me`, { headers: authorization ? { authorization } : {} });
const p24 = (s: Sandbox) => userinfo(s);
const p25 = async (s: Sandbox) => userinfo(s, `Bearer ${String((await clientCredentials(s)).json.access_token)}`);
const active = (reply: Reply) => reply.json.active;

interface Case {
  faulty: (sandbox: Sandbox) => Promise<void>;
  conformant: (sandbox: Sandbox) => Promise<void>;
  neighbour: (sandbox: Sandbox) => Promise<void>;
  /** The profile `conformant` runs on, when not the conformant one: a probe that waits out a documented lifetime. */
  reference?: string;
}

/** One probe, judged on the profile and on the reference sandbox. */
function probing<T>(probe: (s: Sandbox) => Promise<T>, faulty: (result: T, s: Sandbox) => void, conformant: (result: T, s: Sandbox) => void) {
  return {
    faulty: async (s: Sandbox) => faulty(await probe(s), s),
    conformant: async (s: Sandbox) => conformant(await probe(s), s),
  };
}

const cases: Record<string, Case> = {
  'assertion-issuer-audience-only': {
    ...probing((s) => a1(s), invalidClient, issued),
    neighbour: async (s) => issued(await a1(s, { claims: { aud: s.issuer } })),
  },
  'assertion-signature-unchecked': forgiving({ corruptSignature: true }, EXPIRED),
  'assertion-expiry-unchecked': forgiving(EXPIRED, { corruptSignature: true }),
  'assertion-audience-unchecked': forgiving({ claims: { aud: 'https://audience.invalid/token' } }, { claims: { iss: 'someone-else' } }),
  'assertion-issuer-unchecked': forgiving({ claims: { iss: 'someone-else' } }, { claims: { aud: 'https://audience.invalid/token' } }),
  'assertion-alg-none-accepted': forgiving({ unsigned: true }, { corruptSignature: true }),
  'assertion-replay-accepted': {
    ...probing(
      a2,
      ({ first, replay }) => [first, replay].forEach(issued),
      ({ first, replay }) => {
        issued(first);
        invalidClient(replay);
      },
    ),
    neighbour: async (s) => invalidClient(await a1(s, EXPIRED)),
  },
  'smart-grant-type-refused-401': {
    ...probing(
      (s) => a3(s, { grant_type: 'urn:oauth-conformance:unknown-grant' }),
      (r) => refused(r, 401, 'unsupported_grant_type'),
      (r) => refused(r, 400, 'unsupported_grant_type'),
    ),
    neighbour: async (s) => refused(await e3(s), 400, 'unsupported_grant_type'),
  },
  'smart-assertion-type-ignored': {
    ...probing(
      (s) => a3(s, { client_assertion_type: 'urn:oauth-conformance:unknown-type' }),
      issued,
      (r) => refused(r, 400, 'invalid_request'),
    ),
    neighbour: async (s) => invalidClient(await a1(s, { corruptSignature: true })),
  },
  'smart-invalid-jwt-403': {
    ...probing(
      (s) => a1(s, { corruptSignature: true }),
      (r) => refused(r, 403, 'invalid_client'),
      invalidClient,
    ),
    neighbour: async (s) => refused(await e2(s), 401, 'invalid_client'),
  },
  'smart-token-scope-dropped': {
    ...probing(
      (s) => a3(s, { scope: s.variables.SANDBOX_SMART_SCOPE! }),
      (r) => {
        issued(r);
        expect(r.json).not.toHaveProperty('scope');
      },
      (r, s) => expect(r.json.scope).toBe(s.variables.SANDBOX_SMART_SCOPE),
    ),
    neighbour: async (s) =>
      expect((await postForm(`${s.issuer}/token`, 'grant_type=client_credentials&scope=api%3Aread', { authorization: machineAuth(s) })).json.scope).toBe(
        'api:read',
      ),
  },
  // First, so that its wait overlaps the other cases.
  'code-never-expires': {
    ...probing(
      p17,
      (r, s) => {
        expect(s.variables.SANDBOX_CODE_TTL).toBe('5');
        issued(r);
      },
      (r) => refused(r, 400, 'invalid_grant'),
    ),
    reference: 'short-lived',
    neighbour: async (s) => expect((await p16(s)).status).toBe(401),
  },
  'token-get-accepted': {
    ...probing(e6, issued, noToken),
    neighbour: async (s) => noToken(await e7(s)),
  },
  'duplicate-parameter-accepted': {
    ...probing(e5, issued, (r) => refused(r, 400, 'invalid_request')),
    neighbour: async (s) => refused(await e4(s), 400, 'invalid_request'),
  },
  'query-credentials-accepted': {
    ...probing(e7, issued, (r) => refused(r, 400, 'invalid_request')),
    neighbour: async (s) => noToken(await e6(s)),
  },
  'json-body-accepted': {
    ...probing(e8, issued, noToken),
    neighbour: async (s) => noToken(await e7(s)),
  },
  'basic-error-400': {
    ...probing(
      e1,
      (r) => {
        refused(r, 400, 'invalid_client');
        expect(r.headers).not.toHaveProperty('www-authenticate');
      },
      (r) => {
        refused(r, 401, 'invalid_client');
        expect(r.headers['www-authenticate']).toMatch(/^Basic /);
      },
    ),
    neighbour: async (s) => refused(await e2(s), 401, 'invalid_client'),
  },
  'post-error-code': {
    ...probing(
      e2,
      (r) => refused(r, 401, 'invalid_request'),
      (r) => refused(r, 401, 'invalid_client'),
    ),
    neighbour: async (s) => {
      const reply = await e1(s);
      refused(reply, 401, 'invalid_client');
      expect(reply.headers['www-authenticate']).toMatch(/^Basic /);
    },
  },
  'grant-type-error-code': {
    ...probing(
      e3,
      (r) => refused(r, 400, 'invalid_request'),
      (r) => refused(r, 400, 'unsupported_grant_type'),
    ),
    neighbour: async (s) => refused(await e4(s), 400, 'invalid_request'),
  },
  'missing-param-error-code': {
    ...probing(
      e4,
      (r) => refused(r, 400, 'invalid_grant'),
      (r) => refused(r, 400, 'invalid_request'),
    ),
    neighbour: async (s) => refused(await e3(s), 400, 'unsupported_grant_type'),
  },
  'unregistered-error-code': {
    ...probing(
      e5,
      (r) => refused(r, 400, 'duplicate_parameter'),
      (r) => refused(r, 400, 'invalid_request'),
    ),
    neighbour: async (s) => refused(await e4(s), 400, 'invalid_request'),
  },
  'grant-errors-as-invalid-request': {
    ...probing(
      p2,
      ({ replay }) => refused(replay, 400, 'invalid_request'),
      ({ replay }) => refused(replay, 400, 'invalid_grant'),
    ),
    neighbour: async (s) => refused(await unknownScope(s), 400, 'invalid_scope'),
  },
  'scope-error-as-invalid-request': {
    ...probing(
      unknownScope,
      (r) => refused(r, 400, 'invalid_request'),
      (r) => refused(r, 400, 'invalid_scope'),
    ),
    neighbour: async (s) => refused((await p2(s)).replay, 400, 'invalid_grant'),
  },
  'errors-as-html': {
    ...probing(
      refusals,
      (replies) => {
        expect(replies.map((r) => r.status)).toEqual(CONFORMANT_REFUSALS.map(([status]) => status));
        for (const reply of replies) {
          expect(reply.headers['content-type']).toMatch(/^text\/html/);
          expect(reply.text).toMatch(/^<!DOCTYPE html>/);
        }
        expect(replies[0].headers['www-authenticate']).toMatch(/^Basic .*error="invalid_client"/);
      },
      (replies) => {
        for (const reply of replies) expect(reply.headers['content-type']).toMatch(/^application\/json/);
      },
    ),
    neighbour: async (s) => {
      const reply = await clientCredentials(s);
      issued(reply);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
    },
  },
  'errors-as-200': {
    ...probing(
      refusals,
      (replies) =>
        expect(replies.map((r) => [r.status, r.json.error])).toEqual(CONFORMANT_REFUSALS.map(([status, error], i) => [i === 0 ? status : 200, error])),
      (replies) => expect(replies.map((r) => [r.status, r.json.error])).toEqual(CONFORMANT_REFUSALS),
    ),
    neighbour: async (s) => {
      const reply = await clientCredentials(s);
      issued(reply);
      expect((await resource(s, String(reply.json.access_token))).status).toBe(200);
    },
  },
  'state-dropped': {
    ...probing(
      authorize,
      (a, s) => {
        expect(a.code).toEqual(expect.any(String));
        expect(a.callback?.searchParams.get('iss')).toBe(s.issuer);
        expect(a.callback?.searchParams.has('state')).toBe(false);
      },
      (a) => expect(a.callback?.searchParams.get('state')).toBe(a.state),
    ),
    neighbour: async (s) => {
      await signIn(s);
    },
  },
  'code-reusable': {
    ...probing(
      async (s) => ({ sequential: await p2(s), parallel: await p3(s) }),
      ({ sequential, parallel }) => {
        issued(sequential.replay);
        expect(sequential.replay.json.access_token).toBe(sequential.first.json.access_token);
        parallel.forEach(issued);
      },
      ({ sequential, parallel }) => {
        refused(sequential.replay, 400, 'invalid_grant');
        raced(parallel);
      },
    ),
    neighbour: async (s) => refused(await p7(s), 400, 'invalid_grant'),
  },
  'code-race': {
    ...probing(p3, (replies) => replies.forEach(issued), raced),
    neighbour: async (s) => {
      const { replay, resource: after } = await p2(s);
      refused(replay, 400, 'invalid_grant');
      expect(after.status).toBe(401);
    },
  },
  'code-replay-keeps-tokens': {
    ...probing(
      p2,
      ({ replay, resource: after }) => {
        refused(replay, 400, 'invalid_grant');
        expect(after.status).toBe(200);
      },
      ({ replay, resource: after }) => {
        refused(replay, 400, 'invalid_grant');
        expect(after.status).toBe(401);
      },
    ),
    neighbour: async (s) => raced(await p3(s)),
  },
  'redirect-uri-not-compared': {
    ...probing(p4, issued, (r) => refused(r, 400, 'invalid_grant')),
    neighbour: async (s) => {
      const a = await p5(s);
      expect([a.callback, a.last]).toEqual([undefined, 400]);
    },
  },
  'redirect-uri-prefix-match': {
    ...probing(
      p5,
      (a, s) => {
        expect(`${a.callback?.origin}${a.callback?.pathname}`).toBe(mismatched(s));
        expect(a.code).toEqual(expect.any(String));
        expect(a.callback?.searchParams.get('state')).toBe(a.state);
      },
      (a) => expect([a.callback, a.last]).toEqual([undefined, 400]),
    ),
    neighbour: async (s) => {
      const a = await authorize(s);
      expect(`${a.callback?.origin}${a.callback?.pathname}`).toBe(s.variables.SANDBOX_REDIRECT_URI);
      issued(await redeem(s, a));
    },
  },
  'pkce-mismatch-accepted': {
    ...probing(p6, issued, (r) => refused(r, 400, 'invalid_grant')),
    neighbour: async (s) => {
      refused(await p7(s), 400, 'invalid_grant');
      pkceRequired(await p8(s));
      issued(await redeem(s, await authorize(s)));
    },
  },
  'pkce-verifier-optional': {
    ...probing(p7, issued, (r) => refused(r, 400, 'invalid_grant')),
    neighbour: async (s) => {
      refused(await p6(s), 400, 'invalid_grant');
      pkceRequired(await p8(s));
      issued(await redeem(s, await authorize(s)));
    },
  },
  'pkce-not-required': {
    ...probing(
      p8,
      ({ authorization, token }) => {
        expect(authorization.code).toEqual(expect.any(String));
        issued(token!);
      },
      pkceRequired,
    ),
    neighbour: async (s) => refused(await p7(s), 400, 'invalid_grant'),
  },
  'refresh-broken': {
    ...probing(
      p9,
      ({ refreshed }) => refused(refreshed, 400, 'invalid_grant'),
      ({ refreshed }) => issued(refreshed),
    ),
    neighbour: async (s) => expect((await resource(s, (await signIn(s)).access)).status).toBe(200),
  },
  'machine-grant-refused': {
    ...probing(
      (s) => clientCredentials(s),
      (r) => refused(r, 400, 'invalid_request'),
      issued,
    ),
    // Client authentication is still judged first, and other grants are served.
    neighbour: async (s) => {
      refused(await e1(s), 401, 'invalid_client');
      await signIn(s);
    },
  },
  'refresh-no-rotation': {
    ...probing(
      p9,
      ({ original, refreshed }) => {
        issued(refreshed);
        expect(refreshed.json.refresh_token ?? original.refresh).toBe(original.refresh);
      },
      ({ original, refreshed }) => {
        issued(refreshed);
        expect(refreshed.json.refresh_token).toEqual(expect.any(String));
        expect(refreshed.json.refresh_token).not.toBe(original.refresh);
      },
    ),
    neighbour: async (s) => refused((await p14(s)).refreshed, 400, 'invalid_grant'),
  },
  'refresh-replay-allowed': {
    ...probing(
      p10,
      ({ replay }) => issued(replay),
      ({ replay }) => refused(replay, 400, 'invalid_grant'),
    ),
    neighbour: async (s) => refused((await p14(s)).refreshed, 400, 'invalid_grant'),
  },
  'refresh-scope-widened': {
    ...probing(p11, issued, (r) => refused(r, 400, 'invalid_scope')),
    neighbour: async (s) => expect((await p12(s)).json.scope).toBe('api:read'),
  },
  'refresh-scope-not-narrowed': {
    ...probing(
      p12,
      (r) => {
        issued(r);
        expect(String(r.json.scope).split(' ').sort()).toEqual(['api:read', 'openid']);
      },
      (r) => expect(r.json.scope).toBe('api:read'),
    ),
    neighbour: async (s) => refused(await p11(s), 400, 'invalid_scope'),
  },
  'refresh-any-client': {
    ...probing(p13, issued, noToken),
    neighbour: async (s) => {
      issued((await p9(s)).refreshed);
      // The client presenting the token must still authenticate.
      const wrongSecret = basic(s.variables.SANDBOX_CLIENT_ID, WRONG_SECRET);
      refused(await refresh(s, (await signIn(s)).refresh, { authorization: wrongSecret }), 401, 'invalid_client');
    },
  },
  'refresh-body-credentials-unchecked': {
    faulty: async (s) => {
      issued(await p13post(s));
      issued(await p13wrongPost(s));
    },
    conformant: async (s) => {
      noToken(await p13post(s));
      refused(await p13wrongPost(s), 401, 'invalid_client');
    },
    // Basic is still checked.
    neighbour: async (s) => {
      noToken(await p13(s));
      refused(await p13wrong(s), 401, 'invalid_client');
    },
  },
  'refresh-secret-unchecked': {
    faulty: async (s) => {
      issued(await p13wrong(s));
      issued(await p13wrongPost(s));
    },
    conformant: async (s) => {
      refused(await p13wrong(s), 401, 'invalid_client');
      refused(await p13wrongPost(s), 401, 'invalid_client');
    },
    // Another client, authenticated, still cannot use the token.
    neighbour: async (s) => {
      noToken(await p13(s));
      noToken(await p13post(s));
    },
  },
  'revocation-ignored': {
    ...probing(
      p14,
      ({ revocation, refreshed }) => {
        expect(revocation.status).toBe(200);
        issued(refreshed);
      },
      ({ revocation, refreshed }) => {
        expect(revocation.status).toBe(200);
        refused(refreshed, 400, 'invalid_grant');
      },
    ),
    neighbour: async (s) => expect((await p15(s)).status).toBe(401),
  },
  'revocation-unauthenticated': {
    ...probing(
      p18,
      (r) => expect(r.status).toBe(200),
      (r) => refused(r, 401, 'invalid_client'),
    ),
    // A wrong secret is still refused.
    neighbour: async (s) => refused(await wrongSecretAt(s, REVOCATION(s)), 401, 'invalid_client'),
  },
  'revocation-unknown-token-error': {
    ...probing(
      p19,
      (r) => refused(r, 400, 'invalid_request'),
      (r) => expect(r.status).toBe(200),
    ),
    neighbour: async (s) => expect((await revoke(s, (await signIn(s)).access, 'access_token')).status).toBe(200),
  },
  'introspection-unauthenticated': {
    ...probing(
      p20,
      (r) => expect(active(r)).toBe(true),
      (r) => refused(r, 401, 'invalid_client'),
    ),
    neighbour: async (s) => refused(await wrongSecretAt(s, INTROSPECTION(s)), 401, 'invalid_client'),
  },
  'introspection-revoked-active': {
    ...probing(
      p21,
      (r) => expect(active(r)).toBe(true),
      (r) => expect(r.json).toEqual({ active: false }),
    ),
    neighbour: async (s) => expect(active(await p22(s))).toBe(false),
  },
  'introspection-unknown-active': {
    ...probing(
      p22,
      (r) => expect(active(r)).toBe(true),
      (r) => expect(r.json).toEqual({ active: false }),
    ),
    neighbour: async (s) => expect(active(await p21(s))).toBe(false),
  },
  'introspection-expired-active': {
    ...probing(
      p23,
      (r) => expect(active(r)).toBe(true),
      (r) => expect(r.json).toEqual({ active: false }),
    ),
    reference: 'short-lived',
    neighbour: async (s) => expect(active(await p22(s))).toBe(false),
  },
  'userinfo-without-token': {
    ...probing(
      p24,
      (r) => expect(r.status).toBe(200),
      (r) => expect(r.status).toBe(401),
    ),
    neighbour: async (s) => expect((await p25(s)).status).toBe(401),
  },
  'userinfo-machine-token': {
    ...probing(
      p25,
      (r, s) => expect([r.status, r.json.sub]).toEqual([200, s.variables.SANDBOX_CLIENT_ID]),
      (r) => expect(r.status).toBe(401),
    ),
    neighbour: async (s) => expect((await p24(s)).status).toBe(401),
  },
};

describe('request fault profiles', () => {
  let conformant: Sandbox;
  beforeAll(async () => {
    conformant = await startSandbox();
  });
  afterAll(() => conformant.close());

  it('has a case for every request profile', () => {
    expect(Object.keys(cases).sort()).toEqual(requestProfiles.map((p) => p.name).sort());
  });

  it('is the provider itself when there is no fault', () => {
    const provider = () => undefined;
    expect(frontDoor([], provider, [], () => undefined)).toBe(provider);
  });

  it.concurrent.for(Object.entries(cases))('%s', async ([name, { faulty, conformant: perSpec, neighbour, reference }]) => {
    const sandbox = await startSandbox({ profile: name });
    const compared = reference ? await startSandbox({ profile: reference }) : conformant;
    try {
      await Promise.all([faulty(sandbox), perSpec(compared), neighbour(sandbox)]);
    } finally {
      await Promise.all([sandbox.close(), compared === conformant ? undefined : compared.close()]);
    }
  });
});
