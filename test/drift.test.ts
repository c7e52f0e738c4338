import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, type Finding } from '../src/drift/compare.js';
import { normalise, readSnapshot, writeSnapshot, type Snapshot, type VendorSnapshot } from '../src/drift/snapshot.js';
import { withEmbeddedPlaceholders } from '../src/drift/take.js';
import { driftResults } from '../src/report/drift-results.js';
import { tempDir } from './cli-process.js';

const ISSUER = 'https://id.acme.example';

function acme(): VendorSnapshot {
  return {
    vendor: 'acme',
    documents: {
      discovery: normalise({
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/authorize`,
        token_endpoint: `${ISSUER}/token`,
        jwks_uri: `${ISSUER}/jwks`,
        grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        claims_supported: ['sub', 'email'],
        service_documentation: `${ISSUER}/docs`,
      }),
    },
    keyIds: ['k1', 'k2'],
    lifetimes: { system: 3600, user: 300 },
    errors: { 'wrong-secret-basic': { status: 401, error: 'invalid_client', contentType: 'application/json' } },
  };
}

function snapshot(...vendors: VendorSnapshot[]): Snapshot {
  return { version: 1, takenAt: '2025-01-01T00:00:00.000Z', vendors };
}

const discovery = (v: VendorSnapshot) => v.documents.discovery as Record<string, unknown>;
const grants = (v: VendorSnapshot) => discovery(v).grant_types_supported as string[];

describe('compare', () => {
  it.each<[string, (v: VendorSnapshot, s: Snapshot) => void, Finding[]]>([
    ['identical snapshots', () => {}, []],
    [
      'a changed issuer',
      (v) => (discovery(v).issuer = 'https://login.acme.example'),
      [
        {
          vendor: 'acme',
          path: 'discovery.issuer',
          change: 'changed',
          before: ISSUER,
          after: 'https://login.acme.example',
          severity: 'fail',
          message: `issuer changed from ${ISSUER} to https://login.acme.example`,
        },
      ],
    ],
    [
      'a removed grant type',
      (v) => grants(v).splice(grants(v).indexOf('client_credentials'), 1),
      [
        {
          vendor: 'acme',
          path: 'discovery.grant_types_supported[client_credentials]',
          change: 'removed',
          before: 'client_credentials',
          severity: 'fail',
          message: 'grant type client_credentials is no longer declared',
        },
      ],
    ],
    [
      'an added grant type',
      (v) => grants(v).push('urn:ietf:params:oauth:grant-type:device_code'),
      [
        {
          vendor: 'acme',
          path: 'discovery.grant_types_supported[urn:ietf:params:oauth:grant-type:device_code]',
          change: 'added',
          after: 'urn:ietf:params:oauth:grant-type:device_code',
          severity: 'info',
          message: 'grant type urn:ietf:params:oauth:grant-type:device_code is now declared',
        },
      ],
    ],
    [
      'a key rotation (k2 replaced by k3)',
      (v) => (v.keyIds = ['k1', 'k3']),
      [
        { vendor: 'acme', path: 'jwks.kid[k2]', change: 'removed', before: 'k2', severity: 'info', message: 'key k2 was removed from the JWKS (key rotation)' },
        { vendor: 'acme', path: 'jwks.kid[k3]', change: 'added', after: 'k3', severity: 'info', message: 'key k3 was added to the JWKS (key rotation)' },
      ],
    ],
    [
      'a changed lifetime',
      (v) => (v.lifetimes.system = 600),
      [
        {
          vendor: 'acme',
          path: 'lifetimes.system',
          change: 'changed',
          before: 3600,
          after: 600,
          severity: 'warn',
          message: 'expires_in of grant system changed from 3600 to 600',
        },
      ],
    ],
    [
      'a lifetime of a grant new to the run',
      (v) => (v.lifetimes.device = 900),
      [{ vendor: 'acme', path: 'lifetimes.device', change: 'added', after: 900, severity: 'info', message: 'lifetimes.device was added: 900' }],
    ],
    [
      'a changed error code',
      (v) => (v.errors['wrong-secret-basic']!.error = 'unauthorized_client'),
      [
        {
          vendor: 'acme',
          path: 'errors.wrong-secret-basic.error',
          change: 'changed',
          before: 'invalid_client',
          after: 'unauthorized_client',
          severity: 'warn',
          message: 'probe wrong-secret-basic: error code changed from invalid_client to unauthorized_client',
        },
      ],
    ],
    [
      'a changed error status',
      (v) => (v.errors['wrong-secret-basic']!.status = 400),
      [
        {
          vendor: 'acme',
          path: 'errors.wrong-secret-basic.status',
          change: 'changed',
          before: 401,
          after: 400,
          severity: 'warn',
          message: 'probe wrong-secret-basic: HTTP status changed from 401 to 400',
        },
      ],
    ],
    [
      'a moved endpoint',
      (v) => (discovery(v).token_endpoint = `${ISSUER}/oauth2/token`),
      [
        {
          vendor: 'acme',
          path: 'discovery.token_endpoint',
          change: 'changed',
          before: `${ISSUER}/token`,
          after: `${ISSUER}/oauth2/token`,
          severity: 'fail',
          message: `token_endpoint moved from ${ISSUER}/token to ${ISSUER}/oauth2/token`,
        },
      ],
    ],
    [
      'a removed jwks_uri',
      (v) => delete discovery(v).jwks_uri,
      [
        {
          vendor: 'acme',
          path: 'discovery.jwks_uri',
          change: 'removed',
          before: `${ISSUER}/jwks`,
          severity: 'fail',
          message: `jwks_uri ${ISSUER}/jwks is no longer declared`,
        },
      ],
    ],
    [
      'an added endpoint',
      (v) => (discovery(v).revocation_endpoint = `${ISSUER}/revoke`),
      [
        {
          vendor: 'acme',
          path: 'discovery.revocation_endpoint',
          change: 'added',
          after: `${ISSUER}/revoke`,
          severity: 'info',
          message: `discovery.revocation_endpoint was added: ${ISSUER}/revoke`,
        },
      ],
    ],
    [
      'another list losing a value',
      (v) => (discovery(v).claims_supported = ['sub']),
      [
        {
          vendor: 'acme',
          path: 'discovery.claims_supported[email]',
          change: 'removed',
          before: 'email',
          severity: 'warn',
          message: 'discovery.claims_supported[email] was removed',
        },
      ],
    ],
    [
      'another member changed',
      (v) => (discovery(v).service_documentation = `${ISSUER}/help`),
      [
        {
          vendor: 'acme',
          path: 'discovery.service_documentation',
          change: 'changed',
          before: `${ISSUER}/docs`,
          after: `${ISSUER}/help`,
          severity: 'warn',
          message: `discovery.service_documentation changed from ${ISSUER}/docs to ${ISSUER}/help`,
        },
      ],
    ],
    [
      'a nested member added',
      (v) => (discovery(v).mtls_endpoint_aliases = { token_endpoint: `https://mtls.acme.example/token` }),
      [
        {
          vendor: 'acme',
          path: 'discovery.mtls_endpoint_aliases',
          change: 'added',
          after: { token_endpoint: 'https://mtls.acme.example/token' },
          severity: 'info',
          message: 'discovery.mtls_endpoint_aliases was added: {"token_endpoint":"https://mtls.acme.example/token"}',
        },
      ],
    ],
    [
      'a document new to the run',
      (v) => (v.documents.smart = { capabilities: ['launch-standalone'] }),
      [
        {
          vendor: 'acme',
          path: 'smart',
          change: 'added',
          after: { capabilities: ['launch-standalone'] },
          severity: 'info',
          message: 'the smart document is now published',
        },
      ],
    ],
    [
      'a removed error code',
      (v) => delete v.errors['wrong-secret-basic']!.error,
      [
        {
          vendor: 'acme',
          path: 'errors.wrong-secret-basic.error',
          change: 'removed',
          before: 'invalid_client',
          severity: 'warn',
          message: 'probe wrong-secret-basic: error code changed from invalid_client to none',
        },
      ],
    ],
    // A partial run (--only, --shard) observes less than the baseline: what it did not observe is not drift.
    [
      'nothing observed but the discovery document',
      (v) => {
        delete v.keyIds;
        v.lifetimes = {};
        v.errors = {};
      },
      [],
    ],
    ['a grant not run, or run without expires_in', (v) => (v.lifetimes.user = undefined), []],
    ['no document fetched', (v) => (v.documents = {}), []],
    [
      'a vendor missing from the run',
      (_, s) => s.vendors.pop(),
      [{ vendor: 'acme', path: 'vendor', change: 'removed', severity: 'fail', message: 'vendor is missing from this run' }],
    ],
    [
      'a vendor new in the run',
      (_, s) => s.vendors.push({ ...acme(), vendor: 'globex' }),
      [{ vendor: 'globex', path: 'vendor', change: 'added', severity: 'info', message: 'vendor is new: the baseline does not have it' }],
    ],
  ])('%s', (_, edit, expected) => {
    const current = snapshot(acme());
    edit(current.vendors[0]!, current);
    expect(compare(snapshot(acme()), current)).toEqual(expected);
  });

  it('puts failures first, then warnings, then information, each in snapshot order', () => {
    const current = snapshot(acme());
    const v = current.vendors[0]!;
    v.keyIds = ['k2', 'k3'];
    v.lifetimes.system = 60;
    discovery(v).issuer = 'https://login.acme.example';
    discovery(v).grant_types_supported = ['authorization_code'];
    expect(compare(snapshot(acme()), current).map((f) => [f.severity, f.path])).toEqual([
      ['fail', 'discovery.grant_types_supported[client_credentials]'],
      ['fail', 'discovery.grant_types_supported[refresh_token]'],
      ['fail', 'discovery.issuer'],
      ['warn', 'lifetimes.system'],
      ['info', 'jwks.kid[k1]'],
      ['info', 'jwks.kid[k3]'],
    ]);
  });

  it('finds no drift in a snapshot read back from its file, even with a lifetime JSON cannot hold', async () => {
    const taken = snapshot({ ...acme(), lifetimes: { system: 3600, user: undefined } });
    const file = join(await tempDir(), 'snapshot.json');
    await writeSnapshot(file, taken);
    expect(compare(await readSnapshot(file), taken)).toEqual([]);
  });
});

