import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Locator, Page, Request } from 'playwright-core';
import { launchBrowser } from '../browser/chromium.js';
import { guardRequests, schemeRefusal, type GuardedLogin } from '../browser/request-guard.js';
import { secretElements } from '../browser/secret-elements.js';
import type { Exchange } from '../http/exchange.js';
import { HostGate } from '../http/host-gate.js';
import { learnSecretsFromPage } from '../http/page-credentials.js';
import { clearHost, insecureHttpAdvice } from '../http/plain-http.js';
import { writePrivately } from '../private-file.js';
import { containsSecret, learnSecretsFromUrl, learnSessionCookies, redact, redactHeaders, redactUrl } from '../secrets.js';
import type { AuthorizationCodeGrant, FillStep, LoginStep } from '../suite/suite.types.js';
import type { FlowContext } from './context.js';

/** What a browser login ended with: the navigation to redirect_uri, or why none came. */
export interface BrowserLogin {
  exchanges: Exchange[];
  callback?: URL;
  failure?: string;
}

const DEFAULT_TIMEOUT_S = 15;
// Long enough for an optional element to render after the previous step's navigation; not the whole timeout.
const OPTIONAL_WAIT_MS = 3000;
// How long a login error and the network must stay unchanged for the error to count: a loading banner in the same
// role ("Loading...", "Signing in…") shows while the login request is out and goes away as the login proceeds.
const SETTLE_MS = 1000;
const POLL_MS = 100;

/**
 * The `browser` strategy: Chromium opens the authorization URL in a fresh context, performs the suite's login steps,
 * and reads the code from the navigation to redirect_uri, which is answered in the browser and never reaches the
 * network (a real client behind it could otherwise redeem the code first). Every page the browser navigates is
 * recorded, redacted; a login that fails leaves a screenshot with password fields and secret values masked. The
 * browser opens only http(s) URLs, and sends no secret over plain http off loopback (request-guard.ts).
 */
export function codeFromBrowser(flows: FlowContext, label: string, grant: AuthorizationCodeGrant, url: URL, redirectUri: string): Promise<BrowserLogin> {
  return logins.run(url.origin, 0, () => login(flows, label, grant, url, redirectUri));
}

// Each login renders in a browser context of its own, which costs CPU rather than waiting: a few at a time finish
// sooner than all at once on a small machine (14 logins on 2 cores: 7.6 s one at a time, 9.2 s all at once), and a
// slow step does not eat into the next login's timeout.
const logins = new HostGate(2);

async function login(flows: FlowContext, label: string, grant: AuthorizationCodeGrant, url: URL, redirectUri: string): Promise<BrowserLogin> {
  // A hostile discovery document may name a file: the browser would show it, and the screenshot would keep it.
  const scheme = schemeRefusal(url.href);
  if (scheme) return { exchanges: [], failure: `the authorization endpoint is not an http(s) URL: ${scheme}` };
  const allowInsecureHttp = flows.browser.allowInsecureHttp ?? false;
  const browser = await launchBrowser(flows.browser);
  const context = await browser.newContext();
  const trace = flows.browser.traceDir;
  if (trace) await context.tracing.start({ screenshots: true, snapshots: true, title: label });
  const result: BrowserLogin = { exchanges: [] };
  try {
    const page = await context.newPage();
    const callback = await guardRequests(context, page, redirectUri, allowInsecureHttp);
    const navigations = recordNavigations(flows, page, label, result);
    const failure = await signIn(page, grant, url, callback, allowInsecureHttp);
    if (failure === undefined) return { ...result, callback: new URL(await callback.url) };
    const refusal = callback.refusal();
    if (refusal) {
      // What was refused never left the browser: there is no page of it to show.
      result.exchanges.push(
        flows.record({
          label: `${label} refused request`,
          startedAt: new Date().toISOString(),
          durationMs: 0,
          request: { method: 'GET', url: refusal.url, headers: {} },
          error: refusal.refused,
        }),
      );
      return { ...result, failure: refusal.refused };
    }
    // Whatever a page delivered is known before its text and screenshot are taken; a body that never ends is not waited for.
    await Promise.race([navigations.learned(), sleep(SETTLE_MS)]);
    const where = `${redactUrl(page.url())} (“${await page.title().catch(() => '')}”)`;
    result.exchanges.push(await screenshot(flows, page, `${label} login page`, navigations.lastStatus(), grant.code.login ?? []));
    return { ...result, failure: `${failure}; the browser shows ${where}, masked screenshot in the report` };
  } finally {
    if (trace) {
      // A trace holds what was typed, in clear: the folders made for it and each trace are the user's alone.
      await mkdir(trace, { recursive: true, mode: 0o700 });
      await writePrivately(join(trace, `${label.replace(/[^\w.-]+/g, '_')}.zip`), (file) => context.tracing.stop({ path: file }));
    }
    await context.close();
  }
}

