import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { runLocalSuite } from './helpers.js';

/**
 * With the configured secrets refused, every probe that expects a refusal gets one, for the wrong reason
 * (invalid_client). None of those refusals may pass as proof of its rule, and none may be reported as a violation:
 * the checks that needed an accepted client could not run.
 */
describe('the conformant sandbox with wrong client secrets', () => {
  let sandbox: Sandbox;
  let results: Awaited<ReturnType<typeof runLocalSuite>>;
  beforeAll(async () => {
    sandbox = await startSandbox();
    const wrong = Object.fromEntries(
      Object.entries(sandbox.variables).map(([name, value]) => [name, /SECRET/.test(name) ? 'conformance-refused-secret' : value]),
    );
    results = await runLocalSuite({ ...sandbox, variables: wrong });
  });
  afterAll(() => sandbox.close());

  it('reports no violation: a refused client is no evidence against a rule', () => {
    const show = (r: (typeof results)[number]) => `${r.id}: ${r.outcome.status} ${r.outcome.message}`;
    expect(results.filter((r) => r.outcome.status === 'fail' || r.outcome.status === 'warn').map(show)).toEqual([]);
  });

  it('passes no check that needed the client accepted, and says why each could not run', () => {
    // These pass on a bare invalid_client unless their control (the same request done right) is demanded.
    const needAcceptedClient = [
      'pkce.verifier-mismatch',
      'pkce.verifier-missing',
      'authorization-code.redirect-uri-token',
      'authorization-code.parallel-redemption',
      'authorization-code.single-use',
      'error-response.get-refused',
      'error-response.duplicate-parameter',
      'error-response.query-credentials',
      'error-response.unsupported-grant-type',
      'error-response.missing-parameter',
      'resource-access.invalid-token-refused',
    ];
    // Parts of the suite this profile gives no variables for (the mtls client's) are skipped for that instead.
    const outcomes = results.filter((r) => needAcceptedClient.includes(r.id) && !r.outcome.message.endsWith(' not set'));
    expect(new Set(outcomes.map((r) => r.id))).toEqual(new Set(needAcceptedClient));
    for (const r of outcomes) {
      expect(r.outcome.status, `${r.id}: ${r.outcome.message}`).toBe('blocked');
      expect(r.outcome.message, r.id).toMatch(/invalid_client|got no token|got a token/i);
    }
  });

  it('still judges the wrong-secret probes themselves', () => {
    expect(results.filter((r) => r.id.startsWith('error-response.invalid-client-')).map((r) => r.outcome.status)).toEqual(['pass', 'pass']);
  });
});
