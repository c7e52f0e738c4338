import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../src/checks/catalogue.js';
import { startMinimalProvider, type MinimalProvider } from './fixtures/minimal-provider.js';
import { runSuite } from './helpers.js';

/**
 * The generic suite, configured by variables only, authenticating with private_key_jwt at an oidc-provider set up
 * apart from the sandbox: the client-auth checks run on its client_credentials grant, and pass.
 */
describe('the generic suite with OIDC_CLIENT_AUTH=private_key_jwt', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = String(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const folder = mkdtempSync(join(tmpdir(), 'generic-client-auth-'));
  const keyFile = join(folder, 'client.pem');
  let provider: MinimalProvider;

  beforeAll(async () => {
    writeFileSync(keyFile, pem, { mode: 0o600 });
    const clientKey: JWK = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'registered-key', alg: 'RS256', use: 'sig' };
    provider = await startMinimalProvider(randomBytes(24).toString('base64url'), { clientKey });
  });
  afterAll(async () => {
    await provider.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('passes every client-auth check, and no output holds the key or an assertion', async () => {
    const env = {
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: 'plain-key-client',
      OIDC_CLIENT_AUTH: 'private_key_jwt',
      OIDC_CLIENT_KEY_FILE: keyFile,
      OIDC_CLIENT_KEY_ID: 'registered-key',
    };
    const results = await runSuite('suites/generic-oidc.yaml', { variables: env }, { only: ['client-auth'] });
    const ran = results.filter((r) => r.outcome.status !== 'skipped');
    expect(ran.map((r) => `${r.id} ${r.outcome.status} ${r.outcome.message}`).filter((line) => !line.includes(' pass '))).toEqual([]);
    // The JWT assertion checks, all of them; the mutual-TLS ones (client-auth.tls-*) need a tls_client_auth client, and
    // the SMART Backend Services ones a grant declared smart_backend, which the generic suite has none of.
    const generic = catalogue.filter((c) => c.area === 'client-auth' && !c.id.startsWith('client-auth.tls-') && c.requires?.grantUses !== 'smart-backend');
    expect(new Set(ran.map((r) => r.id))).toEqual(new Set(generic.map((c) => c.id)));
    const written = JSON.stringify(results.map((r) => [r.result, r.outcome.exchanges]));
    // Attachments show the requests, the assertion replaced by a fingerprint.
    expect(written).toMatch(/client_assertion=/);
    expect(written).not.toMatch(/client_assertion=eyJ/);
    expect(written).not.toContain(pem.split('\n')[1]);
  });
});
