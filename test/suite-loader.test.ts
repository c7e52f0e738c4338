import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../sandbox/index.js';
import { resolveSuite } from '../src/suite/load.js';
import { ConfigError } from '../src/suite/errors.js';
import { parseSuite, readSuite } from '../src/suite/read.js';
import { suiteFiles } from '../src/suite/select.js';
import { problemsOf, root, runSuite, SHIPPED_SUITES } from './helpers.js';

const suitesDir = join(root, 'suites');
const shipped = (file: string) => SHIPPED_SUITES.includes(basename(file, '.yaml'));

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`${needle} is not in the text`);
  return { line: line + 1, column: lines[line]!.indexOf(needle) + 1 };
}

const load = (text: string, env: Record<string, string | undefined> = {}) => resolveSuite(parseSuite('acme.yaml', text), env);

/** A suite exercising every part: clients, both grant types, a resource, secret, optional and defaulted variables. */
const fullSuite = `vendor: acme
variables:
  ISSUER: { description: the issuer URL }
  CLIENT_ID: {}
  CLIENT_SECRET: { secret: true }
  WEB_ID: { optional: true }
  REDIRECT: { optional: true }
  API_URL: { optional: true }
  SCOPE: { default: read write }
discovery:
  issuer: \${ISSUER}
clients:
  backend: { id: '\${CLIENT_ID}', secret: '\${CLIENT_SECRET}' }
  web: { id: '\${WEB_ID}', secret: literal-web-secret, auth: client_secret_post }
grants:
  system: { type: client_credentials, client: backend, scope: '\${SCOPE}' }
  user:
    type: authorization_code
    client: web
    redirect_uri: https://app.example/cb
    code: { strategy: redirect }
resources:
  - { name: api, url: https://api.example/me, grant: user }
  - { name: jobs, url: https://api.example/jobs, grant: system }
`;
const fullEnv = { ISSUER: 'https://id.example.com/', CLIENT_ID: 'backend-id', CLIENT_SECRET: 'backend-secret-value', WEB_ID: 'web-id' };

