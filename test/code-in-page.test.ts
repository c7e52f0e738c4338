import { beforeEach, describe, expect, it } from 'vitest';
import { CLEAR_CREDENTIAL, cli, reportArgs, reportFiles, said, skipWithoutChromium } from './cli-process.js';

/**
 * A code delivered by an HTML page instead of a redirect (profile code-in-page: a Refresh header, a meta refresh
 * and a form_post form) is a secret like any other: no file written and no console line shows it.
 */

// A code written in the page as it would be without redaction: in a URL, or as the value of the form's code field.
const CLEAR_CODE = [CLEAR_CREDENTIAL, /[?&;]code=(?!\[redacted:)/, /name=(\\?["'])code\1 value=\1(?!\[redacted:)/];

async function runAgainstCodeInPage(suite: string, only: string[] = []) {
  const { paths, args } = await reportArgs();
  const run = await cli(['run', '--suite', suite, '--profile', 'code-in-page', '--no-html', ...only, ...args]);
  return { run, texts: [...(await reportFiles(paths.dir)), { path: 'stdout', text: run.stdout }] };
}

function clearCodes(texts: Array<{ path: string; text: string }>): string[] {
  return texts.flatMap(({ path, text }) =>
    CLEAR_CODE.flatMap((pattern) => {
      const hit = pattern.exec(text);
      return hit ? [`${path}: …${text.slice(Math.max(0, hit.index - 40), hit.index + 60)}…`] : [];
    }),
  );
}

describe.concurrent('a code delivered by an HTML page', () => {
  it('redirect strategy: the walk stops at the page, and the code is redacted wherever the page is quoted', async () => {
    // The areas that authorize: every authorization stops at the same page, quoted by each check it blocks.
    const { run, texts } = await runAgainstCodeInPage('local', ['--only', 'authorization-code,pkce,refresh']);
    expect(run.stdout).toContain('the authorization endpoint showed a page instead of redirecting');
    // The page was recorded: the scan below looks where the code would be.
    expect(texts.some(({ text }) => text.includes('http-equiv=\\"refresh\\"') || text.includes('http-equiv="refresh"'))).toBe(true);
    expect(clearCodes(texts)).toEqual([]);
  });

  describe('browser strategy', () => {
    beforeEach(skipWithoutChromium());

    it('the browser follows the refresh to redirect_uri, the logins succeed, and no code is in clear', async () => {
      // The authorization-code checks' logins: each code comes by the page, is redeemed, replayed and quoted; the other
      // areas' logins take the same path (their redaction in a whole browser run: test/browser-cli.test.ts).
      const { run, texts } = await runAgainstCodeInPage('local-browser', ['--only', 'authorization-code']);
      expect(run.stdout).not.toContain('the login page shows');
      expect(run.stdout, said(run)).toMatch(/^[1-9]\d* passed, 0 failed, /m);
      expect(clearCodes(texts)).toEqual([]);
    });
  });
});
