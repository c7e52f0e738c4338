import { describe, expect, it } from 'vitest';
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
    learnSecretsFromPage({}, `<form method=post action="https://app.example/cb"><input value='${code}' type=hidden name=code><input name="access_token" value="${token}"><input name="state" value="not-secret"></form>`);
    expect(redact(`${code} ${token} not-secret`)).toMatch(/^\[redacted:\w+\] \[redacted:\w+\] not-secret$/);
  });

  it('a script that sets location, percent-encoded', () => {
    const code = `${unique('script')}/+=`;
    learnSecretsFromPage({}, `<script>location.href = "https://app.example/cb?code=${encodeURIComponent(code)}";</script>`);
    expect(redact(code)).toMatch(/^\[redacted:/);
  });
});