describe('normalise', () => {
  it.each<[string, unknown, unknown]>([
    ['object keys, at any depth', { b: 1, a: { d: [2], c: null } }, { a: { c: null, d: [2] }, b: 1 }],
    ['arrays of strings', ['refresh_token', 'authorization_code'], ['authorization_code', 'refresh_token']],
    ['arrays of numbers, by value', [10, 9, 100], [9, 10, 100]],
    ['arrays of mixed primitives, by type then value', ['b', 2, true, null, 'a', 1], [true, null, 1, 2, 'a', 'b']],
    ['arrays of objects keep their order, their members sorted', [{ z: 1, y: 2 }, { a: 1 }], [{ y: 2, z: 1 }, { a: 1 }]],
    ['primitives as they are', 'S256', 'S256'],
  ])('sorts %s', (_, input, expected) => {
    const before = JSON.stringify(input);
    // JSON text, not toEqual: toEqual ignores key order.
    expect(JSON.stringify(normalise(input))).toBe(JSON.stringify(expected));
    expect(JSON.stringify(input)).toBe(before);
  });

  it('makes key order and the order of primitive arrays irrelevant', () => {
    const one = { issuer: ISSUER, scopes_supported: ['openid', 'email'], nested: { b: ['y', 'x'], a: 1 } };
    const other = { nested: { a: 1, b: ['x', 'y'] }, scopes_supported: ['email', 'openid'], issuer: ISSUER };
    expect(JSON.stringify(normalise(one))).toBe(JSON.stringify(normalise(other)));
  });
});

