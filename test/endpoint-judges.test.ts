import { describe, expect, it } from 'vitest';
import * as introspection from '../src/checks/introspection/checks.js';
import { activeVerdict, inactiveVerdict, type Issued } from '../src/checks/introspection/checks.js';
import { answeredAfterExpiry, stillActive } from '../src/flows/grant-tokens.js';
import * as revocation from '../src/checks/revocation/checks.js';
import * as userinfo from '../src/checks/userinfo/checks.js';
import { subVerdict } from '../src/checks/userinfo/checks.js';
import { userinfoClaims } from '../src/checks/userinfo/probes.js';
import { unauthenticatedVerdict } from '../src/checks/verdicts.js';
import type { Check } from '../src/checks/check.js';
import { NotApplicable } from '../src/flows/blocked.js';
import { confidentialClient } from '../src/flows/revocation.js';
import type { TokenResult } from '../src/flows/token.js';
import type { Exchange } from '../src/http/exchange.js';

/** A recorded exchange with a JSON body (or none), as the HTTP client stores it. */
function exchange(status: number, body?: unknown, headers: Record<string, string> = {}): Exchange {
  return {
    id: 1,
    label: 'test',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1,
    request: { method: 'POST', url: 'https://as.example/endpoint', headers: {} },
    response: { status, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? '' : JSON.stringify(body) },
  };
}

const rule = { rule: 'the rule', expected: 'refused' };

/** A check's judge on evidence with no exchanges attached. */
const judgeOf = (check: Check, evidence: Record<string, unknown>) => check.judge({ exchanges: [], ...evidence });