describe('parseSuite', () => {
  it('keeps the data and names the suite after its file', () => {
    const source = parseSuite('suites/acme-prod.yaml', fullSuite);
    expect(source.name).toBe('acme-prod');
    expect(source.data.vendor).toBe('acme');
    expect(Object.keys(source.data.grants ?? {})).toEqual(['system', 'user']);
  });

  it.each([
    ['a nested mapping on one line', 'vendor: acme\ndiscovery:\n  issuer: x\n  url: a: b\ntitle: t\n'],
    ['a tab used for indentation', 'vendor: acme\ndiscovery:\n  issuer: x\n\tx: 1\ntitle: t\n'],
    ['a duplicated key', 'vendor: acme\ndiscovery:\n  issuer: x\n  issuer: y\n'],
  ])('reports invalid YAML (%s) at its line', (_, text) => {
    let thrown: unknown;
    try {
      parseSuite('acme.yaml', text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const [problem] = (thrown as ConfigError).problems;
    expect(problem).toMatchObject({ file: 'acme.yaml', line: 4, message: expect.stringMatching(/^invalid YAML: /) });
    expect((thrown as ConfigError).message).toMatch(/^acme\.yaml:4:\d+: invalid YAML/);
  });

  const typos = [
    {
      where: 'inside a grant',
      text: 'vendor: acme\ndiscovery: { issuer: https://x/ }\nclients: { c: { id: x } }\ngrants:\n  g:\n    type: client_credentials\n    client: c\n    scpoe: openid\n',
      key: 'scpoe',
      path: 'grants.g.scpoe',
      fix: /^did you mean "scope"\?/,
    },
    {
      where: 'at the top level',
      text: 'vendor: acme\ndiscovry:\n  issuer: https://x/\n',
      key: 'discovry',
      path: 'discovry',
      fix: /^did you mean "discovery"\?/,
    },
    {
      where: 'inside a client, with no close match',
      text: 'vendor: acme\ndiscovery: { issuer: https://x/ }\nclients:\n  c:\n    id: x\n    colour: blue\n',
      key: 'colour',
      path: 'clients.c.colour',
      fix: /^remove it; allowed here: id, secret, auth, key_file, certificate, certificate_key, kid, alg$/,
    },
  ];

  it.each(typos)('names an unknown key $where and suggests the correction', ({ text, key, path, fix }) => {
    const problem = problemsOf(() => parseSuite('acme.yaml', text)).find((p) => p.message.includes('unknown key'));
    expect(problem).toMatchObject({ file: 'acme.yaml', path, message: `unknown key "${key}"`, fix: expect.stringMatching(fix) });
    expect(problem?.line).toBe(positionOf(text, `${key}:`).line);
  });

  it.each(typos)('points at the unknown key $where itself, not at its value', ({ text, key }) => {
    const problem = problemsOf(() => parseSuite('acme.yaml', text)).find((p) => p.message.includes('unknown key'));
    expect({ line: problem?.line, column: problem?.column }).toEqual(positionOf(text, `${key}:`));
  });

  it.each([
    ['an unknown type', 'type: password', 'unknown grant type "password"'],
    ['no type', 'scope: openid', 'grant needs a "type"'],
  ])('explains a grant with %s through its discriminator', (_, member, message) => {
    const text = `vendor: acme\ndiscovery: { issuer: https://x/ }\nclients: { c: { id: x } }\ngrants:\n  g:\n    client: c\n    ${member}\n`;
    const problems = problemsOf(() => parseSuite('acme.yaml', text));
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: 'grants.g',
        message,
        fix: 'use type: client_credentials or type: authorization_code',
        line: positionOf(text, '  g:').line,
      }),
    );
    // The branches of the grant oneOf are not reported one by one.
    expect(problems.filter((p) => /must match|oneOf/.test(p.message))).toEqual([]);
  });

  it.each([
    {
      field: 'auth',
      path: 'clients.c.auth',
      value: 'client_secret',
      allowed: 'client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, tls_client_auth, none',
      variable: true,
    },
    { field: 'pkce', path: 'grants.g.pkce', value: 'plain', allowed: 'S256, none', variable: false },
  ])('lists the allowed values of $field when one is misspelt', ({ field, path, value, allowed, variable }) => {
    const text = `vendor: acme
discovery: { issuer: https://x/ }
clients:
  c: { id: x${field === 'auth' ? `, auth: ${value}` : ''} }
grants:
  g: { type: authorization_code, client: c, redirect_uri: https://app/cb, code: { strategy: redirect }${field === 'pkce' ? `, pkce: ${value}` : ''} }
`;
    const problems = problemsOf(() => parseSuite('acme.yaml', text));
    // One problem for the value, not one per branch of "a word or a ${VARIABLE}".
    expect(problems).toEqual([
      expect.objectContaining({
        path,
        line: positionOf(text, value).line,
        message: `value "${value}" is not allowed`,
        fix: expect.stringContaining(`use one of: ${allowed}`),
      }),
    ]);
    expect(problems[0]!.fix.includes('${VARIABLE}')).toBe(variable);
  });
});

describe('a resource named by a metadata endpoint', () => {
  const suite = (resource: string) =>
    `vendor: acme\ndiscovery: { issuer: https://x/ }\nclients: { c: { id: x } }\ngrants:\n  g: { type: client_credentials, client: c }\nresources:\n  - { name: r, grant: g${resource} }\n`;

  it('takes endpoint instead of url', () => {
    expect(load(suite(', endpoint: userinfo_endpoint')).resources).toEqual([{ name: 'r', grant: 'g', endpoint: 'userinfo_endpoint' }]);
  });

  it.each([
    ['both url and endpoint', ', url: https://x/me, endpoint: userinfo_endpoint', 'url and endpoint cannot both be given', 'keep only one of url, endpoint'],
    ['neither', '', 'needs one of: url, endpoint', 'add url or endpoint'],
    ['an endpoint that names no resource', ', endpoint: token_endpoint', 'value "token_endpoint" is not allowed', 'use one of: userinfo_endpoint'],
  ])('explains a resource with %s', (_, resource, message, fix) => {
    const text = suite(resource);
    expect(problemsOf(() => parseSuite('acme.yaml', text))).toEqual([expect.objectContaining({ line: positionOf(text, '- { name: r').line, message, fix })]);
  });
});

