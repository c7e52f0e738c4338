import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TLSSocket, type PeerCertificate } from 'node:tls';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { certificateFor, clientCertificateFrom, createTestCa } from '../sandbox/tls-listener.js';
import { handshake } from '../src/flows/tls.js';
import { defaultHttpOptions, Recorder, send } from '../src/http/client.js';
import { browserProxy, noProxyList } from '../src/http/transport.js';
import { startLoggingProxy, type LoggingProxy } from './fixtures/logging-proxy.js';
import { cli, reportArgs, root, tempDir } from './cli-process.js';

/**
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY and --ca, through the real CLI. The server stands behind a made-up name
 * (test/fixtures/resolve-test-host.mjs in the CLI, the proxy's own mapping), so the tool treats it as a remote host
 * while nothing leaves the machine; its certificate is issued by a test CA that only --ca makes trusted.
 */

const HOST = 'logger.conformance.test';
const NO_PROXY_ENV = { HTTP_PROXY: '', http_proxy: '', HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '', no_proxy: '' };

/** A metadata document and a token endpoint; `seen` lists the request lines it received. */
function provider(scheme: 'http' | 'https') {
  const seen: string[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    // The https server asks for a client certificate (and takes requests without one): its subject is noted.
    // Without a certificate the peer's is an empty object.
    const peer: Partial<PeerCertificate> = req.socket instanceof TLSSocket ? req.socket.getPeerCertificate() : {};
    seen.push(`${req.method} ${req.url}${peer.subject ? ` (certificate ${String(peer.subject.CN)})` : ''}`);
    const origin = `${scheme}://${HOST}:${(req.socket.localPort ?? 0).toString()}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer: origin, token_endpoint: `${origin}/token`, jwks_uri: `${origin}/jwks`, response_types_supported: ['code'] }));
    } else res.end(JSON.stringify({ access_token: `token-${Date.now()}`, token_type: 'Bearer', expires_in: 60 }));
  };
  return { seen, handler };
}

/** The same provider, its client authenticated by a TLS client certificate (RFC 8705 §2.1.1). */
const CERTIFICATE_SUITE = `vendor: proxied
title: A provider behind a proxy, its client authenticated by certificate
variables:
  PROVIDER_URL: { description: the provider }
  CLIENT_CERT_FILE: { description: the client certificate }
  CLIENT_CERT_KEY_FILE: { description: its private key, secret: true }
discovery:
  url: \${PROVIDER_URL}/.well-known/openid-configuration
  issuer: \${PROVIDER_URL}
clients:
  app: { id: proxied-client, auth: tls_client_auth, certificate: '\${CLIENT_CERT_FILE}', certificate_key: '\${CLIENT_CERT_KEY_FILE}' }
grants:
  machine:
    type: client_credentials
    client: app
`;

const SUITE = `vendor: proxied
title: A provider behind a proxy
variables:
  PROVIDER_URL: { description: the provider }
  PROVIDER_SECRET: { description: the client secret, secret: true }
discovery:
  url: \${PROVIDER_URL}/.well-known/openid-configuration
  issuer: \${PROVIDER_URL}
clients:
  app: { id: proxied-client, secret: '\${PROVIDER_SECRET}' }
grants:
  machine:
    type: client_credentials
    client: app
`;

/** Each check's verdict from the run's JUnit file: what must not change when the run goes through a proxy. */
function verdicts(junit: string): string[] {
  const outcome = (tag = '') => (['failure', 'error', 'skipped'].includes(tag) ? tag : 'passed');
  return [...junit.matchAll(/<testcase [^>]*?\bname="([^"]+)"[^>]*?(\/>|>\s*<(\w+))/g)].map((m) => `${m[1]}: ${outcome(m[3])}`).sort();
}

describe('proxies and private CAs', () => {
  let proxy: LoggingProxy;
  let suite: string;
  let certificateSuite: string;
  let caFile: string;
  let client: Record<string, string>;
  const plain = provider('http');
  const secure = provider('https');
  const servers: Array<{ close(done: () => void): void; closeAllConnections(): void }> = [];
  let ports: { http: number; https: number };

  beforeAll(async () => {
    const dir = await tempDir();
    suite = join(dir, 'proxied.yaml');
    caFile = join(dir, 'ca.pem');
    certificateSuite = join(dir, 'proxied-certificate.yaml');
    client = { CLIENT_CERT_FILE: join(dir, 'client.pem'), CLIENT_CERT_KEY_FILE: join(dir, 'client-key.pem') };
    const { key, cert, trustAnchor } = await certificateFor('test-ca', [HOST]);
    const issued = await clientCertificateFrom(await createTestCa(), 'CN=proxied-client');
    await Promise.all([
      writeFile(suite, SUITE),
      writeFile(certificateSuite, CERTIFICATE_SUITE),
      writeFile(caFile, trustAnchor),
      writeFile(client.CLIENT_CERT_FILE!, issued.cert),
      writeFile(client.CLIENT_CERT_KEY_FILE!, issued.key, { mode: 0o600 }),
    ]);
    const http = createHttpServer(plain.handler);
    const https = createHttpsServer({ key, cert, requestCert: true, rejectUnauthorized: false }, secure.handler);
    servers.push(http, https);
    await Promise.all([http, https].map((s) => new Promise<void>((ready) => s.listen(0, '127.0.0.1', ready))));
    ports = { http: (http.address() as AddressInfo).port, https: (https.address() as AddressInfo).port };
    proxy = await startLoggingProxy();
  });
  afterAll(async () => {
    await proxy.close();
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise<void>((done) => s.close(() => done()))));
  });

  async function run(scheme: 'http' | 'https', env: Record<string, string>, extra: string[] = [], suiteFile = suite) {
    proxy.lines.length = 0;
    plain.seen.length = 0;
    secure.seen.length = 0;
    const { paths, args } = await reportArgs();
    const hook = pathToFileURL(join(root, 'test/fixtures/resolve-test-host.mjs')).href;
    const result = await cli(['run', '--suite', suiteFile, '--no-html', ...args, ...extra], {
      env: {
        ...NO_PROXY_ENV,
        PROVIDER_URL: `${scheme}://${HOST}:${ports[scheme]}`,
        PROVIDER_SECRET: 'proxied-secret',
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${hook}`,
        ...env,
      },
    });
    const junit = await readFile(paths.junit, 'utf8').catch(() => '');
    return { ...result, verdicts: verdicts(junit), proxied: [...proxy.lines], reached: [...(scheme === 'http' ? plain.seen : secure.seen)] };
  }

  it('HTTPS_PROXY: every https request goes through a CONNECT tunnel, and the verdicts are those of a direct run', async () => {
    const direct = await run('https', {}, ['--ca', caFile]);
    expect(direct.proxied).toEqual([]);
    expect(direct.reached, direct.stdout + direct.stderr).toContain('POST /token');
    const proxied = await run('https', { HTTPS_PROXY: proxy.url }, ['--ca', caFile]);
    expect(proxied.reached).toEqual(expect.arrayContaining(['GET /.well-known/openid-configuration', 'POST /token']));
    // The proxy saw where the run went and nothing of what it sent.
    expect(new Set(proxied.proxied), proxied.stdout).toEqual(new Set([`CONNECT ${HOST}:${ports.https}`]));
    expect(proxied.verdicts).toEqual(direct.verdicts);
    expect(direct.verdicts).toContain('discovery.reachable: the metadata document answers 200 OK: passed');
    expect(proxied.code).toBe(direct.code);
  });

  it('HTTPS_PROXY: a client certificate is presented to the server through the tunnel, never to the proxy', async () => {
    const proxied = await run('https', { HTTPS_PROXY: proxy.url, ...client }, ['--ca', caFile], certificateSuite);
    expect(proxied.reached, proxied.stdout).toContain('POST /token (certificate proxied-client)');
    expect(new Set(proxied.proxied)).toEqual(new Set([`CONNECT ${HOST}:${ports.https}`]));
    expect(
      proxied.verdicts.filter((v) => v.startsWith('token-response.schema')),
      proxied.stdout,
    ).toEqual([expect.stringMatching(/: passed$/)]);
  });

  it('HTTP_PROXY: plain http requests go to the proxy, and credentials still do not travel in clear', async () => {
    const direct = await run('http', {});
    const proxied = await run('http', { http_proxy: proxy.url });
    expect(proxied.proxied, proxied.stdout).toContain(`GET http://${HOST}:${ports.http}/.well-known/openid-configuration`);
    expect(proxied.proxied.some((line) => line.includes('/token'))).toBe(false);
    expect(proxied.stdout).toContain(`refused to send credentials over plain http to ${HOST}:${ports.http}`);
    expect(proxied.verdicts).toEqual(direct.verdicts);
  });

  it('NO_PROXY: a listed host is reached directly', async () => {
    const { proxied, reached, stdout } = await run('https', { HTTPS_PROXY: proxy.url, NO_PROXY: `example.org,.conformance.test` }, ['--ca', caFile]);
    expect(proxied).toEqual([]);
    expect(reached, stdout).toContain('GET /.well-known/openid-configuration');
  });

  it('without --ca a private CA is a transport error of each request, and NODE_EXTRA_CA_CERTS trusts it as --ca does', async () => {
    const trusted = await run('https', {}, ['--ca', caFile]);
    const untrusted = await run('https', {});
    const extra = await run('https', { NODE_EXTRA_CA_CERTS: caFile });
    expect(untrusted.stdout).toContain('TLS certificate chain cannot be verified (trust its CA with --ca FILE)');
    // Every check that needed a request could not run; none is judged a violation of the server's.
    expect(untrusted.verdicts.filter((v) => !/: (error|skipped)$/.test(v))).toEqual([]);
    expect(trusted.verdicts.filter((v) => v.endsWith(': passed')).length).toBeGreaterThan(10);
    expect(extra.verdicts).toEqual(trusted.verdicts);
  });

  it('init reads the metadata through HTTPS_PROXY, trusting --ca', async () => {
    proxy.lines.length = 0;
    const out = join(await tempDir(), 'proxied.yaml');
    const discovery = `https://${HOST}:${ports.https}/.well-known/openid-configuration`;
    const { code, stdout, stderr } = await cli(['init', '--discovery', discovery, '--out', out, '--ca', caFile], {
      env: { ...NO_PROXY_ENV, HTTPS_PROXY: proxy.url },
    });
    expect(code, stdout + stderr).toBe(0);
    expect(proxy.lines).toEqual([`CONNECT ${HOST}:${ports.https}`]);
    expect(await readFile(out, 'utf8')).toContain(`https://${HOST}:${ports.https}`);
  });

  it('a --ca file that is missing or not PEM stops the run with the path and the fix', async () => {
    const missing = join(await tempDir(), 'missing.pem');
    const notPem = join(await tempDir(), 'key.txt');
    await writeFile(notPem, 'not a certificate');
    for (const file of [missing, notPem]) {
      const { code, stderr } = await cli(['run', '--suite', suite, '--ca', file], { env: NO_PROXY_ENV });
      expect(code).toBe(2);
      expect(stderr).toContain(file);
      expect(stderr).toContain('fix: give --ca a PEM file');
    }
  });
});