describe('drift as results', () => {
  const finding = (severity: Finding['severity'], path: string): Finding => ({
    vendor: 'acme',
    path,
    change: 'changed',
    before: 'a',
    after: 'b',
    severity,
    message: `${path} changed`,
  });
  const drift = {
    against: 'the baseline b.json',
    findings: [finding('fail', 'discovery.issuer'), finding('warn', 'lifetimes.system'), finding('info', 'jwks.kid[k1]')],
  };

  it('a breaking finding fails (MUST), one worth a look warns (SHOULD), information passes; each cites the baseline', () => {
    const results = driftResults(drift, 'b.json');
    expect(results.map((r) => [r.area, r.checkId, r.subject, r.status, r.level])).toEqual([
      ['drift', 'drift.baseline', 'discovery.issuer', 'fail', 'MUST'],
      ['drift', 'drift.baseline', 'lifetimes.system', 'warn', 'SHOULD'],
      ['drift', 'drift.baseline', 'jwks.kid[k1]', 'pass', 'SHOULD'],
    ]);
    expect(results[0]).toMatchObject({
      expected: '"a"',
      actual: '"b"',
      spec: [{ ref: 'the baseline b.json', url: expect.stringMatching(/^file:\/\/\/.*\/b\.json$/) }],
    });
  });

  it('none for a baseline this run took, or without one', () => {
    expect(driftResults({ ...drift, taken: true }, 'b.json')).toEqual([]);
    expect(driftResults(undefined, undefined)).toEqual([]);
  });
});

