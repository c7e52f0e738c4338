import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeBrowser, findChromium, launchBrowser } from '../src/browser/chromium.js';
import { cli, JWT, reportArgs, root, skipWithoutChromium } from './helpers.js';

// Opened from file://, as a person opens the report a run leaves.
const needsChromium = skipWithoutChromium();
// Left for people to look at: the overview, and the failing check.
const SCREENSHOTS = { overview: join(root, 'reports', 'report-in-browser.png'), failure: join(root, 'reports', 'report-in-browser-failure.png') };

/** Waits until the first element matching the locator is visible (throws after 30 s: the report renders slowly while the rest of the suite loads both cores). */
const shows = (locator: Locator) => locator.first().waitFor({ state: 'visible', timeout: 30_000 });

describe.sequential('the HTML report, opened in a browser', () => {
  const secrets = { SANDBOX_CLIENT_SECRET: `known-machine-${Date.now()}`, SANDBOX_AUTH_CLIENT_SECRET: `known-app-${Date.now()}` };
  let browser: Browser;
  let page: Page;
  let home: string;

  beforeEach(needsChromium);
  beforeAll(async () => {
    if (!findChromium()) return;
    // Every suite, with the sandbox broken so that one check fails.
    const { paths, args } = await reportArgs();
    const run = await cli(['run', '--profile', 'issuer-mismatch', ...args], { env: secrets });
    expect(run.code, run.stderr).toBe(1);
    browser = await launchBrowser({ headed: false });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    home = pathToFileURL(join(paths.html, 'index.html')).href;
    await page.goto(home);
    await mkdir(join(root, 'reports'), { recursive: true });
  }, 120_000);
  afterAll(closeBrowser);

  it('lists every vendor', async () => {
    for (const vendor of ['1uphealth', 'bwell', 'local', 'medplum']) await shows(page.getByText(vendor, { exact: true }));
    await shows(page.getByText('Failed', { exact: true }));
    await page.screenshot({ path: SCREENSHOTS.overview });
  });

  it('shows the failing check with its spec citation, its message and its evidence', async () => {
    await page.getByText('discovery.issuer-match: issuer is exactly the configured issuer', { exact: true }).first().click();
    await shows(page.getByText('OIDC Discovery §4.3', { exact: true }));
    await shows(page.getByText(/the issuer in the metadata MUST be identical/));
    // The discovery exchange the check judged, attached as JSON, opened.
    await page.getByText(/^\d+ discovery$/).first().click();
    await shows(page.getByText(/"label": "discovery"/));
    await page.screenshot({ path: SCREENSHOTS.failure });
  });

  it('renders no secret, token or code', async () => {
    // A passing token check with its exchanges opened: what a reviewer reads.
    await page.goto(home);
    await page.getByText('token-response', { exact: true }).first().click();
    await page.getByText('token-response.schema', { exact: true }).first().click();
    await page.getByText(/^token-response\.schema \[user\]/).first().click();
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
});
