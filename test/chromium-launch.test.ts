import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser } from '../src/browser/chromium.js';
import { skipWithoutChromium } from './cli-process.js';

const needsChromium = skipWithoutChromium();

/** The command line of the Chromium that Playwright started from this process (Linux: read from /proc). */
function browserCommandLine(): string[] {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const parent = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1];
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (Number(parent) === process.pid && args.includes('--remote-debugging-pipe')) return args;
    } catch {
      // A process that ended while it was read.
    }
  }
  return [];
}

describe('the browser the logins drive', () => {
  beforeEach(needsChromium);
  afterAll(closeBrowser);

  // The command line is read from /proc (Linux).
  it.skipIf(!existsSync('/proc/self/cmdline'))(
    "keeps every feature Playwright disables disabled: Chromium honours only the last --disable-features, the tool's",
    async () => {
      await launchBrowser({ headed: false });
      const lists = browserCommandLine()
        .filter((arg) => arg.startsWith('--disable-features='))
        .map((arg) => arg.slice('--disable-features='.length).split(','));
      expect(lists.length).toBeGreaterThan(1);
      const honoured = lists.at(-1)!;
      expect(lists.flat().filter((feature) => !honoured.includes(feature))).toEqual([]);
    },
  );

  it("opens a login's window without the omnibox popup's preloaded pages (two renderer processes each)", async () => {
    const browser = await launchBrowser({ headed: false });
    const context = await browser.newContext();
    try {
      await context.newPage();
      const cdp = await browser.newBrowserCDPSession();
      const { targetInfos } = await cdp.send('Target.getTargets');
      expect(targetInfos.map((t) => t.url).filter((url) => url.startsWith('chrome://omnibox-popup'))).toEqual([]);
      expect(targetInfos.filter((t) => t.type === 'page')).toHaveLength(1);
    } finally {
      await context.close();
    }
  });
});
