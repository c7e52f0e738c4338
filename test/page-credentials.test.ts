import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Recorder, send } from '../src/http/client.js';
import { learnSecretsFromPage } from '../src/http/page-credentials.js';
import { redact } from '../src/secrets.js';

/** Each way a page delivers a code, on its own: the code is known, so redaction hides it wherever it is quoted. */
describe('codes delivered by a page instead of a redirect', () => {
  const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2)}`;

  it('a Refresh header', () => {
    const code = unique('refresh-header');
    learnSecretsFromPage({ refresh: `0; url=https://app.example/cb?state=s&code=${code}` }, '');
    expect(redact(`code ${code}`)).toMatch(/^code \[redacted:[0-9a-f]{8}\]$/);
  });

  it('a meta refresh, HTML-escaped and quoted', () => {
    const code = unique('meta-refresh');
    learnSecretsFromPage({}, `<meta http-equiv="refresh" content="0;url='https://app.example/cb?state=s&amp;code=${code}'">`);
    expect(redact(code)).toMatch(/^\[redacted:/);
  });

  it('a form_post form, whatever the attribute order and quotes', () => {
    const code = unique('form-post');
    const token = unique('form-post-token');
    learnSecretsFromPage(
      {},
      `<form method=post action="https://app.example/cb"><input value='${code}' type=hidden name=code><input name="access_token" value="${token}"><input name="state" value="not-secret"></form>`,
    );
    expect(redact(`${code} ${token} not-secret`)).toMatch(/^\[redacted:\w+\] \[redacted:\w+\] not-secret$/);
  });

  it('a script that sets location, percent-encoded', () => {
    const code = `${unique('script')}/+=`;
    learnSecretsFromPage({}, `<script>location.href = "https://app.example/cb?code=${encodeURIComponent(code)}";</script>`);
    expect(redact(code)).toMatch(/^\[redacted:/);
  });
});

describe('a code an api step captures at a nested member path', () => {
  it('is known before its answer is recorded: the recorded body hides it, though a nested `code` is data otherwise', async () => {
    const code = `nested-code-${Math.random().toString(36).slice(2)}`;
    const server = createServer((_req, res) =>
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ data: { code, issue: { code: 'invalid' } } })),
    );
    const { origin } = await listen(server);
    try {
      const recorder = new Recorder();
      const { response } = await send({ label: 'code step', method: 'POST', url: `${origin}/login`, secretAt: 'data.code' }, recorder);
      expect((JSON.parse(response!.body) as { data: { code: string } }).data.code).toBe(code);
      const recorded = recorder.exchanges[0]!.response!.body;
      expect(recorded).not.toContain(code);
      expect(recorded).toContain('"code": "invalid"');
    } finally {
      server.close();
    }
  });
});

function listen(server: Server): Promise<{ origin: string }> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}
