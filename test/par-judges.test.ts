import { describe, expect, it } from 'vitest';
import * as par from '../src/checks/par/checks.js';
import { authorizationAnswer, type AuthorizationAnswer } from '../src/checks/par/evidence.js';
import type { Authorization } from '../src/flows/authorization-code.js';
import type { Exchange } from '../src/http/exchange.js';
import { judge } from './judge.js';

/** A recorded exchange; no response when `status` is undefined. */
function exchange(status: number | undefined, body = '', method = 'GET'): Exchange {
  return {
    id: 1,
    label: 'test',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1,
    request: { method, url: 'https://as.example.test/x', headers: {} },
    ...(status === undefined ? { error: 'connection refused' } : { response: { status, headers: {}, body } }),
  };
}

function authorization(ended: Partial<Authorization>): Authorization {
  return { exchanges: [], state: 's', ...ended };
}

describe('par.push-response (RFC 9126 §2.2)', () => {
  const push = (status: number | undefined, body?: unknown) =>
    judge(par.pushResponse, { status, body, described: `POST https://as.example.test/par → ${status ?? 'connection refused'}` });

  it('passes 201 with a request_uri and a positive integer expires_in', () => {
    expect(push(201, { request_uri: 'urn:ietf:params:oauth:request_uri:abc', expires_in: 60 }).status).toBe('pass');
  });

  it('fails another success status, a missing request_uri, and an expires_in that is not a positive integer', () => {
    expect(push(200, { request_uri: 'urn:x', expires_in: 60 })).toMatchObject({ status: 'fail', actual: 'HTTP 200' });
    expect(push(201, { expires_in: 60 })).toMatchObject({ status: 'fail', actual: 'request_uri (absent)' });
    for (const expiresIn of [0, -5, 1.5, '60', undefined])
      expect(push(201, { request_uri: 'urn:x', expires_in: expiresIn }).status, String(expiresIn)).toBe('fail');
    expect(push(201, ['urn:x']).status).toBe('fail');
  });

  it('could not run when the push was refused or got no usable answer', () => {
    for (const status of [400, 401, 500, 429, undefined]) expect(push(status, { error: 'invalid_client' }).status, String(status)).toBe('blocked');
  });
});

describe('how the authorization endpoint answered', () => {
  const callback = (query: string) => new URL(`https://app.example.test/cb?${query}`);

  it('a code is acceptance; invalid_request(_uri) redirected back, or a 4xx page, is a refusal', () => {
    expect(authorizationAnswer(authorization({ code: 'c', callback: callback('code=c') })).kind).toBe('accepted');
    expect(authorizationAnswer(authorization({ callback: callback('error=invalid_request_uri') }))).toEqual({
      kind: 'refused',
      how: 'redirected back with error=invalid_request_uri',
    });
    expect(authorizationAnswer(authorization({ callback: callback('error=invalid_request') })).kind).toBe('refused');
    expect(authorizationAnswer(authorization({ exchanges: [exchange(400, '<h1>oops</h1>')], failure: 'answered 400' })).kind).toBe('refused');
  });

  it('another error, a server error, a page or no answer proves nothing', () => {
    expect(authorizationAnswer(authorization({ callback: callback('error=access_denied') })).kind).toBe('unclear');
    expect(authorizationAnswer(authorization({ callback: callback('error=server_error') })).kind).toBe('unclear');
    for (const status of [500, 429, 200])
      expect(authorizationAnswer(authorization({ exchanges: [exchange(status)], failure: 'f' })).kind, String(status)).toBe('unclear');
  });
});

describe('par refusals at the authorization endpoint need their control', () => {
  const accepted: AuthorizationAnswer = { kind: 'accepted', how: 'redirected back to redirect_uri with a code' };
  const refused: AuthorizationAnswer = { kind: 'refused', how: 'redirected back with error=invalid_request_uri' };
  const unclear: AuthorizationAnswer = { kind: 'unclear', how: 'the authorization endpoint answered 503' };

  for (const check of [par.requestUriSingleUse, par.requestUriExpiry, par.requiredHonoured]) {
    it(`${check.id}: fails when accepted, passes when refused, could not run otherwise`, () => {
      const evidence = { controlCode: true, control: '', waited: 61 };
      expect(judge(check, { ...evidence, answer: accepted }).status).toBe('fail');
      expect(judge(check, { ...evidence, answer: refused })).toEqual({ status: 'pass', message: refused.how });
      expect(judge(check, { ...evidence, answer: unclear })).toEqual({ status: 'blocked', message: unclear.how });
      expect(judge(check, { ...evidence, controlCode: false, control: 'the push answered 400', answer: accepted }).status).toBe('blocked');
    });
  }

  it('request-uri-single-use is a SHOULD (RFC 9126 §4), the others MUST', () => {
    expect(par.requestUriSingleUse.level).toBe('SHOULD');
    expect([par.requestUriExpiry, par.requiredHonoured, par.clientAuthentication, par.pushResponse].map((c) => c.level)).toEqual([
      'MUST',
      'MUST',
      'MUST',
      'MUST',
    ]);
    expect(par.requestUriExpiry.requires?.long).toBe(true);
  });
});

describe('par.client-authentication (RFC 9126 §2.1)', () => {
  const evidence = { controlOk: true, control: 'POST /par → 201', granted: false, described: 'POST /par → 401' };

  it('passes a 400 or 401 refusal; fails when the unauthenticated push got a request_uri', () => {
    expect(judge(par.clientAuthentication, { ...evidence, status: 401 }).status).toBe('pass');
    expect(judge(par.clientAuthentication, { ...evidence, status: 400 }).status).toBe('pass');
    expect(judge(par.clientAuthentication, { ...evidence, status: 201, granted: true, described: 'POST /par → 201' }).status).toBe('fail');
  });

  it('could not run without its control, or on a server error', () => {
    expect(judge(par.clientAuthentication, { ...evidence, status: 401, controlOk: false }).status).toBe('blocked');
    expect(judge(par.clientAuthentication, { ...evidence, status: 503 }).status).toBe('blocked');
  });
});
