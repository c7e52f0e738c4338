import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { medplum } from '../sandbox/emulators/medplum.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { closeBrowser, launchBrowser } from '../src/browser/chromium.js';
import { defaultHttpOptions } from '../src/http/client.js';
import type { Outcome } from '../src/engine/evaluate.js';
import { startMinimalProvider } from './fixtures/minimal-provider.js';
import { leaks } from './leak-forms.js';
import { openSignInPage } from './sandbox-client.js';
import { root, runSuite, skipWithoutChromium, tempDir } from './helpers.js';

const needsChromium = skipWithoutChromium();

const AUTH_AREAS = ['authorization-code', 'pkce', 'refresh'];

type Results = Awaited<ReturnType<typeof runSuite>>;
const inAuthAreas = (results: Results) => results.filter((r) => AUTH_AREAS.some((area) => r.id.startsWith(`${area}.`)));

const USERNAME = "{ fill: '#username', value: '${SANDBOX_USERNAME}' }";
const PASSWORD = "{ fill: '#password', value: '${SANDBOX_PASSWORD}' }";
const SUBMIT = "{ click: 'button[type=submit]' }";
const CONSENT = "{ click: '#allow' }";
// The login's timeout, waited out where a step's element never comes; also the page loads' (on a loaded 2-core machine
// the sign-in page took over 2 s).
const STEP_TIMEOUT = 5;

/**
 * One authorization (the state-echoed check) by local-browser.yaml with these login steps and timeout instead, with
 * the sandbox's variables or these.
 */
async function oneLogin(sandbox: Pick<Sandbox, 'variables'>, steps: string[], timeout?: number): Promise<Outcome> {
  const source = await readFile(join(root, 'suites/local-browser.yaml'), 'utf8');
  const login = source.slice(source.indexOf('      login:\n'), source.indexOf('resources:'));
  const file = join(await tempDir(), 'local-browser.yaml');
  await writeFile(
    file,
    source.replace(login, `${timeout ? `      timeout: ${timeout}\n` : ''}      login:\n${steps.map((step) => `        - ${step}\n`).join('')}`),
  );
  const results = await runSuite(file, sandbox, { only: ['authorization-code.state-echoed'] });
  return results.find((r) => r.id === 'authorization-code.state-echoed')!.outcome;
}

/** Pixels of the mask colour (#444) in a PNG, counted by decoding it in the browser. */
async function maskedPixels(png: string): Promise<number> {
  const page = await (await launchBrowser({ headed: false })).newPage();
  try {
    await page.setContent(`<img id="shot" src="data:image/png;base64,${png}">`);
    return await page.evaluate(`(async () => {
      const img = document.getElementById('shot');
      await img.decode();
      const canvas = Object.assign(document.createElement('canvas'), { width: img.naturalWidth, height: img.naturalHeight });
      const g = canvas.getContext('2d');
      g.drawImage(img, 0, 0);
      const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] === 68 && data[i + 1] === 68 && data[i + 2] === 68) n++;
      return n;
    })()`);
  } finally {
    await page.close();
  }
}

// One browser for the file's logins, as in a run (each login has a context of its own); closed once they are done.
afterAll(closeBrowser);

const screenshotOf = (outcome: Outcome) => outcome.exchanges.find((e) => e.screenshot)?.screenshot;