describe('resolveSuite: variables', () => {
  it('reports a variable used but not declared, once, at its first use', () => {
    const text = 'vendor: acme\ndiscovery:\n  issuer: ${TENANT_URL}\n  url: ${TENANT_URL}/meta\n';
    const problems = problemsOf(() => load(text, { TENANT_URL: 'https://x/' }));
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'discovery.issuer',
        line: 3,
        message: 'variable TENANT_URL is used but not declared',
        fix: expect.stringContaining('"TENANT_URL: {}" under variables:'),
      }),
    ]);
  });

  it.each([
    ['absent', undefined],
    ['empty, as in a copied .env.example', ''],
  ])('reports a required variable that is %s, naming it', (_, value) => {
    const problems = problemsOf(() => load(fullSuite, { ...fullEnv, CLIENT_ID: value }));
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'clients.backend.id',
        line: positionOf(fullSuite, 'backend:').line,
        message: 'variable CLIENT_ID is not set',
        fix: expect.stringMatching(/\.env.*--env-file/),
        unsetVariable: 'CLIENT_ID',
      }),
    ]);
  });

  it('adds the description to the message and reports every unset variable', () => {
    const problems = problemsOf(() => load(fullSuite, {}));
    expect(problems.map((p) => p.unsetVariable)).toEqual(['ISSUER', 'CLIENT_ID', 'CLIENT_SECRET']);
    expect(problems[0]!.message).toBe('variable ISSUER is not set (the issuer URL)');
  });

  it.each([
    ['unset', undefined, 'read write'],
    ['empty', '', 'read write'],
    ['set', 'admin', 'admin'],
  ])('uses the default when the variable is %s', (_, value, scope) => {
    const suite = load(fullSuite, { ...fullEnv, SCOPE: value });
    expect(suite.grants?.system?.scope).toBe(scope);
  });

  it('runs everything when the optional variables are set', () => {
    const suite = load(fullSuite, fullEnv);
    expect(suite.disabled).toEqual({});
    expect(suite.clients?.web?.id).toBe('web-id');
  });

  // Reasons name the optional variable behind the skip, also for the parts that are skipped because they depend on it.
  const lacks = (variable: string): unknown => expect.stringMatching(new RegExp(`${variable}.* not set`));

  it('disables the client of an unset optional variable, and the grant and resource that depend on it', () => {
    const suite = load(fullSuite, { ...fullEnv, WEB_ID: undefined });
    expect(suite.disabled).toEqual({ 'clients.web': lacks('WEB_ID'), 'grants.user': lacks('WEB_ID'), 'resources[0]': lacks('WEB_ID') });
  });

  it.each([
    ['a grant', 'redirect_uri: https://app.example/cb', 'redirect_uri: ${REDIRECT}', { 'grants.user': lacks('REDIRECT'), 'resources[0]': lacks('REDIRECT') }],
    ['a resource', 'url: https://api.example/jobs', "url: '${API_URL}'", { 'resources[1]': lacks('API_URL') }],
  ])('disables %s whose optional variable is unset, and only what depends on it', (_, from, to, disabled) => {
    const suite = load(fullSuite.replace(from, to), fullEnv);
    expect(suite.disabled).toEqual(disabled);
  });

  it('names every unset optional variable of one value', () => {
    const suite = load(fullSuite.replace('url: https://api.example/jobs', "url: '${API_URL}${REDIRECT}'"), fullEnv);
    expect(suite.disabled).toEqual({ 'resources[1]': 'API_URL, REDIRECT are not set' });
  });

  it('refuses an unset optional variable in discovery, which nothing can run without', () => {
    const text = 'vendor: acme\nvariables:\n  ISSUER: { optional: true }\ndiscovery:\n  issuer: ${ISSUER}\n';
    expect(problemsOf(() => load(text))).toContainEqual(
      expect.objectContaining({
        path: 'discovery.issuer',
        message: 'optional variable ISSUER is unset, but discovery.issuer cannot do without it',
        fix: expect.stringContaining('set ISSUER'),
      }),
    );
  });

  it('says which variable a value that breaks the schema came from', () => {
    const problems = problemsOf(() =>
      load(fullSuite.replace('code: { strategy: redirect }', "code: { strategy: '${STRATEGY}' }").replace('SCOPE:', 'STRATEGY: {}\n  SCOPE:'), {
        ...fullEnv,
        STRATEGY: 'bogus',
      }),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'grants.user.code.strategy',
        message: 'value "bogus" is not allowed (the value comes from STRATEGY)',
        fix: 'set STRATEGY to a valid value',
      }),
    ]);
  });

  it('collects the values of secret variables and every client secret', () => {
    const suite = load(fullSuite, fullEnv);
    expect(new Set(suite.secrets)).toEqual(new Set(['backend-secret-value', 'literal-web-secret']));
    // Values of variables not marked secret are not treated as secrets.
    expect(suite.secrets).not.toContain('backend-id');
  });
});

