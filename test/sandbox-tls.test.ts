import { describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { runLocalSuite, runSuite } from './helpers.js';

/**
 * transport.tls against a real https endpoint: the registration_endpoint the tls-* profiles advertise, served by a
 * loopback listener. It passes where the certificate chains to a test CA the run trusts (Sandbox.trustedCertificates,
 * as a private CA's would be), and fails where the run does not trust the chain.
 */
describe.concurrent('transport.tls on an https endpoint of the sandbox', () => {
  async function judged(profile: string, run: (sandbox: Sandbox) => ReturnType<typeof runLocalSuite>) {
    const sandbox = await startSandbox({ profile });
    try {
      const results = await run(sandbox);
      expect(results.map((r) => r.id)).toEqual(['transport.tls']);
      return results[0]!.outcome;
    } finally {
      await sandbox.close();
    }
  }

  it('passes on TLS 1.3 with a chain to the test CA the run trusts', async () => {
    const outcome = await judged('tls-trusted', (sandbox) => runLocalSuite(sandbox, { only: ['transport.tls'] }));
    expect(outcome).toMatchObject({ status: 'pass', observed: { handshakes: [{ protocol: 'TLSv1.3', authorized: true }] } });
  });

  it('fails on that endpoint when the run does not trust the test CA', async () => {
    const outcome = await judged('tls-trusted', (sandbox) => runSuite('suites/local.yaml', { variables: sandbox.variables }, { only: ['transport.tls'] }));
    expect(outcome).toMatchObject({ status: 'fail', observed: { handshakes: [{ authorized: false, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }] } });
  });

  it('fails on a self-signed certificate (tls-untrusted)', async () => {
    const outcome = await judged('tls-untrusted', (sandbox) => runLocalSuite(sandbox, { only: ['transport.tls'] }));
    expect(outcome).toMatchObject({ status: 'fail', observed: { handshakes: [{ authorized: false, error: 'DEPTH_ZERO_SELF_SIGNED_CERT' }] } });
  });
});