describe.concurrent('browser logins through the interactive sandbox', () => {
  let sandbox: Sandbox;
  beforeEach(needsChromium);
  beforeAll(async () => {
    sandbox = await startSandbox({ login: 'interactive' });
  });
  afterAll(() => sandbox.close());

  it('signs in, consents, and the authorization-code, PKCE and refresh checks pass; redirect_uri is never requested', async () => {
    const results = await runSuite('suites/local-browser.yaml', sandbox);
    const auth = inAuthAreas(results);
    expect(auth.filter((r) => r.outcome.status === 'pass').length).toBeGreaterThanOrEqual(12);
    for (const r of results) expect(['pass', 'skipped'], `${r.id}: ${r.outcome.message}`).toContain(r.outcome.status);
    const paths = sandbox.requests().map((r) => `${r.method} ${r.path}`);
    expect(paths.some((p) => /^POST \/interaction\/[^/]+\/login$/.test(p))).toBe(true);
    expect(paths.some((p) => /^POST \/interaction\/[^/]+\/confirm$/.test(p))).toBe(true);
    expect(paths.filter((p) => p.endsWith('/callback'))).toEqual([]);
  });

  it('a selector that matches nothing fails the login with the step, the page, and a screenshot with the typed password masked', async () => {
    const outcome = await oneLogin(sandbox, [USERNAME, PASSWORD, "{ click: '#sign-in' }"], STEP_TIMEOUT);
    expect(outcome.status).toBe('blocked');
    expect(outcome.message).toMatch(
      /^login step 3 \(click #sign-in\): nothing matches #sign-in within 5 s; the browser shows http:\/\/127\.0\.0\.1:\d+\/interaction\/\S+ \(“Sign in · Sandbox”\), masked screenshot in the report$/,
    );
    const png = screenshotOf(outcome);
    expect(png).toBeDefined();
    // The password field (352 × 35 px on the sandbox's page) is covered.
    expect(await maskedPixels(png!)).toBeGreaterThan(10_000);
    expect(outcome.exchanges.map((e) => e.label)).toContain('authorize (user) login page');
  });

  it('a login that never reaches redirect_uri fails after the timeout, naming the page it stopped on', async () => {
    // Long enough for the steps themselves on a loaded machine (other logins run beside this one): the wait that
    // times out is the one for redirect_uri, after the consent page the steps never click through.
    const outcome = await oneLogin(sandbox, [USERNAME, PASSWORD, SUBMIT], 8);
    expect(outcome.status).toBe('blocked');
    expect(outcome.message).toMatch(
      /^after the login steps the browser did not reach the redirect_uri within 8 s; the browser shows \S+ \(“Authorize · Sandbox”\), masked screenshot in the report$/,
    );
    expect(screenshotOf(outcome)).toBeDefined();
  });

  it('a selector that is not CSS is reported as such, not as a timeout', async () => {
    const outcome = await oneLogin(sandbox, [USERNAME, "{ click: 'button[type=' }"], STEP_TIMEOUT);
    expect(outcome.status).toBe('blocked');
    expect(outcome.message).toMatch(/^login step 2 \(click button\[type=\): .+; the browser shows /);
    expect(outcome.message).not.toContain('nothing matches');
  });

  it('an optional step whose element never appears is skipped', async () => {
    const outcome = await oneLogin(sandbox, [USERNAME, PASSWORD, "{ click: '#remember-me', optional: true }", SUBMIT, CONSENT]);
    expect(outcome.status, outcome.message).toBe('pass');
  });
});

describe.concurrent('a wrong password', () => {
  let sandbox: Sandbox;
  beforeEach(needsChromium);
  beforeAll(async () => {
    sandbox = await startSandbox({ login: 'interactive', profile: 'wrong-password' });
  });
  afterAll(() => sandbox.close());

  it('stops every login at the sign-in page with its error and a masked screenshot', async () => {
    // The authorization-code area's logins (several, with different authorization parameters); the PKCE and refresh
    // areas log in through the same steps and differ only after the code comes back.
    const results = await runSuite('suites/local-browser.yaml', sandbox, { only: ['authorization-code'] });
    // A refusal that comes before any login (a foreign redirect_uri) still passes.
    const refusedEarly = ['authorization-code.redirect-uri-authorize'];
    expect(results.filter((r) => r.outcome.status === 'pass').map((r) => r.id)).toEqual(refusedEarly);
    const blocked = results.filter((r) => !refusedEarly.includes(r.id) && r.outcome.status !== 'skipped');
    expect(new Set(blocked.flatMap((r) => r.outcome.exchanges.filter((e) => e.screenshot).map((e) => e.label))).size).toBeGreaterThan(2);
    for (const { outcome } of blocked) {
      expect(outcome.status).toBe('blocked');
      expect(outcome.message).toMatch(
        /^the login page shows “Invalid username or password\.” after login step 3 \(click button\[type=submit\]\); the browser shows \S+\/login \(“Sign in · Sandbox”\), masked screenshot in the report$/,
      );
    }
    expect(await maskedPixels(screenshotOf(blocked[0]!.outcome)!)).toBeGreaterThan(10_000);
  });
});

describe.concurrent('a loading banner on the sign-in page', () => {
  let sandbox: Sandbox;
  beforeEach(needsChromium);
  beforeAll(async () => {
    sandbox = await startSandbox({ login: 'interactive', profile: 'loading-banner' });
  });
  afterAll(() => sandbox.close());

  it('shown while the sign-in is sent, and gone when the next page comes, does not fail the login', async () => {
    const outcome = await oneLogin(sandbox, [USERNAME, PASSWORD, SUBMIT, CONSENT]);
    expect(outcome.status, outcome.message).toBe('pass');
  });

  it("an error still shown once the page settles fails the login with its text, not the banner's", async () => {
    const outcome = await oneLogin({ variables: { ...sandbox.variables, SANDBOX_PASSWORD: 'not-the-password' } }, [USERNAME, PASSWORD, SUBMIT, CONSENT]);
    expect(outcome.status).toBe('blocked');
    expect(outcome.message).toMatch(
      /^the login page shows “Invalid username or password\.” after login step 3 \(click button\[type=submit\]\); the browser shows \S+\/login \(“Sign in · Sandbox”\)/,
    );
  });

  it('hidden, as it is until the form is sent, is no error: the login waits for its step', async () => {
    const outcome = await oneLogin(sandbox, [USERNAME, PASSWORD, "{ click: '#sign-in' }"], STEP_TIMEOUT);
    expect(outcome.status).toBe('blocked');
    expect(outcome.message).toMatch(/^login step 3 \(click #sign-in\): nothing matches #sign-in within 5 s; /);
  });
});

describe.concurrent('the interactive sandbox sign-in page, over plain HTTP', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ login: 'interactive' });
  });
  afterAll(() => sandbox.close());

  const signInPage = () => openSignInPage(sandbox);

  it('shows a form with a CSRF token, a username and a password field', async () => {
    const { page } = await signInPage();
    expect(page).toContain('<input type="hidden" name="csrf"');
    expect(page).toContain('<input id="username" name="username"');
    expect(page).toContain('<input id="password" name="password" type="password">');
  });

  it('refuses a post without the CSRF token, or without the session cookie', async () => {
    const v = sandbox.variables;
    const { csrf, post, cookies } = await signInPage();
    const credentials = { username: v.SANDBOX_USERNAME!, password: v.SANDBOX_PASSWORD! };
    expect((await post(credentials)).status).toBe(403);
    expect((await post({ ...credentials, csrf }, cookies.filter((c) => !c.startsWith('sandbox_login=')).join('; '))).status).toBe(403);
  });

  it('shows an error on a wrong password, and continues to consent on the right one', async () => {
    const v = sandbox.variables;
    const { csrf, post } = await signInPage();
    const wrong = await post({ csrf, username: v.SANDBOX_USERNAME!, password: 'not-it' });
    expect(wrong.status).toBe(200);
    const retry = await wrong.text();
    expect(retry).toContain('<p class="error" role="alert">Invalid username or password.</p>');
    const again = /name="csrf" value="([^"]+)"/.exec(retry)![1]!;
    const right = await post({ csrf: again, username: v.SANDBOX_USERNAME!, password: v.SANDBOX_PASSWORD! });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toMatch(/\/auth\/[^/]+$/);
  });
});

