import { describe, expect, it } from 'vitest';
import * as smart from '../src/checks/client-auth/smart.js';
import { unmetRequirement } from '../src/checks/requirements.js';
import { smartBackend, systemScopes } from '../src/checks/token-response/smart.js';
import type { Exchange } from '../src/http/exchange.js';
import type { LoadedSuite } from '../src/suite/loaded-suite.js';

function answer(status: number | undefined, body: Record<string, unknown> = {}): Exchange {
  return {
    id: 1,
    label: 'token',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1,
    request: { method: 'POST', url: 'https://id.example.com/token', headers: {} },
    ...(status === undefined
      ? { error: 'connection refused' }
      : { response: { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } }),
  };
}

const judge = (check: { judge(e: never): { status: string } }, exchange: Exchange) => check.judge({ exchanges: [exchange], exchange } as never).status;
const TOKEN = { access_token: 'at', token_type: 'bearer', expires_in: 300, scope: 'system/Patient.rs' };

describe('SMART Backend Services judges', () => {
  it.each([
    [{ token_endpoint_auth_methods_supported: ['private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['RS384'] }, 'pass'],
    [
      { token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['ES384'] },
      'pass',
    ],
    [{ token_endpoint_auth_methods_supported: ['client_secret_basic'], token_endpoint_auth_signing_alg_values_supported: ['RS384'] }, 'fail'],
    [{ token_endpoint_auth_methods_supported: ['private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256'] }, 'fail'],
    [{ token_endpoint_auth_methods_supported: ['private_key_jwt'] }, 'fail'],
    [{}, 'fail'],
  ])('metadata %j: %s', (document, expected) => {
    expect(smart.smartMetadata.judge({ exchanges: [], document, source: 'the SMART configuration' } as never).status).toBe(expected);
  });

  it.each([
    [400, { error: 'unsupported_grant_type' }, 'pass'],
    [400, { error: 'invalid_request' }, 'pass'],
    [401, { error: 'unsupported_grant_type' }, 'fail'],
    [200, TOKEN, 'fail'],
    // The client refused though its control got a token, a server error, no answer: nothing proven.
    [401, { error: 'invalid_client' }, 'blocked'],
    [500, {}, 'blocked'],
    [undefined, {}, 'blocked'],
  ])('an invalid grant_type answered %s %j: %s', (status, body, expected) => {
    expect(judge(smart.smartInvalidGrantType, answer(status, body))).toBe(expected);
  });

  it.each([
    [400, { error: 'invalid_client' }, 'pass'],
    [401, { error: 'invalid_client' }, 'pass'],
    [400, { error: 'invalid_request' }, 'pass'],
    [403, { error: 'invalid_client' }, 'fail'],
    [400, { error: 'unauthorized_client' }, 'fail'],
    [200, TOKEN, 'fail'],
    [503, { error: 'temporarily_unavailable' }, 'blocked'],
  ])('an invalid client_assertion_type answered %s %j: %s', (status, body, expected) => {
    expect(judge(smart.smartInvalidAssertionType, answer(status, body))).toBe(expected);
  });

  it.each([
    [400, { error: 'invalid_client' }, 'pass'],
    [401, { error: 'invalid_client' }, 'pass'],
    [403, { error: 'invalid_client' }, 'fail'],
    [400, { error: 'invalid_request' }, 'fail'],
    [200, TOKEN, 'fail'],
    [undefined, {}, 'blocked'],
  ])('an assertion that does not verify answered %s %j: %s', (status, body, expected) => {
    expect(judge(smart.smartInvalidJwt, answer(status, body))).toBe(expected);
  });

  it.each([
    [TOKEN, 'pass'],
    [{ ...TOKEN, token_type: 'Bearer', scope: 'system/Patient.read system/Observation.read' }, 'pass'],
    [{ ...TOKEN, scope: 'system/*.rs system/Observation.rs?category=laboratory' }, 'pass'],
    [{ ...TOKEN, scope: undefined }, 'fail'],
    [{ ...TOKEN, scope: 'patient/Patient.read' }, 'fail'],
    [{ ...TOKEN, expires_in: undefined }, 'fail'],
    [{ ...TOKEN, token_type: 'DPoP' }, 'fail'],
  ])('token response %j: %s', (body, expected) => {
    expect(judge(smartBackend, answer(200, body))).toBe(expected);
  });

  it('reads system scopes in v1 and v2 syntax only', () => {
    expect(
      systemScopes('system/Patient.read system/Patient.rs system/*.* system/Observation.cruds openid patient/Patient.read system/Patient.x system/Patient.'),
    ).toEqual(['system/Patient.read', 'system/Patient.rs', 'system/*.*', 'system/Observation.cruds']);
  });

  it('applies to grants declared smart_backend, and the metadata check to suites with one', () => {
    const suite = {
      grants: {
        plain: { type: 'client_credentials', client: 'key' },
        smart: { type: 'client_credentials', client: 'key', smart_backend: true },
      },
      clients: { key: { id: 'k', auth: 'private_key_jwt', key_file: 'k.pem' } },
      expect: {},
    } as unknown as LoadedSuite;
    const options = { long: false };
    expect(unmetRequirement(smart.smartInvalidGrantType, suite, 'smart', options)).toBeUndefined();
    expect(unmetRequirement(smart.smartInvalidGrantType, suite, 'plain', options)).toMatch(/smart_backend/);
    expect(unmetRequirement(smart.smartMetadata, suite, '', options)).toBeUndefined();
    const without = { ...suite, grants: { plain: suite.grants!.plain } } as LoadedSuite;
    expect(unmetRequirement(smart.smartMetadata, without, '', options)).toMatch(/smart_backend/);
  });
});
