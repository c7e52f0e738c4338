import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { Blocked } from '../flows/blocked.js';
import { browserProxy } from '../http/transport.js';

/** How browser logins run: --headed shows the window (slowed down to follow), --browser-trace keeps Playwright traces. */
export interface BrowserOptions {
  headed: boolean;
  /** Directory for one Playwright trace per login; traces hold what was typed, in clear. */
  traceDir?: string;
  /** Let logins type and send secrets over plain http off loopback (--allow-insecure-http). */
  allowInsecureHttp?: boolean;
}

export const defaultBrowserOptions: BrowserOptions = { headed: false };

// Debian's package first (what the README installs), then other usual names.
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The Chromium binary to drive: CONFORMANCE_CHROMIUM, or the first one installed. */
export function findChromium(env: Record<string, string | undefined> = process.env): string | undefined {
  const chosen = env.CONFORMANCE_CHROMIUM;
  if (chosen) return existsSync(chosen) ? chosen : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/**
 * Chromium honours only the last --disable-features, and Playwright passes its own first: this one list carries
 * Playwright's (playwright-core 1.65; test/chromium-launch.test.ts fails when it drifts) and the omnibox popup, a
 * page the new headless mode preloads in two renderer processes for every window, which each login's context opens:
 * half of a login's CPU, for a popup no login shows.
 */
const DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
];

export const INSTALL_CHROMIUM =
  'install it with `sudo apt-get install -y chromium` (Debian, Ubuntu), or set CONFORMANCE_CHROMIUM to a Chromium or Chrome binary';

// One browser per process, launched by the first login and shared; each login gets its own context (cookies).
let launched: Promise<Browser> | undefined;
// Set when the run is over (closeBrowserAtEnd).
let ended = false;

export function launchBrowser(options: BrowserOptions): Promise<Browser> {
  if (ended) return Promise.reject(new Blocked('the run is over: no browser is launched for it'));
  launched ??= launch(options);
  return launched;
}

async function launch({ headed }: BrowserOptions): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) {
    const chosen = process.env.CONFORMANCE_CHROMIUM;
    throw new Blocked(
      `the browser strategy needs Chromium, and ${chosen ? `CONFORMANCE_CHROMIUM=${chosen} does not exist` : `none is installed (looked for ${CANDIDATES.join(', ')})`}: ${INSTALL_CHROMIUM}`,
    );
  }
  if (headed && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    throw new Blocked('--headed needs a display, and DISPLAY is not set: run under `xvfb-run`, or drop --headed and read the screenshots in the report');
  }
  // Loaded on the first login only: runs without one never pay for it.
  const { chromium } = await import('playwright-core');
  const proxy = browserProxy();
  try {
    return await chromium.launch({
      executablePath,
      headless: !headed,
      ...(headed && { slowMo: 250 }),
      ...(proxy && { proxy }),
      // No sandbox: CI runs as root, where Chromium's own refuses to start. The rest keep it off the network
      // except for the pages it is sent to (a closed network otherwise refuses its background connections).
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--disable-features=${DISABLED_FEATURES.join(',')}`,
      ],
    });
  } catch (error) {
    // Kept: every login of the run reports the same failure instead of starting Chromium again.
    throw new Blocked(`Chromium (${executablePath}) did not start: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Closes the shared browser, if a login launched it. */
export async function closeBrowser(): Promise<void> {
  const browser = await launched?.catch(() => undefined);
  launched = undefined;
  await browser?.close();
}

/**
 * Closes the browser for good once every check has its outcome. A login still queued then (a probe whose check
 * already failed on another) launches none: nothing would close it, and its profile folder would stay in the temp
 * directory when the run's worker ends.
 */
export function closeBrowserAtEnd(): Promise<void> {
  ended = true;
  return closeBrowser();
}
