import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import * as dpop from '../src/checks/dpop/checks.js';
import type { Check } from '../src/checks/check.js';
import { athOf, dpopProof, newDpopKey, nonceRequested } from '../src/flows/dpop-proof.js';
import type { TokenResult } from '../src/flows/token.js';
import type { Exchange } from '../src/http/exchange.js';
import type { HttpResult } from '../src/http/request.js';
import { createDpopVerifier } from '../sandbox/dpop-verifier.js';
import { startMinimalProvider } from './fixtures/minimal-provider.js';
import { runGenericSuite } from './helpers.js';

function exchange(status: number | undefined, body = '', headers: Record<string, string> = {}): Exchange {
  return {
    id: 1,
    label: 'test',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1,
    request: { method: 'POST', url: 'https://id.example.com/token', headers: {} },
    ...(status === undefined ? { error: 'connection refused' } : { response: { status, headers, body } }),
  };
}

const judge = (check: Check, evidence: Record<string, unknown>) => check.judge({ exchanges: [], ...evidence });
const tokenResult = (e: Exchange, accessToken?: string): TokenResult => ({ grant: 'dpop', exchanges: [e], token: { exchange: e }, accessToken });

describe('dpop judges', () => {
  it('token-type: DPoP in any case passes; Bearer fails (RFC 9449 §5)', () => {
    const answer = (type: string) => ({ exchange: exchange(200, JSON.stringify({ access_token: 'a', token_type: type })) });
    expect(judge(dpop.tokenType, answer('DPoP')).status).toBe('pass');
    expect(judge(dpop.tokenType, answer('dpop')).status).toBe('pass');
    expect(judge(dpop.tokenType, answer('Bearer'))).toMatchObject({ status: 'fail', actual: '"Bearer"' });
  });

  it("jkt-bound: cnf.jkt must be the proof key's thumbprint (RFC 9449 §6.1)", () => {
    expect(judge(dpop.jktBound, { thumbprint: 'abc', jkt: 'abc' }).status).toBe('pass');
    expect(judge(dpop.jktBound, { thumbprint: 'abc', jkt: undefined })).toMatchObject({ status: 'fail', actual: 'cnf.jkt (absent)' });
    expect(judge(dpop.jktBound, { thumbprint: 'abc', jkt: 'xyz' }).status).toBe('fail');
  });

  it('flawed proofs: a token issued fails, a refusal passes, invalid_client or a 5xx could not run', () => {
    for (const check of [dpop.wrongHtmRefused, dpop.wrongHtuRefused, dpop.staleIatRefused, dpop.replayedJtiRefused]) {
      expect(judge(check, { result: tokenResult(exchange(200, '{}'), 'issued') }).status).toBe('fail');
      expect(judge(check, { result: tokenResult(exchange(400, '{"error":"invalid_dpop_proof"}')) }).status).toBe('pass');
      expect(judge(check, { result: tokenResult(exchange(401, '{"error":"invalid_client"}')) }).status).toBe('blocked');
      expect(judge(check, { result: tokenResult(exchange(503)) }).status).toBe('blocked');
    }
    // RFC 9449 §11.1 only describes jti replay detection as what a server can do.
    expect(dpop.replayedJtiRefused.level).toBe('SHOULD');
    expect(dpop.staleIatRefused.level).toBe('MUST');
  });

  it('presentations: accepted fails, refused passes, a 5xx or no answer could not run', () => {
    for (const check of [dpop.bearerRefused, dpop.proofRequired]) {
      expect(judge(check, { exchange: exchange(200) }).status).toBe('fail');
      expect(judge(check, { exchange: exchange(401) }).status).toBe('pass');
      expect(judge(check, { exchange: exchange(500) }).status).toBe('blocked');
      expect(judge(check, { exchange: exchange(undefined) }).status).toBe('blocked');
    }
  });

  it('apply only to grants (and resources of grants) with dpop', () => {
    for (const check of Object.values(dpop)) expect(check.requires?.grantUses).toBe('dpop');
  });
});

describe('DPoP proofs (RFC 9449 §4.2)', () => {
  it('are typed dpop+jwt, carry the public key only, and name the method, the URI without query or fragment, jti, iat and ath', async () => {
    const key = await newDpopKey();
    const proof = await dpopProof(key, { htm: 'GET', htu: 'https://rs.example.com/api?x=1#frag', accessToken: 'token-value' });
    const header = decodeProtectedHeader(proof);
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(header.jwk).not.toHaveProperty('d');
    const claims = decodeJwt(proof);
    expect(claims).toMatchObject({ htm: 'GET', htu: 'https://rs.example.com/api', ath: createHash('sha256').update('token-value').digest('base64url') });
    expect(typeof claims.jti).toBe('string');
    expect(Math.abs((claims.iat ?? 0) - Date.now() / 1000)).toBeLessThan(5);
    expect(decodeJwt(await dpopProof(key, { htm: 'GET', htu: 'https://rs.example.com/api' })).jti).not.toBe(claims.jti);
    expect(athOf('token-value')).toBe(claims.ath);
  });

  it('a nonce is asked for by a 400 use_dpop_nonce (§8) or a 401 DPoP challenge (§9), with a DPoP-Nonce header', () => {
    const result = (status: number, headers: Record<string, string>, body = ''): HttpResult => ({
      exchange: exchange(status),
      response: { status, headers, body, setCookies: [] },
    });
    expect(nonceRequested(result(400, { 'dpop-nonce': 'n' }, '{"error":"use_dpop_nonce"}'))).toBe(true);
    expect(nonceRequested(result(401, { 'dpop-nonce': 'n', 'www-authenticate': 'DPoP error="use_dpop_nonce"' }))).toBe(true);
    expect(nonceRequested(result(400, {}, '{"error":"use_dpop_nonce"}'))).toBe(false);
    expect(nonceRequested(result(400, { 'dpop-nonce': 'n' }, '{"error":"invalid_dpop_proof"}'))).toBe(false);
    expect(nonceRequested(result(200, { 'dpop-nonce': 'n' }))).toBe(false);
  });
});