/** Opens the authorization URL and performs the login steps until redirect_uri is reached; says why not otherwise. */
async function signIn(page: Page, grant: AuthorizationCodeGrant, url: URL, callback: GuardedLogin, allowInsecureHttp: boolean): Promise<string | undefined> {
  const timeoutMs = (grant.code.timeout ?? DEFAULT_TIMEOUT_S) * 1000;
  page.setDefaultTimeout(timeoutMs);
  // A refused request ends the login as a shown error would: it cannot go on without it.
  const shown = Promise.race([persistentError(page, grant.code.error ?? '[role=alert]'), callback.refused]);
  const pageError = (text: string, after: string) => `the login page shows “${redact(text)}” after ${after}`;
  const opened = await page.goto(url.href).then(
    () => undefined,
    (error: unknown) => firstLine(error),
  );
  if (opened && !callback.reached()) return `the browser could not open the authorization URL: ${opened}`;
  let done = 'opening the authorization URL';
  for (const [i, step] of (grant.code.login ?? []).entries()) {
    const selector = 'fill' in step ? step.fill : step.click;
    const what = `login step ${i + 1} (${'fill' in step ? 'fill' : 'click'} ${selector})`;
    const target = page.locator(selector).first();
    const seen = await first(callback, shown, target, step.optional ? OPTIONAL_WAIT_MS : timeoutMs);
    if (seen === 'redirect') return undefined;
    if (seen === 'timeout' && step.optional) continue;
    if (seen === 'timeout') return `${what}: nothing matches ${selector} within ${timeoutMs / 1000} s`;
    if (seen !== 'element') return 'refused' in seen ? seen.refused : 'error' in seen ? pageError(seen.error, done) : `${what}: ${seen.broken}`;
    const clear = 'fill' in step && !allowInsecureHttp && containsSecret(step.value) ? clearHost(page.url()) : undefined;
    if (clear) return `${what}: refused to type a secret into a page served over plain http by ${clear}: ${insecureHttpAdvice}`;
    const acted = await ('fill' in step ? target.fill(step.value) : target.click()).then(
      () => undefined,
      (error: unknown) => firstLine(error),
    );
    if (acted) return `${what} failed: ${acted}`;
    done = what;
  }
  const end = await first(callback, shown, undefined, timeoutMs);
  if (end === 'timeout') return `after the login steps the browser did not reach the redirect_uri within ${timeoutMs / 1000} s`;
  if (typeof end === 'object' && 'refused' in end) return end.refused;
  if (typeof end === 'object' && 'error' in end) return pageError(end.error, done);
  return undefined;
}

/**
 * The text of the first login error still there once the page settles: a visible element with text matching the
 * error selector, its text unchanged for SETTLE_MS with no request of the page in flight meanwhile. One that goes
 * away or changes was a loading banner, and the watch goes on until the page closes. Polled: Playwright's waits can
 * miss an element across navigations. Started before the page opens, so that it sees every request.
 */
function persistentError(page: Page, selector: string): Promise<{ error: string }> {
  // Hidden matches (templates, messages already dismissed) are not what the user sees; skipping them here also lets
  // a visible error that follows a hidden one in the page be found.
  const errors = page.locator(selector).filter({ visible: true, hasText: /\S/ });
  const quietFor = networkQuiet(page);
  const watch = async () => {
    let shown: { text: string; since: number } | undefined;
    while (!page.isClosed()) {
      // A page between two documents cannot be read: what it showed is gone.
      const text = await errors.allInnerTexts().then(
        (texts) => texts[0],
        () => undefined,
      );
      if (text !== shown?.text) shown = text === undefined ? undefined : { text, since: Date.now() };
      else if (shown && Date.now() - shown.since >= SETTLE_MS && quietFor() >= SETTLE_MS) return { error: shown.text };
      await sleep(POLL_MS);
    }
    return new Promise<never>(() => undefined);
  };
  return watch();
}

/**
 * Milliseconds since the page last had a request in flight (0 while it has). Playwright's networkidle fires once per
 * document, so it misses the login request a single-page app sends after loading, which is when its banner shows.
 */