describe('resolveSuite: references and URLs', () => {
  it.each([
    [
      'a grant naming an unknown client',
      'client: web',
      'client: mobile',
      'grants.user.client',
      'unknown client "mobile"',
      'use one of the clients: backend, web',
    ],
    [
      'a resource naming an unknown grant',
      'grant: system',
      'grant: batch',
      'resources[1].grant',
      'unknown grant "batch"',
      'use one of the grants: system, user',
    ],
  ])('reports %s', (_, from, to, path, message, fix) => {
    const text = fullSuite.replace(from, to);
    expect(problemsOf(() => load(text, fullEnv))).toEqual([expect.objectContaining({ path, message, fix, line: positionOf(text, to).line })]);
  });

  it.each([
    ['a redirect_uri', 'redirect_uri: https://app.example/cb', 'redirect_uri: app.example/cb', 'grants.user.redirect_uri', '"app.example/cb"'],
    ['a resource url', 'url: https://api.example/jobs', 'url: ftp://api.example/jobs', 'resources[1].url', '"ftp://api.example/jobs"'],
    ['a discovery url', 'issuer: ${ISSUER}', 'issuer: ${ISSUER}\n  url: /meta', 'discovery.url', '"/meta"'],
  ])('reports %s that is not an absolute http(s) URL', (_, from, to, path, quoted) => {
    const text = fullSuite.replace(from, to);
    expect(problemsOf(() => load(text, fullEnv))).toEqual([
      expect.objectContaining({ path, message: `${quoted} is not an absolute http(s) URL`, fix: expect.stringContaining('https://') }),
    ]);
  });

  it.each([
    ['without login steps', 'code: { strategy: browser }', 'grants.user.code', 'the browser strategy needs login steps'],
    ['without a redirect_uri', "code: { strategy: browser, login: [{ click: '#go' }] }", 'grants.user', 'the browser strategy needs a redirect_uri'],
  ])('reports a browser strategy %s', (what, code, path, message) => {
    let text = fullSuite.replace('code: { strategy: redirect }', code);
    if (what === 'without a redirect_uri') text = text.replace('    redirect_uri: https://app.example/cb\n', '');
    expect(problemsOf(() => load(text, fullEnv))).toEqual([expect.objectContaining({ path, message })]);
  });

  it('refuses a login step that neither fills nor clicks', () => {
    const text = fullSuite.replace('code: { strategy: redirect }', 'code: { strategy: browser, login: [{ press: Enter }] }');
    expect(problemsOf(() => load(text, fullEnv)).map((p) => p.path)).toContain('grants.user.code.login[0]');
  });

  it.each([
    ['https://id.example.com/', undefined, 'https://id.example.com/.well-known/openid-configuration'],
    ['https://id.example.com', undefined, 'https://id.example.com/.well-known/openid-configuration'],
    ['https://id.example.com/tenants/acme/', undefined, 'https://id.example.com/tenants/acme/.well-known/openid-configuration'],
    [
      'https://id.example.com/',
      'https://id.example.com/.well-known/oauth-authorization-server',
      'https://id.example.com/.well-known/oauth-authorization-server',
    ],
  ])('derives the discovery URL from issuer %s (url %s)', (issuer, url, expected) => {
    const text = `vendor: acme\ndiscovery:\n  issuer: ${issuer}\n${url ? `  url: ${url}\n` : ''}`;
    const suite = load(text);
    expect(suite.discoveryUrl).toBe(expected);
    // The issuer itself is compared character for character later: it is kept as written.
    expect(suite.discovery?.issuer).toBe(issuer);
  });
});