describe("the sandbox resource's proof verification (RFC 9449 §4.3, §7.1)", () => {
  const url = 'http://127.0.0.1:1/api/resource';

  it('takes a proof made for the request, the token and its key once; refuses every other', async () => {
    const key = await newDpopKey();
    const other = await newDpopKey();
    const verify = createDpopVerifier(url);
    const presented = async (proof: string) => verify({ proof, method: 'GET', token: 'tok', jkt: key.thumbprint });
    const right = { htm: 'GET', htu: url, accessToken: 'tok' };
    const proof = await dpopProof(key, right);
    expect(await presented(proof)).toBeUndefined();
    expect(await presented(proof)).toMatch(/used before/);
    expect(await presented(await dpopProof(key, { ...right, htm: 'POST' }))).toMatch(/htm/);
    expect(await presented(await dpopProof(key, { ...right, htu: 'http://127.0.0.1:1/other' }))).toMatch(/htu/);
    expect(await presented(await dpopProof(key, { ...right, iat: Math.floor(Date.now() / 1000) - 3600 }))).toMatch(/iat/);
    expect(await presented(await dpopProof(key, { ...right, accessToken: 'another' }))).toMatch(/ath/);
    expect(await presented(await dpopProof(other, right))).toMatch(/key/);
    expect(await verify({ proof: undefined, method: 'GET', token: 'tok', jkt: key.thumbprint })).toMatch(/required/);
  });
});

/** The generic suite, by variables only, with OIDC_DPOP=true against an oidc-provider configured apart from the sandbox. */
describe.concurrent('the generic suite with OIDC_DPOP=true against an independent provider', () => {
  const secret = randomBytes(24).toString('base64url');
  const outcomes = async (dpopNonce: boolean) => {
    const provider = await startMinimalProvider(secret, { dpopNonce });
    try {
      const results = await runGenericSuite(provider, secret, { OIDC_DPOP: 'true' });
      return new Map(results.map((r) => [`${r.id}${r.subject ? ` [${r.subject}]` : ''}`, r.outcome]));
    } finally {
      await provider.close();
    }
  };

  it('binds both grants and passes every dpop check that applies; the others say why they are skipped', async () => {
    const of = await outcomes(false);
    const dpopOutcomes = [...of].filter(([name]) => name.startsWith('dpop.'));
    expect(dpopOutcomes.filter(([, o]) => o.status !== 'pass' && o.status !== 'skipped')).toEqual([]);
    for (const name of [
      'dpop.token-type [system]',
      'dpop.token-type [user]',
      'dpop.wrong-htm-refused [system]',
      'dpop.wrong-htu-refused [system]',
      'dpop.stale-iat-refused [system]',
      'dpop.replayed-jti-refused [system]',
      // oidc-provider's UserInfo Endpoint takes DPoP-bound tokens: the discovery document's userinfo is a resource.
      'dpop.bearer-refused [userinfo]',
      'dpop.proof-required [userinfo]',
      'resource-access.bearer-accepted [userinfo]',
    ]) {
      expect(of.get(name)?.status, name).toBe('pass');
    }
    // Its access tokens are opaque: their binding shows only through introspection, which this provider does not offer.
    expect(of.get('dpop.jkt-bound [system]')).toMatchObject({ status: 'skipped', message: expect.stringContaining('opaque') });
    expect(of.get('dpop.bearer-refused [resource]')).toMatchObject({ status: 'skipped', message: 'OIDC_RESOURCE_URL is not set' });
    expect(of.get('token-response.token-type [system]')).toMatchObject({ status: 'skipped', message: expect.stringContaining('uses DPoP') });
  });

  it('answers a server that requires nonces with its nonce, at the token endpoint (§8) and at userinfo (§9)', async () => {
    const of = await outcomes(true);
    expect(of.get('dpop.token-type [system]')?.status).toBe('pass');
    expect(of.get('dpop.token-type [user]')?.status).toBe('pass');
    expect(of.get('resource-access.bearer-accepted [userinfo]')?.status).toBe('pass');
    // §4.3 (11): with the server's nonce, the nonce dates the proof, so a stale iat is no measure.
    expect(of.get('dpop.stale-iat-refused [system]')).toMatchObject({ status: 'skipped', message: expect.stringContaining('nonce') });
  });
});
