import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Recorder, send } from '../src/http/client.js';
import { cli, reportArgs, reportFiles, root, tempDir } from './cli-process.js';
import { leaks } from './leak-forms.js';

/**
 * Credentials never travel over plain http off loopback, whoever put them in a request. The logger is a loopback
 * server behind a made-up name (test/fixtures/resolve-test-host.mjs), so the tool sees an ordinary remote host.
 */

const HOST = 'logger.conformance.test';
const SECRET = `logger-secret-${Date.now()}`;

interface Logged {
  method: string;
  path: string;
  text: string;
}

/** Every request the logger received, as one text (request line, headers, body); it answers each as its path asks. */
async function startLogger() {
  const logged: Logged[] = [];
  const server = createServer((req: IncomingMessage, res) => void answer(req, res));
  async function answer(req: IncomingMessage, res: ServerResponse) {
    let body = '';
    for await (const chunk of req.setEncoding('utf8')) body += chunk as string;
    const path = (req.url ?? '/').split('?')[0]!;
    logged.push({ method: req.method ?? 'GET', path, text: `${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${body}` });
    const origin = `http://${HOST}:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (path === '/.well-known/openid-configuration') {
      res.end(
        JSON.stringify({
          issuer: origin,
          token_endpoint: `${origin}/token`,
          authorization_endpoint: `${origin}/authorize`,
          jwks_uri: `${origin}/jwks`,
          response_types_supported: ['code'],
        }),
      );
    } else if (path === '/auth-code') res.end(JSON.stringify({ code: 'logger-code' }));
    else res.end(JSON.stringify({ access_token: 'logger-token', token_type: 'Bearer', expires_in: 60 }));
  }
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return { port: (server.address() as AddressInfo).port, logged, close: () => new Promise<void>((done) => server.close(() => done())) };
}

/** A suite whose token request, api code step and vendor-header call each carry the secret, all to the logger. */
const SUITE = `vendor: logger
title: A server over plain http
variables:
  LOGGER_URL: { description: the logger }
  LOGGER_SECRET: { description: the client secret, secret: true }
discovery:
  url: \${LOGGER_URL}/.well-known/openid-configuration
  issuer: \${LOGGER_URL}
clients:
  app: { id: logger-client, secret: '\${LOGGER_SECRET}', auth: client_secret_post }
grants:
  machine:
    type: client_credentials
    client: app
  user:
    type: authorization_code
    client: app
    pkce: none
    code:
      strategy: api
      steps:
        - method: POST
          url: \${LOGGER_URL}/auth-code
          form: { app_user_id: someone, client_id: logger-client, client_secret: '\${LOGGER_SECRET}' }
          capture: code
resources:
  - name: vendor-headers
    url: \${LOGGER_URL}/fhir/Patient
    auth: { headers: { client_id: logger-client, client_secret: '\${LOGGER_SECRET}' } }
`;

describe('a server over plain http behind a name that is not loopback', () => {
  let logger: Awaited<ReturnType<typeof startLogger>>;
  let suite: string;
  beforeAll(async () => {
    logger = await startLogger();
    suite = join(await tempDir(), 'logger.yaml');
    await writeFile(suite, SUITE);
  });
  afterAll(() => logger.close());

  const run = async (extra: string[] = []) => {
    logger.logged.length = 0;
    const { paths, args } = await reportArgs();
    const hook = pathToFileURL(join(root, 'test/fixtures/resolve-test-host.mjs')).href;
    const result = await cli(['run', '--suite', suite, '--no-html', ...args, ...extra], {
      env: { LOGGER_URL: `http://${HOST}:${logger.port}`, LOGGER_SECRET: SECRET, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${hook}` },
    });
    return { ...result, files: await reportFiles(paths.dir) };
  };

  it('receives no request carrying the secret; the console names the refusal; what carries none gets through', async () => {
    const { stdout, stderr, files } = await run();
    // The control: the discovery GET, which carries no secret, reached the logger through the name.
    expect(
      logger.logged.map((r) => `${r.method} ${r.path}`),
      stdout + stderr,
    ).toContain('GET /.well-known/openid-configuration');
    expect(
      leaks(
        logger.logged.map((r) => ({ path: `${r.method} ${r.path}`, text: r.text })),
        [SECRET],
      ),
    ).toEqual([]);
    expect(logger.logged.map((r) => r.path)).not.toContain('/auth-code');
    expect(logger.logged.map((r) => r.path)).not.toContain('/fhir/Patient');
    expect(logger.logged.map((r) => r.path)).not.toContain('/token');
    expect(stdout).toContain(`refused to send credentials over plain http to ${HOST}:${logger.port}: use its https URL, or pass --allow-insecure-http`);
    expect(leaks([...files, { path: 'stdout', text: stdout }], [SECRET])).toEqual([]);
  });

  it('with --allow-insecure-http the same requests do reach it (the refusal, not the name, stopped them)', async () => {
    const { stdout } = await run(['--allow-insecure-http']);
    const paths = logger.logged.map((r) => `${r.method} ${r.path}`);
    expect(paths, stdout).toEqual(expect.arrayContaining(['POST /auth-code', 'GET /fhir/Patient', 'POST /token']));
    expect(logger.logged.find((r) => r.path === '/fhir/Patient')!.text).toContain(SECRET);
    expect(stdout).not.toContain('refused to send credentials over plain http');
  });
});

describe('a redirect to another host', () => {
  it('is not followed: the credentials go to the host they were meant for only', async () => {
    const other = await startLogger();
    const first = createServer((_req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${other.port}/token` });
      res.end();
    });
    await new Promise<void>((ready) => first.listen(0, '127.0.0.1', ready));
    try {
      const url = `http://127.0.0.1:${(first.address() as AddressInfo).port}/token`;
      const { response } = await send(
        {
          label: 'token',
          method: 'POST',
          url,
          headers: { authorization: `Basic ${Buffer.from(`id:${SECRET}`).toString('base64')}` },
          body: `client_secret=${SECRET}`,
        },
        new Recorder(),
      );
      expect(response?.status).toBe(307);
      expect(other.logged).toEqual([]);
    } finally {
      await Promise.all([other.close(), new Promise<void>((done) => first.close(() => done()))]);
    }
  });
});