describe('shipped suites', () => {
  const genericEnv = { OIDC_ISSUER: 'https://id.example.com/', OIDC_CLIENT_ID: 'client-id', OIDC_CLIENT_SECRET: 'client-secret-value' };

  it('parses every suite in suites/', async () => {
    const sources = await Promise.all(
      suiteFiles([], suitesDir)
        .filter(shipped)
        .map((file) => readSuite(file)),
    );
    expect(sources.map((s) => [s.name, s.data.vendor])).toEqual([
      ['1uphealth', '1uphealth'],
      ['bwell', 'bwell'],
      ['generic-oidc', 'generic-oidc'],
      ['local-browser', 'local-browser'],
      ['local', 'local'],
      ['medplum-browser', 'medplum-browser'],
      ['medplum', 'medplum'],
      ['smart-backend', 'smart-backend'],
    ]);
  });

  it("skips medplum's client assertion grant, saying why, without MEDPLUM_CLIENT_KEY_FILE", async () => {
    const env = {
      MEDPLUM_CLIENT_ID: 'client-id',
      MEDPLUM_CLIENT_SECRET: 'client-secret-value',
      MEDPLUM_REDIRECT_URI: 'https://app.example.com/callback',
      MEDPLUM_EMAIL: 'member@example.com',
      MEDPLUM_PASSWORD: 'member-password',
    };
    const suite = resolveSuite(await readSuite(join(suitesDir, 'medplum.yaml')), env);
    expect(suite.disabled).toMatchObject({
      'clients.signed': expect.stringMatching(/MEDPLUM_CLIENT_KEY_FILE.* not set/),
      'grants.system-key': expect.stringMatching(/MEDPLUM_CLIENT_KEY_FILE.* not set/),
    });
  });

  it('resolves generic-oidc with only the client-credentials variables set, skipping the user grant and the resources', async () => {
    const suite = resolveSuite(await readSuite(join(suitesDir, 'generic-oidc.yaml')), genericEnv);
    expect(suite.disabled).toEqual({
      'clients.web': expect.stringMatching(/OIDC_AUTH_CLIENT_ID.* not set/),
      'grants.user': expect.stringMatching(/OIDC_REDIRECT_URI.* not set/),
      'resources[0]': 'OIDC_RESOURCE_URL is not set',
      // userinfo_endpoint, the user grant's resource
      'resources[1]': expect.stringMatching(/OIDC_AUTH_CLIENT_ID.* not set/),
    });
    expect(suite.discoveryUrl).toBe('https://id.example.com/.well-known/openid-configuration');
    expect(suite.grants?.system).toEqual({ type: 'client_credentials', client: 'backend', scope: '', dpop: 'false' });
    expect(suite.clients?.backend).toMatchObject({ id: 'client-id', secret: 'client-secret-value' });
    expect(suite.secrets).toContain('client-secret-value');
  });

  it('lists no unresolved ${VARIABLE} placeholder of a skipped client as a secret', async () => {
    const suite = resolveSuite(await readSuite(join(suitesDir, 'generic-oidc.yaml')), genericEnv);
    expect(suite.secrets.filter((s) => s.includes('${'))).toEqual([]);
  });

  it("generic-oidc takes the browser login's error selector from OIDC_LOGIN_ERROR, its default when empty", async () => {
    const source = await readSuite(join(suitesDir, 'generic-oidc.yaml'));
    const authEnv = { ...genericEnv, OIDC_AUTH_CLIENT_ID: 'app', OIDC_AUTH_CLIENT_SECRET: 'app-secret', OIDC_REDIRECT_URI: 'https://app.example/cb' };
    const errorSelector = (env: Record<string, string>) => {
      const user = resolveSuite(source, env).grants?.user;
      return user && 'code' in user ? user.code.error : undefined;
    };
    expect(errorSelector({ ...authEnv, OIDC_LOGIN_ERROR: '#kc-error' })).toBe('#kc-error');
    expect(errorSelector({ ...authEnv, OIDC_LOGIN_ERROR: '' })).toBe('[role=alert], .alert-error, .alert-danger');
  });

  it('generic-oidc asks for OIDC_AUTH_SCOPE in the authorization request, openid when it is unset', async () => {
    const sandbox = await startSandbox();
    try {
      const v = sandbox.variables;
      const env = {
        OIDC_ISSUER: v.SANDBOX_ISSUER!,
        OIDC_CLIENT_ID: v.SANDBOX_CLIENT_ID!,
        OIDC_CLIENT_SECRET: v.SANDBOX_CLIENT_SECRET!,
        OIDC_AUTH_CLIENT_ID: v.SANDBOX_AUTH_CLIENT_ID!,
        OIDC_AUTH_CLIENT_SECRET: v.SANDBOX_AUTH_CLIENT_SECRET!,
        OIDC_REDIRECT_URI: v.SANDBOX_REDIRECT_URI!,
      };
      const scopeAsked = async (scope: Record<string, string>) => {
        const [state] = await runSuite(
          join(suitesDir, 'generic-oidc.yaml'),
          { variables: { ...env, ...scope } },
          { only: ['authorization-code.state-echoed'] },
        );
        const authorize = state!.outcome.exchanges.find((e) => e.request.url.startsWith(`${v.SANDBOX_ISSUER}/auth?`));
        return new URL(authorize!.request.url).searchParams.get('scope');
      };
      expect(await scopeAsked({})).toBe('openid');
      expect(await scopeAsked({ OIDC_AUTH_SCOPE: 'openid offline_access' })).toBe('openid offline_access');
    } finally {
      await sandbox.close();
    }
  });

  it('resolves local with every sandbox variable set', async () => {
    const source = await readSuite(join(suitesDir, 'local.yaml'));
    // The mtls profiles' client certificate: files the loader reads and checks.
    const mtls = await startSandbox({ profile: 'mtls' });
    const files = {
      SANDBOX_CLIENT_CERT_FILE: mtls.variables.SANDBOX_CLIENT_CERT_FILE,
      SANDBOX_CLIENT_CERT_KEY_FILE: mtls.variables.SANDBOX_CLIENT_CERT_KEY_FILE,
    };
    const env = Object.fromEntries(
      Object.keys(source.data.variables ?? {}).map((name) => [
        name,
        /URL|ISSUER|URI/.test(name) ? `http://127.0.0.1:4000/${name.toLowerCase()}` : /TTL/.test(name) ? '60' : `${name.toLowerCase()}-value`,
      ]),
    );
    // The private_key_jwt client's key is read at load: a real one.
    const folder = mkdtempSync(join(tmpdir(), 'suite-loader-'));
    try {
      env.SANDBOX_CLIENT_KEY_FILE = join(folder, 'key.pem');
      writeFileSync(env.SANDBOX_CLIENT_KEY_FILE, generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const suite = resolveSuite(source, { ...env, ...files });
      expect(suite.expect?.lifetimes?.code).toBe('60');
      expect(suite.disabled).toEqual({});
      expect(suite.discoveryUrl).toBe('http://127.0.0.1:4000/sandbox_discovery_url');
      expect(new Set(suite.secrets)).toEqual(new Set(['sandbox_client_secret-value', 'sandbox_auth_client_secret-value', 'sandbox_jwt_client_secret-value']));
      expect(suite.clientKeys.signed).toMatchObject({ alg: 'ES384', kid: 'sandbox_client_key_id-value' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await mtls.close();
    }
  });
});

describe('suiteFiles', () => {
  it('maps names to files and keeps paths', () => {
    expect(suiteFiles(['local'], suitesDir)).toEqual([join(suitesDir, 'local.yaml')]);
    expect(suiteFiles([], suitesDir).filter(shipped)).toEqual(SHIPPED_SUITES.map((name) => join(suitesDir, `${name}.yaml`)));
    expect(suiteFiles(['/elsewhere/acme.yaml'], suitesDir)).toEqual(['/elsewhere/acme.yaml']);
  });

  it('rejects an unknown name, listing the available ones', () => {
    const [problem, ...more] = problemsOf(() => suiteFiles(['okta'], suitesDir));
    expect(more).toEqual([]);
    expect(problem!.message).toBe(`--suite okta: no suite of that name in ${suitesDir}`);
    expect(problem!.fix).toMatch(/^use one of: [\w-]+(, [\w-]+)*, or a path to a suite file$/);
    for (const name of SHIPPED_SUITES) expect(problem!.fix).toContain(` ${name},`);
  });
});

describe('generated types', () => {
  it('src/suite/suite.types.ts is current with schemas/suite.schema.json', () => {
    const result = spawnSync(process.execPath, [join(root, 'bin/gen-types.js'), '--check'], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