describe.concurrent('the generic suite with OIDC_CODE_STRATEGY=browser and its default login steps', () => {
  beforeEach(needsChromium);
  const secret = 'generic-client-secret-value';
  const oidcEnv = (issuer: string, clients: [string, string], redirectUri: string, username: string, password: string) => ({
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: clients[0],
    OIDC_CLIENT_SECRET: secret,
    OIDC_AUTH_CLIENT_ID: clients[1],
    OIDC_AUTH_CLIENT_SECRET: secret,
    OIDC_REDIRECT_URI: redirectUri,
    OIDC_CODE_STRATEGY: 'browser',
    OIDC_USERNAME: username,
    OIDC_PASSWORD: password,
  });

  /** One login with these variables (the state-echoed check's): the default steps get through the provider's pages. */
  async function expectLoginPasses(variables: Record<string, string>): Promise<void> {
    const results = await runSuite('suites/generic-oidc.yaml', { variables }, { only: ['authorization-code.state-echoed'] });
    expect(results.map((r) => `${r.id}: ${r.outcome.status} ${r.outcome.message}`)).toEqual([
      expect.stringMatching(/^authorization-code\.state-echoed: pass /),
    ]);
  }

  it("signs in on oidc-provider's own login and consent pages (another provider than the sandbox)", async () => {
    const provider = await startMinimalProvider(secret, { pages: true });
    try {
      await expectLoginPasses(oidcEnv(provider.issuer, ['plain-client', 'plain-app'], provider.redirectUri, 'someone', 'any-password'));
    } finally {
      await provider.close();
    }
  });

  it("signs in on the interactive sandbox's pages", async () => {
    const sandbox = await startSandbox({ login: 'interactive' });
    try {
      const v = sandbox.variables;
      await expectLoginPasses({
        ...oidcEnv(v.SANDBOX_ISSUER!, [v.SANDBOX_CLIENT_ID!, v.SANDBOX_AUTH_CLIENT_ID!], v.SANDBOX_REDIRECT_URI!, v.SANDBOX_USERNAME!, v.SANDBOX_PASSWORD!),
        OIDC_CLIENT_SECRET: v.SANDBOX_CLIENT_SECRET!,
        OIDC_AUTH_CLIENT_SECRET: v.SANDBOX_AUTH_CLIENT_SECRET!,
      });
    } finally {
      await sandbox.close();
    }
  });
});