describe('what bypasses the proxy', () => {
  it('loopback always, besides what NO_PROXY lists (lower case first); * bypasses everything', () => {
    expect(noProxyList({})).toBe('localhost,127.0.0.1,[::1]');
    expect(noProxyList({ NO_PROXY: 'example.org', no_proxy: '.corp.example' })).toBe('.corp.example,localhost,127.0.0.1,[::1]');
    expect(noProxyList({ NO_PROXY: '*' })).toBe('*');
  });

  it('browser logins get one proxy, HTTPS_PROXY before HTTP_PROXY, with the same bypass', () => {
    expect(browserProxy({})).toBeUndefined();
    expect(browserProxy({ HTTP_PROXY: 'http://p:1', https_proxy: 'http://s:2', NO_PROXY: 'a.example' })).toEqual({
      server: 'http://s:2',
      bypass: 'a.example,localhost,127.0.0.1,[::1]',
    });
    expect(browserProxy({ HTTP_PROXY: 'http://p:1', NO_PROXY: '*' })).toBeUndefined();
  });

  it('the embedded sandbox is reached directly with a proxy set', async () => {
    const proxy = await startLoggingProxy();
    try {
      const { args } = await reportArgs();
      const { code, stdout } = await cli(['run', '--suite', 'local', '--only', 'discovery', '--no-html', ...args], {
        env: { ...NO_PROXY_ENV, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url },
      });
      expect(code, stdout).toBe(0);
      expect(proxy.lines).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('in process, through a proxy', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('a proxy that cannot be reached is named in the transport error', async () => {
    vi.stubEnv('HTTPS_PROXY', 'http://127.0.0.1:9');
    // A bound of its own: a pool built with this environment, not one an earlier test made.
    const { exchange } = await send({ label: 'discovery', method: 'GET', url: `https://${HOST}/` }, new Recorder(), { ...defaultHttpOptions, connections: 3 });
    expect(exchange.error).toBe(
      `cannot reach https://${HOST}/: connection refused (is the server running, and is the host and port right?) (through HTTPS_PROXY unless NO_PROXY lists the host: check the proxy too)`,
    );
  });

  it("transport.tls's handshake goes through HTTPS_PROXY: the proxy resolves a name this process cannot, and the chain is judged as directly", async () => {
    const proxy = await startLoggingProxy();
    const { key, cert, trustAnchor } = await certificateFor('test-ca', [HOST]);
    const server = createHttpsServer({ key, cert });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    const url = `https://${HOST}:${(server.address() as AddressInfo).port}/`;
    try {
      vi.stubEnv('HTTPS_PROXY', proxy.url);
      expect(await handshake(url, 5000, [trustAnchor])).toMatchObject({ protocol: 'TLSv1.3', authorized: true, error: undefined });
      expect(await handshake(url, 5000)).toMatchObject({ authorized: false, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
      expect(proxy.lines).toEqual([`CONNECT ${HOST}:${(server.address() as AddressInfo).port}`, `CONNECT ${HOST}:${(server.address() as AddressInfo).port}`]);
      // A proxy that cannot be reached says nothing about the host's TLS.
      vi.stubEnv('HTTPS_PROXY', 'http://127.0.0.1:9');
      expect(await handshake(url, 5000)).toMatchObject({ unreachable: true });
    } finally {
      server.closeAllConnections();
      await Promise.all([proxy.close(), new Promise<void>((done) => server.close(() => done()))]);
    }
  });
});
