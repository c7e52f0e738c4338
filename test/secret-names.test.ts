import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { resolveSuite } from '../src/suite/load.js';
import { parseSuite } from '../src/suite/read.js';
import { isSecretVariable } from '../src/suite/secret-names.js';
import { cli, reportArgs, reportFiles, tempDir } from './helpers.js';
import { leaks } from './leak-forms.js';

describe('which variable names hold credentials', () => {
  it.each([
    'MY_API_KEY',
    'OIDC_CLIENT_SECRET',
    'ACME_REFRESH_TOKEN',
    'MEDPLUM_PASSWORD',
    'DB_PASSWD',
    'DB_PWD',
    'DB_PASS',
    'SIGNING_PRIVATE_KEY',
    'AWS_SECRET_ACCESS_KEY',
    'VENDOR_CREDENTIALS',
    'SSH_PASSPHRASE',
    'SESSION_COOKIE',
    'GITHUB_TOKEN',
    'KEY',
    'my_api_key',
    'my-api-key',
    'ACME_CLIENT_SECRET_VALUE',
    'ACME_PRIVATE_KEY_PEM',
    'ACME_SIGNING_KEY_JWK',
    'SERVICE_ACCOUNT_KEY_JSON',
    'ACME_API_KEY_2',
    'ACME_API_KEY_V2',
    'ACME_TOKEN_BASE64',
  ])('%s does', (name) => {
    expect(isSecretVariable(name, undefined)).toBe(true);
  });

  it.each([
    // Something about a credential, which a reader needs to see.
    'ACME_SIGNING_KEY_ID',
    'AWS_ACCESS_KEY_ID',
    'ACME_TOKEN_URL',
    'ACME_TOKEN_ENDPOINT',
    'MEDPLUM_ACCESS_TOKEN_LIFETIME',
    'OIDC_LOGIN_PASSWORD_FIELD',
    'ID_TOKEN_HINT',
    'ACME_PUBLIC_KEY',
    'ACME_PUBLIC_KEY_PEM',
    'STRIPE_PUBLISHABLE_KEY',
    // No credential word, or one used for a mechanism.
    'ONEUP_AUTH_URL',
    'OIDC_AUTH_CLIENT_ID',
    'REQUIRE_AUTH',
    'MEDPLUM_EMAIL',
    'OIDC_USERNAME',
    'BWELL_SCOPE',
    'KEYCLOAK_REALM',
    'MONKEY',
    'TOKENIZER',
    'VALUE',
  ])('%s does not', (name) => {
    expect(isSecretVariable(name, undefined)).toBe(false);
  });

  it("makes a suite's variable a secret whatever the suite says; a name that does not is only marked", () => {
    const suite = resolveSuite(
      parseSuite(
        'acme.yaml',
        'vendor: acme\nvariables:\n  MY_API_KEY: {}\n  MY_API_KEY_ID: {}\n  MY_HANDLE: { secret: true }\ndiscovery:\n  issuer: https://id.example.com/${MY_API_KEY}/${MY_API_KEY_ID}/${MY_HANDLE}\n',
      ),
      { MY_API_KEY: 'the-api-key-value', MY_API_KEY_ID: 'the-key-id-value', MY_HANDLE: 'the-handle-value' },
    );
    expect(suite.secrets.sort()).toEqual(['the-api-key-value', 'the-handle-value']);
  });
});

/**
 * A vendor key declared without `secret: true` and quoted where reports show it: in a resource URL's query, under a
 * parameter name that is no credential's, and in a vendor header. A value of an ordinary name, quoted beside it in
 * the same places, shows that the reports do quote them.
 */
const SUITE = `vendor: quoted-key
title: A vendor API key quoted in a URL and a header
variables:
  SANDBOX_ISSUER: {}
  SANDBOX_DISCOVERY_URL: {}
  SANDBOX_CLIENT_ID: {}
  SANDBOX_CLIENT_SECRET: { secret: true }
  SANDBOX_RESOURCE_URL: {}
  MY_API_KEY: { description: 'a vendor API key (not marked secret)' }
  MY_TENANT: { description: an ordinary value }
discovery:
  url: \${SANDBOX_DISCOVERY_URL}
  issuer: \${SANDBOX_ISSUER}
clients:
  backend: { id: '\${SANDBOX_CLIENT_ID}', secret: '\${SANDBOX_CLIENT_SECRET}', auth: client_secret_basic }
grants:
  system: { type: client_credentials, client: backend }
resources:
  - { name: api, url: '\${SANDBOX_RESOURCE_URL}?tenant=\${MY_TENANT}&app=\${MY_API_KEY}', grant: system }
  - name: vendor-headers
    url: \${SANDBOX_RESOURCE_URL}
    auth: { headers: { x-tenant: '\${MY_TENANT}', x-api-key: '\${MY_API_KEY}' } }
`;

describe('a suite quoting a variable named as a credential but not marked secret', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('shows its value in no report and no console line', async () => {
    const key = `api-key-${randomBytes(12).toString('hex')}`;
    const tenant = `tenant-${randomBytes(12).toString('hex')}`;
    const suite = join(await tempDir(), 'quoted-key.yaml');
    await writeFile(suite, SUITE);
    const { paths, args } = await reportArgs();
    const run = await cli(['run', '--suite', suite, '--no-html', ...args], { env: { ...sandbox.variables, MY_API_KEY: key, MY_TENANT: tenant } });
    const outputs = [...(await reportFiles(paths.dir)), { path: 'stdout', text: run.stdout }, { path: 'stderr', text: run.stderr }];
    expect(leaks(outputs, [key])).toEqual([]);
    // The control: both requests are recorded with the ordinary value as sent and the key's place fingerprinted, and
    // the console quotes the URL (the grant asks for no scope, so the resource refuses its token).
    const recorded = outputs
      .filter((o) => o.path.startsWith(paths.results))
      .map((o) => o.text)
      .join('\n');
    expect(recorded, run.stdout + run.stderr).toContain(`?tenant=${tenant}&app=[redacted:`);
    expect(recorded).toMatch(new RegExp(`"x-tenant": "${tenant}",\\s*"x-api-key": "\\[redacted:`));
    expect(run.stdout).toContain(`?tenant=${tenant}&app=[redacted:`);
  });
});