describe.concurrent('medplum-browser: the Medplum App sign-in on the emulator', () => {
  let emulator: Awaited<ReturnType<typeof medplum.start>>;
  beforeEach(needsChromium);
  beforeAll(async () => {
    emulator = await medplum.start('medplum');
  });
  afterAll(() => emulator.close());

  it('goes through email, password and scope pages; nothing fails beyond the declared deviations', async () => {
    const results = await runSuite('suites/medplum-browser.yaml', emulator);
    for (const r of results) expect(['pass', 'skipped', 'deviation'], `${r.id}: ${r.outcome.message}`).toContain(r.outcome.status);
    expect(inAuthAreas(results).filter((r) => r.outcome.status === 'pass').length).toBeGreaterThanOrEqual(8);
  });

  it("a wrong password stops at the password page with Medplum's message", async () => {
    const results = await runSuite(
      'suites/medplum-browser.yaml',
      { variables: { ...emulator.variables, MEDPLUM_PASSWORD: 'not-the-password' } },
      { only: ['authorization-code.state-echoed'] },
    );
    const { outcome } = results[0]!;
    expect(outcome.status).toBe('blocked');
    expect(outcome.message).toMatch(
      /^the login page shows “Email or password is invalid” after login step 4 \(click button:has-text\("Sign in"\)\); the browser shows \S+ \(“Sign in - Medplum”\), masked screenshot in the report$/,
    );
  });
});

describe.concurrent('a sign-in page that echoes the typed password as text', () => {
  beforeEach(needsChromium);

  it('masks the echoed password in the screenshot and redacts it in the page text', async () => {
    const echoing = await startSandbox({ login: 'interactive', profile: 'echo-password' });
    const plain = await startSandbox({ login: 'interactive', profile: 'wrong-password' });
    try {
      const [echoed, refused] = await Promise.all([echoing, plain].map((s) => oneLogin(s, [USERNAME, PASSWORD, SUBMIT, CONSENT])));
      expect(echoed!.status).toBe('blocked');
      const page = echoed!.exchanges.find((e) => e.screenshot)!;
      expect(page.response!.body).toMatch(/Wrong password \[redacted:[0-9a-f]{8}\] for /);
      expect(leaks([{ path: 'page text', text: page.response!.body }], [echoing.variables.SANDBOX_PASSWORD!])).toEqual([]);
      // The same page as wrong-password's, with one more element masked: the error that shows the password.
      expect(await maskedPixels(page.screenshot!)).toBeGreaterThan((await maskedPixels(screenshotOf(refused!)!)) + 1000);
    } finally {
      await Promise.all([echoing.close(), plain.close()]);
    }
  });
});

