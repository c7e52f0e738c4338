import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeBrowser, findChromium, launchBrowser } from '../src/browser/chromium.js';
import { readAllureResults } from '../src/report/allure-results.js';
import { passRate } from '../src/report/pass-rate.js';
import { cli, JWT, reportArgs, root, said, skipWithoutChromium } from './cli-process.js';

// Opened from file://, as a person opens the report a run leaves.
const needsChromium = skipWithoutChromium();
// Left for people to look at: the overview, and the failing check.
const SCREENSHOTS = { overview: join(root, 'reports', 'report-in-browser.png'), failure: join(root, 'reports', 'report-in-browser-failure.png') };

/** Waits until the first element matching the locator is visible (throws after 30 s: the report renders slowly while the rest of the suite loads both cores). */
const shows = (locator: Locator) => locator.first().waitFor({ state: 'visible', timeout: 30_000 });

describe('the HTML report, opened in a browser', { concurrent: false }, () => {
  const secrets = { SANDBOX_CLIENT_SECRET: `known-machine-${Date.now()}`, SANDBOX_AUTH_CLIENT_SECRET: `known-app-${Date.now()}` };
  const contexts: BrowserContext[] = [];
  let home: string;
  let resultsDir: string;
  // What the report tried to load from anywhere but the file itself, and what its Content-Security-Policy refused.
  const external: string[] = [];
  const refused: string[] = [];

  /**
   * The overview in a page of its own context: each test starts from what a person sees on opening the file (the
   * report keeps what was expanded in local storage). The network is closed, as in CI: anything but the file and
   * its inline data is refused at once, and recorded.
   */
  async function open(): Promise<Page> {
    const browser = await launchBrowser({ headed: false });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    contexts.push(context);
    await context.route(
      (url) => !['file:', 'data:', 'blob:'].includes(url.protocol),
      (route) => {
        external.push(route.request().url());
        return route.abort('blockedbyclient');
      },
    );
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(home);
    await shows(page.getByText('local', { exact: true }));
    return page;
  }

  /** The failing check, with every section its rule rests on, and its discovery exchange opened. */
  async function openFailure(page: Page): Promise<void> {
    await page.getByText('local · discovery.issuer-match: issuer is exactly the configured issuer', { exact: true }).first().click();
    await shows(page.getByText('OIDC Discovery §4.3', { exact: true }));
    await shows(page.getByText('RFC 8414 §3.3', { exact: true }));
    await shows(page.getByText(/the issuer in the metadata MUST be identical/));
    await page
      .getByText(/^\d+ discovery$/)
      .first()
      .click();
    await shows(page.getByText(/"label": "discovery"/));
  }

  beforeEach(needsChromium);
  beforeAll(async () => {
    if (!findChromium()) return;
    // Two vendors (the sandbox broken so that one check fails, and an emulator with known deviations), and the areas the
    // tests open (a failing discovery check, a passing token check's exchanges, secrets sent): what the report shows of
    // a run. Every suite's whole run is tested for its reports in cli.test.ts.
    const { paths, args } = await reportArgs();
    const run = await cli(['run', '--suite', 'local', '--suite', 'bwell', '--only', 'discovery,token-response', '--profile', 'issuer-mismatch', ...args], {
      env: secrets,
    });
    expect(run.code, said(run)).toBe(1);
    home = pathToFileURL(join(paths.html, 'index.html')).href;
    resultsDir = paths.results;
    await mkdir(join(root, 'reports'), { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await closeBrowser();
  });

  it('is named for what it tested, and lists every vendor', async () => {
    const page = await open();
    expect((await page.title()).trim()).toBe('oauth-conformance: bwell, local');
    for (const vendor of ['bwell', 'local']) await shows(page.getByText(vendor, { exact: true }));
    await shows(page.getByText('Failed', { exact: true }));
    await page.screenshot({ path: SCREENSHOTS.overview });
  });

  it('rates passes over every judged check, and files known deviations under their reasons as accepted failures', async () => {
    const page = await open();
    const rate = passRate(await readAllureResults([resultsDir]));
    // The emulators' known deviations and the failing check count against it.
    expect(rate).toBeLessThan(100);
    await shows(page.getByText(`${rate}%`, { exact: true }));
    await page
      .getByText(/^Resolutions/)
      .first()
      .click();
    await shows(page.getByText(/^known deviation: Cognito's OpenID configuration has no grant_types_supported/));
    await shows(page.getByText(/^bwell · discovery\.grant-types-declared: /));
  });

  it('shows the failing check with its spec citations, its message and its evidence, and none of the runner internals', async () => {
    const page = await open();
    await openFailure(page);
    await page.screenshot({ path: SCREENSHOTS.failure });
    // The labels the test runner adds (framework, language, host, thread) say nothing about the vendor.
    expect(await page.locator('body').innerText()).not.toMatch(/vitest-worker|\bjavascript\b|\bframework\b/);
  });

  it('renders no secret, token or code', async () => {
    // A passing token check with its exchanges opened: what a reviewer reads.
    const page = await open();
    // Found by the search box, as a reviewer would: which groups the tree opens by itself depends on the run.
    await page.getByPlaceholder('Search tests').fill('local · token-response.schema [user]');
    // The tree is filtered once the other vendors are gone from it.
    await page.getByText('bwell', { exact: true }).first().waitFor({ state: 'hidden', timeout: 30_000 });
    const path = ['local', 'token-response', 'token-response.schema'].map((group) => page.getByText(group, { exact: true }).first());
    const leaf = page.getByText(/^local · token-response\.schema \[user\]/).first();
    for (const [i, group] of path.entries()) {
      const next = path[i + 1] ?? leaf;
      if (await next.isVisible()) continue;
      await group.click();
      await shows(next);
    }
    await leaf.click();
    const exchanges = page.getByText(/^\d+ token \(user: authorization_code\)$/);
    await shows(exchanges);
    await exchanges.first().click();
    await shows(page.getByText(/"grant_type": "authorization_code"|grant_type=authorization_code/));
    const dom = await page.content();
    // The opened exchange is rendered, its credentials as fingerprints.
    expect(dom).toMatch(/\[redacted:[^\]]+\]/);
    for (const secret of Object.values(secrets)) expect(dom.includes(secret)).toBe(false);
    expect(JWT.test(dom)).toBe(false);
  });

  it('loads nothing from the network: nothing the tests above opened or clicked through requested anything outside the file', async () => {
    // Run alone, it clicks through to the failing check's attachment itself.
    if (contexts.length === 0) await openFailure(await open());
    // Whatever a page started late (a timer, an image) has had its chance.
    await Promise.all(contexts.flatMap((context) => context.pages()).map((page) => page.waitForLoadState('networkidle')));
    expect(external).toEqual([]);
    // Nothing the report needs is refused by its policy either: it is complete without the network.
    expect(refused).toEqual([]);
  });
});