function networkQuiet(page: Page): () => number {
  const pending = new Set<Request>();
  let quietSince = Date.now();
  page.on('request', (request) => pending.add(request));
  const finished = (request: Request) => {
    pending.delete(request);
    if (pending.size === 0) quietSince = Date.now();
  };
  page.on('requestfinished', finished);
  page.on('requestfailed', finished);
  return () => (pending.size > 0 ? 0 : Date.now() - quietSince);
}

const firstLine = (error: unknown) => redact((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '');

/**
 * Every document the page navigates to, as an exchange (no body: the page was rendered, not read). A page may
 * deliver a code itself (meta refresh, Refresh header, form_post): it is learned from the headers before the page is
 * recorded, and from the body as soon as it is read. `learned` waits for the bodies still being read; `lastStatus` is
 * the last document's status.
 */
function recordNavigations(flows: FlowContext, page: Page, label: string, result: BrowserLogin): { learned(): Promise<void>; lastStatus(): number } {
  let n = 0;
  let last = 0;
  const reading = new Set<Promise<void>>();
  page.on('response', (response) => {
    if (!response.request().isNavigationRequest() || response.frame() !== page.mainFrame()) return;
    const request = response.request();
    const headers = response.headers();
    last = response.status();
    learnSecretsFromUrl(response.url());
    learnSecretsFromUrl(headers.location);
    learnSecretsFromPage(headers, '');
    // headers() leaves out Set-Cookie; a session cookie's value is a credential (an interaction id, quoted in URLs).
    const cookies = response.headerValues('set-cookie').then(learnSessionCookies, () => undefined);
    const body = response.text().then(
      (text) => learnSecretsFromPage(headers, text),
      () => undefined,
    );
    const read: Promise<void> = Promise.all([cookies, body])
      .then(() => undefined)
      .finally(() => reading.delete(read));
    reading.add(read);
    const timing = request.timing();
    result.exchanges.push(
      flows.record({
        label: `${label} page ${++n}`,
        startedAt: new Date(timing.startTime).toISOString(),
        durationMs: Math.max(0, Math.round(timing.responseStart)),
        request: { method: request.method(), url: redactUrl(request.url()), headers: {} },
        response: { status: response.status(), headers: redactHeaders(headers), body: '' },
      }),
    );
  });
  return {
    learned: async () => {
      await Promise.all(reading);
    },
    lastStatus: () => last,
  };
}

/**
 * Which comes first: the redirect, a login error that stays on the page, the awaited element, or the timeout. A
 * selector Playwright cannot parse is no timeout: it is reported as broken.
 */
async function first(
  callback: GuardedLogin,
  shown: Promise<{ error: string } | { refused: string }>,
  target: Locator | undefined,
  timeoutMs: number,
): Promise<'redirect' | 'element' | 'timeout' | { error: string } | { refused: string } | { broken: string }> {
  return Promise.race([
    callback.url.then(() => 'redirect' as const),
    shown,
    target
      ? target.waitFor({ state: 'visible', timeout: timeoutMs }).then(
          () => 'element' as const,
          (error: unknown) => (error instanceof Error && error.name === 'TimeoutError' ? ('timeout' as const) : { broken: firstLine(error) }),
        )
      : sleep(timeoutMs, 'timeout' as const, { ref: false }),
  ]);
}

/**
 * The page as the login left it: its text, and a screenshot with password fields, fields typed a secret into, and
 * every element showing a secret (a page that echoes the typed password) masked.
 */
async function screenshot(flows: FlowContext, page: Page, label: string, status: number, steps: LoginStep[]): Promise<Exchange> {
  const secretFields = steps.filter((s): s is FillStep => 'fill' in s && redact(s.value) !== s.value).map((s) => page.locator(s.fill));
  const png = await page
    .screenshot({ fullPage: true, mask: [page.locator('input[type=password]'), ...secretFields, await secretElements(page)], maskColor: '#444' })
    .then((b) => b.toString('base64'))
    .catch(() => undefined);
  const text = await page
    .locator('body')
    .innerText({ timeout: 1000 })
    .catch(() => '');
  return flows.record({
    label,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    request: { method: 'GET', url: redactUrl(page.url()), headers: {} },
    // Cut after redaction: a cut before could leave part of a secret that no longer matches it.
    response: { status, headers: {}, body: redact(text).slice(0, 4000) },
    ...(png && { screenshot: png }),
  });
}
