import { describe, expect, it } from 'vitest';
import * as mtls from '../src/checks/client-auth/mtls.js';
import { catalogue } from '../src/checks/catalogue.js';
import { describeRequirements, unmetRequirement } from '../src/checks/requirements.js';
import * as binding from '../src/checks/resource-access/binding.js';
import { AREAS } from '../src/checks/types.js';
import type { Exchange } from '../src/http/exchange.js';
import { judge } from './judge.js';
import type { LoadedSuite } from '../src/suite/loaded-suite.js';

/** A recorded exchange; no response when `status` is undefined. */
function exchange(status: number | undefined, body: object = {}, headers: Record<string, string> = {}): Exchange {
  return {
    id: 1,
    label: 'test',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1,
    request: { method: 'POST', url: 'https://as.example.test/x', headers: {} },
    ...(status === undefined
      ? { error: 'connection refused' }
      : { response: { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) } }),
  };
}

describe('client-auth.tls-client-auth-declared (RFC 8705 §2.1.1, RFC 8414 §2)', () => {
  const declared = (methods?: string[]) => judge(mtls.tlsClientAuthDeclared, { document: methods ? { token_endpoint_auth_methods_supported: methods } : {} });
  it('passes when token_endpoint_auth_methods_supported lists tls_client_auth, and fails otherwise (omitted: client_secret_basic alone)', () => {
    expect(declared(['client_secret_basic', 'tls_client_auth']).status).toBe('pass');
    expect(declared(['client_secret_basic'])).toMatchObject({ status: 'fail', actual: 'token_endpoint_auth_methods_supported: client_secret_basic' });
    expect(declared().status).toBe('fail');
  });
});

describe('client-auth.tls-certificate-required (RFC 8705 §2)', () => {
  const without = (status: number | undefined, body: object = {}, issued = false) =>
    judge(mtls.tlsCertificateRequired, { exchange: exchange(status, body), issued, outcome: `POST /token → ${status}` });
  it('passes a refusal with invalid_client', () => {
    expect(without(401, { error: 'invalid_client' }).status).toBe('pass');
    expect(without(400, { error: 'invalid_client' }).status).toBe('pass');
  });
  it('fails a token issued without the certificate, and a refusal with another error code', () => {
    expect(without(200, { access_token: 'x' }, true).status).toBe('fail');
    expect(without(400, { error: 'invalid_request' })).toMatchObject({ status: 'fail', actual: expect.stringContaining('"invalid_request"') });
  });
  it('could not run on no answer, a server error or a rate limit', () => {
    expect(without(undefined).status).toBe('blocked');
    expect(without(503, { error: 'temporarily_unavailable' }).status).toBe('blocked');
    expect(without(429).status).toBe('blocked');
  });
});

describe('resource-access.certificate-binding-declared (RFC 8705 §3.3)', () => {
  it('passes only tls_client_certificate_bound_access_tokens: true', () => {
    expect(judge(binding.certificateBindingDeclared, { document: { tls_client_certificate_bound_access_tokens: true } }).status).toBe('pass');
    expect(judge(binding.certificateBindingDeclared, { document: {} })).toMatchObject({ status: 'fail', actual: expect.stringContaining('omitted') });
    expect(judge(binding.certificateBindingDeclared, { document: { tls_client_certificate_bound_access_tokens: 'true' } }).status).toBe('fail');
  });
});

describe('resource-access.certificate-bound-token (RFC 8705 §3.1)', () => {
  const thumbprint = 'pHE6gSp5dUwofwQX9bRK07afkOLhZwSmX2o8toio6ps';
  it("passes cnf.x5t#S256 equal to the certificate's thumbprint; fails none, another, or another confirmation method", () => {
    expect(judge(binding.certificateBoundToken, { thumbprint, cnf: { 'x5t#S256': thumbprint } }).status).toBe('pass');
    expect(judge(binding.certificateBoundToken, { thumbprint })).toMatchObject({ status: 'fail', actual: 'no cnf claim: the token is not bound' });
    expect(judge(binding.certificateBoundToken, { thumbprint, cnf: { 'x5t#S256': 'other' } }).status).toBe('fail');
    expect(judge(binding.certificateBoundToken, { thumbprint, cnf: { jkt: 'key' } }).status).toBe('fail');
  });
});

describe('resource-access.certificate-bound-refused (RFC 8705 §3)', () => {
  const refused = (status: number | undefined, challenge?: string) =>
    judge(binding.certificateBoundRefused, { exchange: exchange(status, {}, challenge ? { 'www-authenticate': challenge } : {}) });
  it('passes 401 invalid_token; fails acceptance and another refusal; could not run without an answer or on a 5xx', () => {
    expect(refused(401, 'Bearer realm="api", error="invalid_token"').status).toBe('pass');
    expect(refused(200).status).toBe('fail');
    expect(refused(403, 'Bearer error="insufficient_scope"').status).toBe('fail');
    expect(refused(undefined).status).toBe('blocked');
    expect(refused(502).status).toBe('blocked');
  });
});

describe('requires.client', () => {
  const suite = {
    clients: { secret: { id: 's', secret: 'x' }, cert: { id: 'c', auth: 'tls_client_auth', certificate: 'c.pem', certificate_key: 'k.pem' } },
    grants: { plain: { type: 'client_credentials', client: 'secret' }, bound: { type: 'client_credentials', client: 'cert' } },
    resources: [{ name: 'api', url: 'https://rs.example.test/', grant: 'bound' }],
    disabled: {},
  } as unknown as LoadedSuite;
  const check = (id: string) => catalogue.find((c) => c.id === id)!;
  it('applies a check to the grants and resources whose client has what it requires, and a suite check to a suite where some client has', () => {
    expect(unmetRequirement(check('client-auth.tls-certificate-required'), suite, 'bound', { long: false })).toBeUndefined();
    expect(unmetRequirement(check('client-auth.tls-certificate-required'), suite, 'plain', { long: false })).toBe(
      'the client of grant plain does not authenticate by its certificate (auth: tls_client_auth)',
    );
    expect(unmetRequirement(check('resource-access.certificate-bound-refused'), suite, 'api', { long: false })).toBeUndefined();
    expect(unmetRequirement(check('client-auth.tls-client-auth-declared'), suite, '', { long: false })).toBeUndefined();
    const disabled = { ...suite, disabled: { 'clients.cert': 'CERT is not set' } } as LoadedSuite;
    expect(unmetRequirement(check('resource-access.certificate-binding-declared'), disabled, '', { long: false })).toBe(
      'the suite has no client with a certificate',
    );
    expect(describeRequirements(check('resource-access.certificate-bound-token').requires)).toContain('a client with a certificate');
  });
});

describe('areas', () => {
  it('are listed once each: a repeated area would run and report its checks twice', () => {
    expect(new Set(AREAS).size).toBe(AREAS.length);
  });
});