describe('introspection judges (RFC 7662 §2.2)', () => {
  const issued: Issued = { clientId: 'app', scope: ['api:read', 'openid'], exp: 1_000_000, tolerance: 60 };

  it('an active token: active true, its client_id, scope (in any order) and exp within the tolerance', () => {
    const verdict = activeVerdict(exchange(200, { active: true, client_id: 'app', scope: 'openid api:read', exp: 1_000_030 }), issued);
    expect(verdict).toMatchObject({ status: 'pass', message: 'active: true, client_id, scope and exp as issued' });
  });

  it('only active is REQUIRED: members left out are named, not failed', () => {
    expect(activeVerdict(exchange(200, { active: true }), issued)).toEqual({
      status: 'pass',
      message: 'active: true; client_id, scope, exp not given (OPTIONAL)',
    });
  });

  it('a member given that contradicts the token as issued fails, each named', () => {
    const verdict = activeVerdict(exchange(200, { active: true, client_id: 'other', scope: 'api:read', exp: 1_000_100 }), issued);
    expect(verdict.status).toBe('fail');
    expect(verdict.status === 'fail' && verdict.actual).toBe(
      'client_id "other", issued to "app"; scope "api:read", granted "api:read openid"; exp 1000100, issued to expire at 1000000 (± 60 s)',
    );
    // A JWT's exp is exact.
    expect(activeVerdict(exchange(200, { active: true, exp: 1_000_001 }), { ...issued, tolerance: 0 }).status).toBe('fail');
  });

  it('active false, or no JSON object, fails for an active token', () => {
    expect(activeVerdict(exchange(200, { active: false }), issued)).toMatchObject({ status: 'fail', actual: 'active: false' });
    expect(activeVerdict(exchange(400, { error: 'invalid_request' }), issued)).toMatchObject({
      status: 'fail',
      actual: expect.stringContaining('400 invalid_request'),
    });
    expect(activeVerdict(exchange(200, ['active']), issued)).toMatchObject({ status: 'fail', actual: 'not a JSON object: ["active"]' });
  });

  it('a revoked, made-up or expired token: active false, not an error and not active', () => {
    expect(inactiveVerdict(exchange(200, { active: false }), 'a revoked token')).toEqual({ status: 'pass', message: 'active: false' });
    expect(inactiveVerdict(exchange(200, { active: true, client_id: 'app' }), 'a revoked token')).toMatchObject({ status: 'fail', actual: 'active: true' });
    expect(inactiveVerdict(exchange(400, { error: 'invalid_token' }), 'a made-up token')).toMatchObject({
      status: 'fail',
      expected: '200 with a JSON object, active: false',
    });
  });

  it('a token with too little of its lifetime left is not introspected as the active one: a short-lived one runs out while a busy run gets to it', () => {
    const issuedAgo = (seconds: number, expiresIn?: number): TokenResult => {
      const e = { ...exchange(200), startedAt: new Date(Date.now() - seconds * 1000).toISOString() };
      return { grant: 'g', exchanges: [e], token: { exchange: e }, ...(expiresIn !== undefined && { issued: { expires_in: expiresIn } }) };
    };
    expect(stillActive(issuedAgo(0, 3600))).toBe(true);
    expect(stillActive(issuedAgo(0, 3))).toBe(true);
    expect(stillActive(issuedAgo(2, 3))).toBe(false);
    expect(stillActive(issuedAgo(5, 3))).toBe(false);
    // Without expires_in there is no lifetime to go by.
    expect(stillActive(issuedAgo(600))).toBe(true);
  });

  it('an answer that came when the token it presented may have run out judges nothing: the check could not run', () => {
    const at = (startedAt: number, durationMs: number) => ({ ...exchange(401), startedAt: new Date(startedAt).toISOString(), durationMs });
    const token = (startedAt: number, expiresIn?: number): TokenResult => {
      const e = at(startedAt, 300);
      return { grant: 'g', exchanges: [e], token: { exchange: e }, ...(expiresIn !== undefined && { issued: { expires_in: expiresIn } }) };
    };
    const t0 = Date.UTC(2026, 11, 7, 9, 30);
    // Expiry counts from the token request's start, the earliest the server can have issued it.
    expect(answeredAfterExpiry(token(t0, 3), at(t0 + 1000, 1500))).toBe(false);
    expect(answeredAfterExpiry(token(t0, 3), at(t0 + 1000, 2000))).toBe(true);
    expect(answeredAfterExpiry(token(t0, 3), at(t0 + 4000, 10))).toBe(true);
    expect(answeredAfterExpiry(token(t0), at(t0 + 3_600_000, 10))).toBe(false);
  });

  it('the checks judge their evidence with these', () => {
    const evidence = { exchange: exchange(200, { active: true }), what: 'x', expected: issued };
    expect(judgeOf(introspection.active, evidence).status).toBe('pass');
    expect(judgeOf(introspection.invalidInactive, evidence).status).toBe('fail');
  });
});

describe('a request without client credentials (RFC 7009 §2.1, RFC 7662 §2.1, RFC 6749 §5.2)', () => {
  it('passes when refused with invalid_client; introspection also wants 401', () => {
    expect(unauthenticatedVerdict(exchange(401, { error: 'invalid_client' }), rule).status).toBe('pass');
    expect(unauthenticatedVerdict(exchange(400, { error: 'invalid_client' }), rule).status).toBe('pass');
    expect(unauthenticatedVerdict(exchange(400, { error: 'invalid_client' }), { ...rule, status401: true }).status).toBe('fail');
  });

  it('fails when served, or refused with another code', () => {
    expect(unauthenticatedVerdict(exchange(200), rule)).toMatchObject({
      status: 'fail',
      actual: expect.stringContaining('served without client authentication'),
    });
    expect(unauthenticatedVerdict(exchange(400, { error: 'invalid_request' }), rule)).toMatchObject({
      status: 'fail',
      actual: expect.stringContaining('invalid_request'),
    });
  });

  it('could not run when the server did not judge the request', () => {
    expect(unauthenticatedVerdict(exchange(503, { error: 'temporarily_unavailable' }), rule).status).toBe('blocked');
  });

  it('revocation and introspection use it', () => {
    expect(judgeOf(revocation.requiresClientAuth, { exchange: exchange(200) }).status).toBe('fail');
    expect(judgeOf(introspection.requiresClientAuth, { exchange: exchange(401, { error: 'invalid_client' }) }).status).toBe('pass');
  });
});