/**
 * A login over plain http off loopback: the machine's own non-loopback address stands for a remote host (its
 * traffic stays on the machine). A login page whose form posts to that address is served on loopback, and on it.
 */
// One test at a time: each judges what the one listener received during its login.
describe('a login page over plain http to a host that is not loopback', () => {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  const password = `plain-http-password-${Date.now()}`;
  const received: string[] = [];
  let server: ReturnType<typeof createServer>;
  let port: number;
  beforeEach((ctx) => {
    needsChromium(ctx);
    if (!address) ctx.skip('no non-loopback IPv4 address on this machine');
    received.length = 0;
  });
  beforeAll(async () => {
    server = createServer((req, res) => void answer(req, res));
    async function answer(req: IncomingMessage, res: ServerResponse) {
      let body = '';
      for await (const chunk of req.setEncoding('utf8')) body += chunk as string;
      received.push(`${req.method} ${req.url} ${body}`);
      res.setHeader('content-type', 'text/html');
      res.end(
        `<form method="post" action="http://${address}:${port}/login"><input id="password" name="password" type="password"><button type="submit">Sign in</button></form>`,
      );
    }
    await new Promise<void>((ready) => server.listen(0, '0.0.0.0', ready));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  /** The state-echoed check of a browser login that types the password on the page at `host` and submits it. */
  async function loginAt(host: string, allowInsecureHttp = false): Promise<Outcome> {
    const file = join(await tempDir(), 'plain-login.yaml');
    await writeFile(
      file,
      `vendor: plain-login
title: A login page over plain http
variables:
  LOGIN_PASSWORD: { description: the password, secret: true }
endpoints:
  authorization_endpoint: http://${host}:${port}/authorize
  token_endpoint: http://127.0.0.1:${port}/token
clients:
  web: { id: web, secret: 'plain-login-client-secret', auth: client_secret_basic }
grants:
  user:
    type: authorization_code
    client: web
    redirect_uri: http://127.0.0.1:${port}/callback
    pkce: S256
    code:
      strategy: browser
      timeout: 3
      login:
        - { fill: '#password', value: '\${LOGIN_PASSWORD}' }
        - { click: 'button[type=submit]' }
`,
    );
    const results = await runSuite(
      file,
      { variables: { LOGIN_PASSWORD: password } },
      { only: ['authorization-code.state-echoed'], http: { ...defaultHttpOptions, allowInsecureHttp } },
    );
    return results.find((r) => r.id === 'authorization-code.state-echoed')!.outcome;
  }

  it('a page served from that host is not typed the password into', async () => {
    const outcome = await loginAt(address!);
    expect(outcome.status).toBe('blocked');
    expect(outcome.message).toContain(
      `login step 1 (fill #password): refused to type a secret into a page served over plain http by ${address}:${port}: use its https URL, or pass --allow-insecure-http`,
    );
    expect(received.filter((r) => r.includes(password))).toEqual([]);
  });

  it('a loopback page whose form posts there: the submission is refused, and the cause named', async () => {
    const outcome = await loginAt('127.0.0.1');
    expect(outcome.status).toBe('blocked');
    expect(outcome.message).toBe(
      `refused to send credentials over plain http to ${address}:${port}: use its https URL, or pass --allow-insecure-http for a lab setup you control`,
    );
    // The control: the page itself was served, the form was never.
    expect(received.some((r) => r.startsWith('GET /authorize?'))).toBe(true);
    expect(received.filter((r) => r.startsWith('POST'))).toEqual([]);
    expect(received.filter((r) => r.includes(password))).toEqual([]);
  });

  it('with --allow-insecure-http the password is typed and sent (the guard, not the page, stopped it)', async () => {
    await loginAt(address!, true);
    expect(received.filter((r) => r.startsWith('POST /login') && r.includes(password))).toHaveLength(1);
  });
});
