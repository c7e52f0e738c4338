import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { ConfigError, type Problem } from '../src/suite/errors.js';
import { resolveSuite } from '../src/suite/load.js';
import { parseSuite } from '../src/suite/read.js';
import { runSuite } from './helpers.js';

/**
 * Mutual TLS (RFC 8705) end to end: the sandbox's mtls profile serves https with a test CA that asks for client
 * certificates; the local suite's tls_client_auth client and the generic suite's secret client with a certificate
 * (OIDC_CLIENT_CERT_FILE) present it, get tokens bound to it, and the mtls checks pass.
 */
const MTLS_CHECKS = [
  'client-auth.tls-client-auth-declared',
  'client-auth.tls-certificate-required [bound]',
  'resource-access.certificate-binding-declared',
  'resource-access.certificate-bound-token [bound]',
  'resource-access.certificate-bound-refused [bound-api]',
];

describe('mutual TLS against the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ profile: 'mtls' });
  });
  afterAll(() => sandbox.close());

  const outcomes = (results: Awaited<ReturnType<typeof runSuite>>) =>
    Object.fromEntries(results.map((r) => [`${r.id}${r.subject ? ` [${r.subject}]` : ''}`, r.outcome]));

  /** The generic suite against the mtls sandbox, its client presenting the sandbox's client certificate. */
  async function genericWithCertificate(client: Record<string, string>) {
    const v = sandbox.variables;
    const results = await runSuite('suites/generic-oidc.yaml', {
      variables: {
        OIDC_ISSUER: v.SANDBOX_ISSUER!,
        ...client,
        OIDC_SCOPE: v.SANDBOX_RESOURCE_SCOPE!,
        OIDC_RESOURCE_URL: v.SANDBOX_RESOURCE_URL!,
        OIDC_RESOURCE_SCOPE: v.SANDBOX_RESOURCE_SCOPE!,
        OIDC_CLIENT_CERT_FILE: v.SANDBOX_CLIENT_CERT_FILE!,
        OIDC_CLIENT_CERT_KEY_FILE: v.SANDBOX_CLIENT_CERT_KEY_FILE!,
      },
      trustedCertificates: sandbox.trustedCertificates,
    });
    return { results, byName: outcomes(results), show: results.map((r) => `${r.id} [${r.subject}]: ${r.outcome.status} ${r.outcome.message}`).join('\n') };
  }

  it('the local suite passes every mtls check, and no output holds the private key', async () => {
    const results = await runSuite('suites/local.yaml', sandbox);
    const show = results.map((r) => `${r.id} [${r.subject}]: ${r.outcome.status} ${r.outcome.message}`).join('\n');
    const byName = outcomes(results);
    for (const id of MTLS_CHECKS) expect(byName[id]?.status, `${id}\n${show}`).toBe('pass');
    const key = readFileSync(sandbox.variables.SANDBOX_CLIENT_CERT_KEY_FILE!, 'utf8');
    const body = key.split('\n')[1]!;
    expect(JSON.stringify(results.map((r) => r.result))).not.toContain(body);
  });

  it('the generic suite, with a secret client and OIDC_CLIENT_CERT_FILE, gets bound tokens the resource refuses without the certificate', async () => {
    const v = sandbox.variables;
    const { byName, show } = await genericWithCertificate({
      OIDC_CLIENT_ID: v.SANDBOX_MTLS_SECRET_CLIENT_ID!,
      OIDC_CLIENT_SECRET: v.SANDBOX_MTLS_SECRET_CLIENT_SECRET!,
    });
    for (const id of [
      'resource-access.certificate-binding-declared',
      'resource-access.certificate-bound-token [system]',
      'resource-access.certificate-bound-refused [resource]',
    ])
      expect(byName[id]?.status, `${id}\n${show}`).toBe('pass');
    // Its client authenticates by a secret: the tls_client_auth checks do not apply, and say why.
    expect(byName['client-auth.tls-client-auth-declared']).toMatchObject({ status: 'skipped', message: expect.stringContaining('tls_client_auth') });
  });

  it('the generic suite with OIDC_CLIENT_AUTH=tls_client_auth authenticates by the certificate alone, and passes every mtls check', async () => {
    const { results, byName, show } = await genericWithCertificate({
      OIDC_CLIENT_ID: sandbox.variables.SANDBOX_MTLS_CLIENT_ID!,
      OIDC_CLIENT_AUTH: 'tls_client_auth',
    });
    for (const id of [
      'client-auth.tls-client-auth-declared',
      'client-auth.tls-certificate-required [system]',
      'resource-access.certificate-binding-declared',
      'resource-access.certificate-bound-token [system]',
      'resource-access.certificate-bound-refused [resource]',
    ])
      expect(byName[id]?.status, `${id}\n${show}`).toBe('pass');
    // Nothing else fails or cannot run, but the error-response checks: their probes need a client with a secret (as
    // with private_key_jwt), and this one has none.
    const other = results.filter((r) => ['fail', 'blocked'].includes(r.outcome.status) && !r.id.startsWith('error-response.'));
    expect(other.map((r) => `${r.id} [${r.subject}]: ${r.outcome.message}`)).toEqual([]);
  });

  it('writes the certificate and key readable by their owner alone, and removes them on close', async () => {
    const other = await startSandbox({ profile: 'mtls' });
    const files = [other.variables.SANDBOX_CLIENT_CERT_FILE!, other.variables.SANDBOX_CLIENT_CERT_KEY_FILE!];
    for (const file of files) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    await other.close();
    for (const file of files) expect(existsSync(file), file).toBe(false);
  });
});

describe('client certificate files in a suite', () => {
  const folder = mkdtempSync(join(tmpdir(), 'mtls-suite-'));
  const notPem = join(folder, 'not.pem');
  writeFileSync(notPem, 'hello');
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const suite = (client: string) => `vendor: acme
endpoints: { issuer: https://as.example.com, token_endpoint: https://as.example.com/token }
clients:
  m: ${client}
grants:
  g: { type: client_credentials, client: m }
`;
  function problemsOf(text: string): Problem[] {
    try {
      resolveSuite(parseSuite('acme.yaml', text), {});
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return expect.fail('expected a ConfigError');
  }

  it('a missing file, a file that is not PEM, and tls_client_auth without a certificate each name the suite file, the place and the fix', () => {
    const missing = problemsOf(suite(`{ id: m, certificate: ${join(folder, 'absent.pem')}, certificate_key: ${notPem} }`));
    expect(missing).toMatchObject([
      { file: 'acme.yaml', path: 'clients.m.certificate', message: expect.stringContaining('cannot read'), fix: expect.stringMatching(/PEM/) },
    ]);
    expect(missing[0]!.line).toBe(4);
    expect(problemsOf(suite(`{ id: m, certificate: ${notPem}, certificate_key: ${notPem} }`))).toMatchObject([
      { path: 'clients.m.certificate', message: expect.stringContaining('not a PEM X.509 certificate') },
    ]);
    expect(problemsOf(suite('{ id: m, auth: tls_client_auth }'))).toMatchObject([
      { path: 'clients.m.certificate', message: expect.stringContaining('tls_client_auth') },
    ]);
    // A key variable left empty beside a certificate file.
    expect(problemsOf(suite(`{ id: m, certificate: ${notPem}, certificate_key: '' }`))).toMatchObject([
      { path: 'clients.m.certificate_key', message: 'the client has a certificate but no key' },
    ]);
  });

  it('a certificate without its key is refused by the schema', () => {
    expect(() => resolveSuite(parseSuite('acme.yaml', suite(`{ id: m, certificate: ${notPem} }`)), {})).toThrow(/key/);
  });
});