describe('revocation of a token the server never issued (RFC 7009 §2.2)', () => {
  it('answers 200; an error response fails', () => {
    expect(judgeOf(revocation.unknownToken200, { exchange: exchange(200) }).status).toBe('pass');
    expect(judgeOf(revocation.unknownToken200, { exchange: exchange(400, { error: 'invalid_request' }) })).toMatchObject({
      status: 'fail',
      actual: expect.stringContaining('400 invalid_request'),
    });
  });
});

describe('userinfo judges (OIDC Core §5.3)', () => {
  it("sub must exactly match the ID Token's", () => {
    const ok = exchange(200, { sub: 'u1' });
    const claims = (sub: string): Record<string, unknown> => ({ sub });
    expect(subVerdict({ exchange: ok, sub: 'u1', claims: claims('u1') }).status).toBe('pass');
    expect(subVerdict({ exchange: ok, sub: 'u1', claims: claims('U1') })).toMatchObject({ status: 'fail', actual: 'sub "U1"' });
    expect(subVerdict({ exchange: exchange(401), sub: 'u1', claims: {} }).status).toBe('fail');
    expect(subVerdict({ exchange: ok, sub: 'u1', claims: 'neither JSON nor a JWT (Content-Type: text/html)' }).status).toBe('fail');
  });

  it('reads the claims of a JSON answer and of a signed JWT (application/jwt)', () => {
    const raw = (body: string, type: string) => ({
      exchange: exchange(200),
      response: { status: 200, headers: { 'content-type': type }, setCookies: [], body },
    });
    expect(userinfoClaims(raw('{"sub":"u1"}', 'application/json'))).toEqual({ sub: 'u1' });
    const jwt = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"sub":"u2"}').toString('base64url')}.c2ln`;
    expect(userinfoClaims(raw(jwt, 'application/jwt; charset=utf-8'))).toMatchObject({ sub: 'u2' });
    expect(userinfoClaims(raw('<html>', 'text/html'))).toBe('neither JSON nor a JWT (Content-Type: text/html)');
  });

  it('no token: 401 with a Bearer challenge', () => {
    const judge = (e: Exchange) => judgeOf(userinfo.noTokenRefused, { exchange: e }).status;
    expect(judge(exchange(401, undefined, { 'www-authenticate': 'Bearer realm="x"' }))).toBe('pass');
    expect(judge(exchange(401))).toBe('fail');
    expect(judge(exchange(200, { sub: 'anonymous' }))).toBe('fail');
  });

  it('a client_credentials token: refused', () => {
    const judge = (e: Exchange) => judgeOf(userinfo.clientCredentialsRefused, { exchange: e }).status;
    expect(judge(exchange(401, { error: 'invalid_token' }))).toBe('pass');
    expect(judge(exchange(200, { sub: 'machine' }))).toBe('fail');
  });
});

describe('requests without client credentials', () => {
  it('do not apply to a public client, which has none to leave out (RFC 7009 §2.1 asks it of confidential clients)', () => {
    const run = (client: Record<string, unknown>) =>
      ({ suite: { grant: () => ({ client: 'app' }) }, client: () => ({ id: 'app', ...client }) }) as unknown as Parameters<typeof confidentialClient>[0];
    expect(() => confidentialClient(run({ auth: 'none' }), 'user')).toThrow(NotApplicable);
    expect(() => confidentialClient(run({}), 'user')).toThrow('client app is public: it has no credentials to leave out');
    expect(() => confidentialClient(run({ secret: 's' }), 'user')).not.toThrow();
    // A client that signs assertions with a private key is confidential without a secret.
    expect(() => confidentialClient(run({ auth: 'private_key_jwt' }), 'user')).not.toThrow();
  });
});