describe('snapshots of embedded servers', () => {
  it('write each origin as a placeholder, whole origins only, so a start on other ports is no drift', () => {
    const taken = (issuer: string, resource: string) =>
      withEmbeddedPlaceholders({ ...acme(), documents: { discovery: { issuer, token_endpoint: `${issuer}/token`, x: `${resource}/r` } } }, [issuer, resource]);
    const first = taken('http://127.0.0.1:3960', 'http://127.0.0.1:39601');
    expect(first.documents.discovery).toEqual({ issuer: 'http://embedded-1', token_endpoint: 'http://embedded-1/token', x: 'http://embedded-2/r' });
    expect(compare(snapshot(first), snapshot(taken('http://127.0.0.1:41000', 'http://127.0.0.1:41001')))).toEqual([]);
  });
});

describe('snapshot files', () => {
  it('write then read round-trips, as indented JSON', async () => {
    const file = join(await tempDir(), 'nested', 'baseline.json');
    const taken = snapshot(acme(), { ...acme(), vendor: 'globex', keyIds: undefined, results: { 'discovery.issuer-match': 'pass' } });
    await writeSnapshot(file, taken);
    expect(await readSnapshot(file)).toEqual(taken);
    expect(await readFile(file, 'utf8')).toMatch(/^\{\n {2}"version": 1,\n[\s\S]*\}\n$/);
  });

  it.each<[string, string | undefined, RegExp]>([
    ['a missing file', undefined, /snapshot file not found/],
    ['a file that is not JSON', '{"version": 1,', /not valid JSON/],
    ['a snapshot of another version', JSON.stringify({ version: 2, takenAt: 'x', vendors: [] }), /not a version 1 snapshot/],
    ['a vendor without its documents', JSON.stringify(snapshot({ vendor: 'acme' } as VendorSnapshot)), /not a version 1 snapshot/],
  ])('reading %s fails, naming the file and how to create one', async (_, text, reason) => {
    const file = join(await tempDir(), 'baseline.json');
    if (text !== undefined) await writeFile(file, text);
    const error = await readSnapshot(file).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('conformance baseline');
    expect((error as Error).message).toMatch(reason);
  });
});
