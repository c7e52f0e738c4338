import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { parProfiles } from '../sandbox/par-profiles.js';
import { appAuth, authorize, browse, call, postForm, randomValue, type Reply } from './sandbox-client.js';

/**
 * Each par profile of the sandbox breaks its rule of RFC 9126, shown by plain requests: the profile does what the
 * rule forbids, and a sandbox that keeps the rule (conformant, or the reference named) does not.
 */

/** A push of the app client's authorization request, authenticated by Basic unless `authorization` is empty. */
function push(s: Sandbox, authorization = appAuth(s)): Promise<Reply> {
  const verifier = randomValue();
  return postForm(
    `${s.issuer}/request`,
    {
      client_id: s.variables.SANDBOX_AUTH_CLIENT_ID!,
      response_type: 'code',
      redirect_uri: s.variables.SANDBOX_REDIRECT_URI!,
      scope: 'openid api:read',
      state: randomValue(),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    },
    authorization ? { authorization } : {},
  );
}

/** The code (or the error) a request_uri leads to at the authorization endpoint. */
async function use(s: Sandbox, requestUri: unknown): Promise<string> {
  const query = new URLSearchParams({ client_id: s.variables.SANDBOX_AUTH_CLIENT_ID!, request_uri: String(requestUri) });
  const { location, hops } = await browse(`${s.issuer}/auth?${query.toString()}`);
  return location?.searchParams.has('code') ? 'code' : (location?.searchParams.get('error') ?? `HTTP ${hops.at(-1)!.status}`);
}

interface Case {
  /** What the profile does; `reference` the same request on a sandbox that keeps the rule. */
  faulty: (s: Sandbox) => Promise<void>;
  conformant: (s: Sandbox) => Promise<void>;
  reference?: string;
}

const cases: Record<string, Case> = {
  // First, so that its wait overlaps the other cases.
  'par-request-uri-never-expires': {
    async faulty(s) {
      const pushed = await push(s);
      expect(pushed.json.expires_in).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect(await use(s, pushed.json.request_uri)).toBe('code');
    },
    async conformant(s) {
      const pushed = await push(s);
      expect(pushed.json.expires_in).toBe(5);
      await new Promise((resolve) => setTimeout(resolve, 6000));
      expect(await use(s, pushed.json.request_uri)).toBe('invalid_request_uri');
    },
    reference: 'short-lived',
  },
  'par-required': {
    async faulty(s) {
      const metadata = await call(s.variables.SANDBOX_DISCOVERY_URL!);
      expect(metadata.json.require_pushed_authorization_requests).toBe(true);
      expect((await authorize(s)).callback?.searchParams.get('error')).toBe('invalid_request');
      expect(await use(s, (await push(s)).json.request_uri)).toBe('code');
    },
    async conformant(s) {
      expect((await call(s.variables.SANDBOX_DISCOVERY_URL!)).json.require_pushed_authorization_requests).toBeUndefined();
      expect((await authorize(s)).code).toEqual(expect.any(String));
    },
  },
  'par-not-enforced': {
    async faulty(s) {
      expect((await call(s.variables.SANDBOX_DISCOVERY_URL!)).json.require_pushed_authorization_requests).toBe(true);
      expect((await authorize(s)).code).toEqual(expect.any(String));
    },
    async conformant(s) {
      expect((await authorize(s)).callback?.searchParams.get('error')).toBe('invalid_request');
    },
    reference: 'par-required',
  },
  'par-request-uri-reusable': {
    async faulty(s) {
      const { request_uri: requestUri } = (await push(s)).json;
      expect([await use(s, requestUri), await use(s, requestUri), await use(s, requestUri)]).toEqual(['code', 'code', 'code']);
    },
    async conformant(s) {
      const { request_uri: requestUri } = (await push(s)).json;
      expect([await use(s, requestUri), await use(s, requestUri)]).toEqual(['code', 'invalid_request_uri']);
    },
  },
  'par-unauthenticated': {
    async faulty(s) {
      const pushed = await push(s, '');
      expect(pushed.status).toBe(201);
      expect(await use(s, pushed.json.request_uri)).toBe('code');
      // A wrong secret is still refused: only a push without authentication gets through.
      expect((await push(s, `Basic ${Buffer.from(`${s.variables.SANDBOX_AUTH_CLIENT_ID}:wrong`).toString('base64')}`)).status).toBe(401);
    },
    async conformant(s) {
      expect((await push(s, '')).json.error).toBe('invalid_client');
    },
  },
  'par-push-200': {
    async faulty(s) {
      const pushed = await push(s);
      expect(pushed.status).toBe(200);
      expect(await use(s, pushed.json.request_uri)).toBe('code');
    },
    async conformant(s) {
      const pushed = await push(s);
      expect(pushed.status).toBe(201);
      expect(pushed.json).toEqual({ request_uri: expect.stringMatching(/^urn:ietf:params:oauth:request_uri:/), expires_in: 60 });
    },
  },
};

describe('par fault profiles', () => {
  let conformant: Sandbox;
  beforeAll(async () => {
    conformant = await startSandbox();
  });
  afterAll(() => conformant.close());

  it('has a case for every par profile', () => {
    expect(Object.keys(cases).sort()).toEqual(parProfiles.map((p) => p.name).sort());
  });

  it.concurrent.for(Object.entries(cases))('%s', async ([name, { faulty, conformant: perSpec, reference }]) => {
    const sandbox = await startSandbox({ profile: name });
    const compared = reference ? await startSandbox({ profile: reference }) : conformant;
    try {
      await Promise.all([faulty(sandbox), perSpec(compared)]);
    } finally {
      await Promise.all([sandbox.close(), compared === conformant ? undefined : compared.close()]);
    }
  });
});
