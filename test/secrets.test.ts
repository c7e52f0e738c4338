import { describe, expect, it, vi } from 'vitest';

// The set of known secrets is process-wide, and test files share a worker's modules (vitest.config.ts): this file
// judges exact redactions, so it has a registry of its own, as a fresh process does. Every test registers values of
// its own.
vi.resetModules();
const { addSecret, fingerprint, learnSecrets, learnSecretsFromUrl, redact, redactBody, redactForm, redactHeaders, redactJson, redactUrl } =
  await import('../src/secrets.js');
const fp = fingerprint;
const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJ1c2VyLTEiLCJhdWQiOiJhcGkifQ.c2lnbmF0dXJlLWJ5dGVz';

describe('fingerprint', () => {
  it('is a short tag that does not contain the value', () => {
    expect(fp('s3cr3t-value')).toMatch(/^\[redacted:[0-9a-f]{8}\]$/);
    expect(fp('s3cr3t-value')).not.toContain('s3cr3t');
  });

  it('is the same for the same value and differs between values', () => {
    expect(fp('token-one-1111')).toBe(fp('token-one-1111'));
    expect(fp('token-one-1111')).not.toBe(fp('token-two-2222'));
  });
});

describe('redactUrl', () => {
  it.each([
    ['a code in the query', 'https://app.example/cb?code=SplxlOBe&state=xyz', `https://app.example/cb?code=${fp('SplxlOBe')}&state=xyz`],
    [
      'a token in the fragment',
      'https://app.example/cb#access_token=2YotnFZ&token_type=bearer',
      `https://app.example/cb#access_token=${fp('2YotnFZ')}&token_type=bearer`,
    ],
    [
      'both',
      'https://app.example/cb?code=c0de-a&state=s#id_token=idt-b&expires_in=60',
      `https://app.example/cb?code=${fp('c0de-a')}&state=s#id_token=${fp('idt-b')}&expires_in=60`,
    ],
    ['a percent-encoded value, by its decoded value', 'https://app.example/cb?code=a%2Fb%2Bc', `https://app.example/cb?code=${fp('a/b+c')}`],
    ['nothing secret', 'https://id.example.com/authorize?client_id=web&scope=openid', 'https://id.example.com/authorize?client_id=web&scope=openid'],
  ])('redacts %s', (_, url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('redactForm', () => {
  it('redacts credential fields by name and keeps the others', () => {
    const body = 'grant_type=authorization_code&code=c0de-form&redirect_uri=https%3A%2F%2Fapp%2Fcb&client_secret=s%2Bcr+t&code_verifier=verif1er&flag';
    expect(redactForm(body)).toBe(
      `grant_type=authorization_code&code=${fp('c0de-form')}&redirect_uri=https%3A%2F%2Fapp%2Fcb&client_secret=${fp('s+cr t')}&code_verifier=${fp('verif1er')}&flag`,
    );
  });

  it.each([
    ['redactForm', () => redactForm('code=c0de-pct-1&error_description=100%')],
    ['redactUrl', () => redactUrl('https://app.example/cb?code=c0de-pct-1&error_description=100%')],
  ])('%s survives a malformed percent-escape and still hides the code', (_, run) => {
    let out = '';
    expect(() => (out = run())).not.toThrow();
    expect(out).not.toContain('c0de-pct-1');
  });
});

describe('redactJson', () => {
  it('redacts credential members at any depth, inside arrays too, and keeps the rest', () => {
    const document = {
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: 'at-json-1',
      nested: { refresh_token: 'rt-json-2', list: [{ id_token: 'idt-json-3' }, 'plain', 7] },
      tokens: [{ token: 'tok-json-4' }],
    };
    expect(redactJson(document)).toEqual({
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: fp('at-json-1'),
      nested: { refresh_token: fp('rt-json-2'), list: [{ id_token: fp('idt-json-3') }, 'plain', 7] },
      tokens: [{ token: fp('tok-json-4') }],
    });
  });

  it('redacts known secrets and JWTs quoted in other members', () => {
    addSecret('known-json-secret');
    expect(redactJson({ error_description: 'client known-json-secret rejected', hint: [jwt] })).toEqual({
      error_description: `client ${fp('known-json-secret')} rejected`,
      hint: [fp(jwt)],
    });
  });
});

describe('redactHeaders', () => {
  it.each([
    ['Authorization', 'Bearer at-hdr-1', `Bearer ${fp('at-hdr-1')}`],
    ['authorization', 'Basic d2ViOnNlY3JldA==', `Basic ${fp('d2ViOnNlY3JldA==')}`],
    ['Proxy-Authorization', 'Basic cHJveHk6cHc=', `Basic ${fp('cHJveHk6cHc=')}`],
    ['Cookie', 'sid=abc123; theme=dark', fp('sid=abc123; theme=dark')],
    ['Set-Cookie', 'sid=abc123; Path=/; HttpOnly', fp('sid=abc123; Path=/; HttpOnly')],
    ['Location', 'https://app.example/cb?code=c0de-loc&state=st', `https://app.example/cb?code=${fp('c0de-loc')}&state=st`],
    ['Content-Location', 'https://app.example/cb#access_token=at-cl', `https://app.example/cb#access_token=${fp('at-cl')}`],
    ['Accept', 'application/json', 'application/json'],
  ])('%s: %s', (name, value, expected) => {
    expect(redactHeaders({ [name]: value })).toEqual({ [name]: expected });
  });

  it('redacts known secrets in any other header', () => {
    addSecret('hdr-known-secret');
    expect(redactHeaders({ 'X-Debug': 'used hdr-known-secret' })).toEqual({ 'X-Debug': `used ${fp('hdr-known-secret')}` });
  });
});

describe('redactBody', () => {
  const json = '{"access_token":"at-body-1","token_type":"Bearer","nested":{"refresh_token":"rt-body-2"}}';
  const redactedJson = JSON.stringify({ access_token: fp('at-body-1'), token_type: 'Bearer', nested: { refresh_token: fp('rt-body-2') } }, null, 2);

  it.each([
    ['JSON served as application/json', json, 'application/json', redactedJson],
    ['JSON mislabelled text/plain', json, 'text/plain', redactedJson],
    ['JSON with no content type', `  ${json}`, undefined, redactedJson],
    [
      'a form',
      'grant_type=refresh_token&refresh_token=rt-form-3',
      'application/x-www-form-urlencoded',
      `grant_type=refresh_token&refresh_token=${fp('rt-form-3')}`,
    ],
    ['a form with a charset', 'code=c0de-form-4&state=s', 'Application/X-WWW-Form-Urlencoded; charset=utf-8', `code=${fp('c0de-form-4')}&state=s`],
    ['text quoting a JWT', `token: ${jwt} end`, 'text/html', `token: ${fp(jwt)} end`],
    ['text that is not JSON after all', '{not json code=c0de-text', 'application/json', '{not json code=c0de-text'],
  ])('redacts %s', (_, body, contentType, expected) => {
    expect(redactBody(body, contentType)).toBe(expected);
  });
});

describe('learning secrets', () => {
  it('hides the credential members of a JSON body wherever they are quoted later', () => {
    learnSecrets('{"access_token":"opaque-AT-7788","token_type":"Bearer","nested":[{"refresh_token":"RT-5566"}],"scope":"read-scope"}');
    expect(redact('echo opaque-AT-7788 and RT-5566 with Bearer read-scope')).toBe(`echo ${fp('opaque-AT-7788')} and ${fp('RT-5566')} with Bearer read-scope`);
  });

  it("learns a top-level code (an API's authorization code), not the codes nested in FHIR data", () => {
    learnSecrets('{"login":"l-1","code":"api-issued-code-42"}');
    const outcome = '{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"login","diagnostics":"Unauthorized"}]}';
    learnSecrets(outcome);
    expect(redact('api-issued-code-42 login invalid')).toBe(`${fp('api-issued-code-42')} login invalid`);
    expect(redactJson(JSON.parse(outcome))).toEqual(JSON.parse(outcome));
    expect(redactJson({ code: 'top-level-code-7' })).toEqual({ code: fp('top-level-code-7') });
  });

  it('learns nothing from prose that names a credential', () => {
    learnSecrets('Bad request: access_token is not-a-json-token, see the docs');
    expect(redact('not-a-json-token')).toBe('not-a-json-token');
  });

  it('learns a code in a query and a token in a fragment, not the state', () => {
    learnSecretsFromUrl('https://app.example/cb?state=st4te-value&code=SplxlOBeZQQYbYS6WxSbIA#access_token=frag-token-9');
    learnSecretsFromUrl(undefined);
    expect(redact('SplxlOBeZQQYbYS6WxSbIA frag-token-9 st4te-value')).toBe(`${fp('SplxlOBeZQQYbYS6WxSbIA')} ${fp('frag-token-9')} st4te-value`);
  });
});

describe('redact', () => {
  it.each([
    ['a signed JWT', `id_token was ${jwt}.`, `id_token was ${fp(jwt)}.`],
    ['an unsigned JWT', 'got eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. here', `got ${fp('eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.')} here`],
    ['ordinary text', 'eyJust a word. and.dots', 'eyJust a word. and.dots'],
  ])('finds %s in free text', (_, text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it('hides a registered secret in its raw, percent-encoded and form-encoded forms', () => {
    const secret = 'p@ss word/+1&x';
    addSecret(secret);
    const out = redact(`raw ${secret} uri ${encodeURIComponent(secret)} form ${new URLSearchParams({ v: secret }).toString().slice(2)}`);
    expect(out).toMatch(/^raw \[redacted:[0-9a-f]{8}\] uri \[redacted:[0-9a-f]{8}\] form \[redacted:[0-9a-f]{8}\]$/);
  });

  it('tags the encoded forms of a secret with the same fingerprint as the secret', () => {
    const secret = 'sh@red value/7';
    addSecret(secret);
    expect(redact(`${secret} ${encodeURIComponent(secret)} ${new URLSearchParams({ v: secret }).toString().slice(2)}`)).toBe(
      `${fp(secret)} ${fp(secret)} ${fp(secret)}`,
    );
  });

  it('replaces a secret that contains another as a whole', () => {
    addSecret('nest-1234');
    addSecret('nest-1234-longer');
    expect(redact('a nest-1234-longer b nest-1234')).toBe(`a ${fp('nest-1234-longer')} b ${fp('nest-1234')}`);
  });

  it('hides a secret written outside ASCII, wherever the wide characters fall in it', () => {
    const secrets = ['Ünïcødé-pass', 'ab€d-rest', 'plain-start-ñ', '🔑🔑-key'];
    secrets.forEach(addSecret);
    expect(redact(`x${secrets.join(' y ')} ${encodeURIComponent(secrets[0]!)}.`)).toBe(`x${secrets.map(fp).join(' y ')} ${fp(secrets[0]!)}.`);
    expect(redact('Ünïcødé-pas ab€d')).toBe('Ünïcødé-pas ab€d');
  });

  it.each([
    ['a 3-character value is too short to register', 'xyz', 'xyz'],
    ['a 4-character value is registered', 'wxyz', fp('wxyz')],
  ])('%s', (_, value, expected) => {
    addSecret(value);
    expect(redact(value)).toBe(expected);
  });

  it('ignores an absent or empty value', () => {
    addSecret(undefined);
    addSecret('');
    expect(redact('nothing to hide')).toBe('nothing to hide');
  });
});

describe('hostile servers', () => {
  it.each([
    ['base64', (s: string) => Buffer.from(s).toString('base64')],
    ['base64url', (s: string) => Buffer.from(s).toString('base64url')],
    ['HTML-escaped', (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')],
    ['JSON-escaped', (s: string) => JSON.stringify(s).slice(1, -1)],
    ['lower-case percent-encoded', (s: string) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())],
  ])('hides a %s copy of a secret', (_, encode) => {
    const secret = `c@nary"<&/${Math.random().toString(36).slice(2)}`;
    addSecret(secret);
    expect(redact(`echo ${encode(secret)} end`)).toBe(`echo ${fp(secret)} end`);
  });

  it.each(['accessToken', 'AccessToken', 'ACCESS_TOKEN', 'access-token', 'session', 'apiKey'])('treats a member named %s as a credential', (name) => {
    const value = `odd-${name}-${Math.random().toString(36).slice(2)}`;
    learnSecrets(JSON.stringify({ token_type: 'Bearer', [name]: value }));
    expect(redact(`saw ${value}`)).toBe(`saw ${fp(value)}`);
    expect(redactJson({ [name]: 'other-value-1' })).toEqual({ [name]: fp('other-value-1') });
  });

  it('finds a JWT whose header does not start with eyJ', () => {
    const header = Buffer.from('{ "alg": "RS256" }').toString('base64url');
    const token = `${header}.${Buffer.from('{"sub":"1"}').toString('base64url')}.c2lnbmF0dXJl`;
    expect(header.startsWith('eyJ')).toBe(false);
    expect(redact(`id ${token} end`)).toBe(`id ${fp(token)} end`);
    expect(redact('see conformance-sandbox.example.test.and more')).toBe('see conformance-sandbox.example.test.and more');
  });

  it.each([
    ['a byte-order mark', (j: string) => `\uFEFF${j}`],
    ['an anti-XSSI prefix', (j: string) => `)]}'\n${j}`],
    ['trailing text', (j: string) => `${j} <!-- served by gateway -->`],
    ['a body cut at the size cap', (j: string) => `${j.slice(0, -1)}, "padding": "${' '.repeat(100)}`],
  ])('learns the tokens of a token response with %s', (_, wrap) => {
    const token = `loose-at-${Math.random().toString(36).slice(2)}`;
    const body = wrap(JSON.stringify({ access_token: token, token_type: 'Bearer' }));
    learnSecrets(body);
    expect(redactBody(body, 'application/json')).not.toContain(token);
    expect(redact(`quoted ${token}`)).toBe(`quoted ${fp(token)}`);
  });

  it('learns the tokens of a form-encoded token response served as text/plain', () => {
    const token = `form-at-${Math.random().toString(36).slice(2)}`;
    learnSecrets(`access_token=${token}&token_type=bearer&expires_in=3600`);
    expect(redact(token)).toBe(fp(token));
  });
});

describe('base64 inside a larger encoded string', () => {
  it.each([0, 1, 2])('hides a secret %i bytes off the 3-byte alignment in an echoed body, base64 and base64url', (shift) => {
    const secret = `echoed-${Math.random().toString(36).slice(2)}`;
    addSecret(secret);
    const body = `${'x'.repeat(shift + 3)}client_secret=${secret}&scope=read`;
    for (const alphabet of ['base64', 'base64url'] as const) {
      const echoed = redact(`echo ${Buffer.from(body).toString(alphabet)} end`);
      expect(echoed).toContain('[redacted:');
      expect(echoed).not.toContain(Buffer.from(secret).toString(alphabet).slice(0, 12));
    }
  });

  it.each([
    ['form-encoded', (s: string) => `grant_type=client_credentials&client_secret=${encodeURIComponent(s)}`],
    ['JSON-escaped', (s: string) => JSON.stringify({ grant_type: 'client_credentials', client_secret: s })],
  ])('hides a secret written %s inside an encoded body', (_, bodyOf) => {
    const tail = Math.random().toString(36).slice(2, 12);
    const secret = `echoed/"<&>+ ${tail}`;
    addSecret(secret);
    for (const alphabet of ['base64', 'base64url'] as const) {
      const echoed = redact(`echo ${Buffer.from(bodyOf(secret)).toString(alphabet)} end`);
      const decoded = echoed
        .split(' ')
        .map((word) => Buffer.from(word, alphabet).toString('latin1'))
        .join(' ');
      // The bytes at the very edges share base64 characters with their neighbours, and may stay.
      expect(decoded).not.toContain('<&>');
      expect(decoded).not.toContain('%3C%26%3E');
      expect(decoded).not.toContain(tail.slice(0, -2));
    }
  });
});

it('redacts a loose member whose value repeats its name', () => {
  expect(redactBody(')]}\'\n{"token":"token-as-name"} tail', 'application/json')).toBe(`)]}'\n{"token":"${fp('token-as-name')}"} tail`);
  expect(redactBody('{"session": "session"} tail', 'text/plain')).toBe(`{"session": "${fp('session')}"} tail`);
});
