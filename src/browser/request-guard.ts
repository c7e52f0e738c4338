import type { BrowserContext, Page } from 'playwright-core';
import { plainHttpRefusal } from '../http/plain-http.js';
import { learnSecretsFromUrl, redactUrl } from '../secrets.js';

/** What the guard saw: the navigation to redirect_uri once it comes, and the first request it refused. */
export interface GuardedLogin {
  url: Promise<string>;
  reached(): boolean;
  refused: Promise<{ refused: string; url: string }>;
  /** The first refusal, once there is one. */
  refusal(): { refused: string; url: string } | undefined;
}

// Sub-resources may come from the page itself; documents only from the network, never from the machine's files.
const DOCUMENT_SCHEMES = new Set(['http:', 'https:']);
const RESOURCE_SCHEMES = new Set(['http:', 'https:', 'data:', 'blob:']);

/**
 * Every request of the page passes here before it is sent (CDP Fetch sees redirects and file: URLs, which
 * Playwright's routes do not). The navigation to redirect_uri is answered in the browser, so the code never reaches
 * the network (a real client behind it could otherwise redeem it first). A non-http(s) document, or a request
 * carrying a known secret over plain http off loopback, is refused. Resolves once interception is on: the
 * authorization URL must not be opened before.
 */
export async function guardRequests(context: BrowserContext, page: Page, redirectUri: string, allowInsecureHttp: boolean): Promise<GuardedLogin> {
  const cdp = await context.newCDPSession(page);
  let reached = false;
  let reach!: (url: string) => void;
  let refuse!: (refusal: { refused: string; url: string }) => void;
  let first: { refused: string; url: string } | undefined;
  const url = new Promise<string>((resolve) => (reach = resolve));
  const refused = new Promise<{ refused: string; url: string }>((resolve) => (refuse = resolve));
  cdp.on('Fetch.requestPaused', (event) => {
    const { url: target, headers, postData } = event.request;
    const answer = (method: string, params: Record<string, unknown>): void => {
      cdp.send(method as 'Fetch.continueRequest', { requestId: event.requestId, ...params }).catch(() => undefined);
    };
    if (target.startsWith(redirectUri)) {
      // The code is a secret from the moment it is seen, in the query or in a form_post body.
      learnSecretsFromUrl(target);
      if (postData) learnSecretsFromUrl(`?${postData}`);
      reached = true;
      reach(target);
      const body = Buffer.from('The authorization response was received by the conformance suite.').toString('base64');
      answer('Fetch.fulfillRequest', { responseCode: 200, responseHeaders: [{ name: 'content-type', value: 'text/plain' }], body });
      return;
    }
    const refusal = schemeRefusal(target, event.resourceType) ?? plainHttpRefusal(target, [...Object.values(headers), postData], false, allowInsecureHttp);
    if (!refusal) {
      answer('Fetch.continueRequest', {});
      return;
    }
    first ??= { refused: refusal, url: redactUrl(target) };
    refuse(first);
    answer('Fetch.failRequest', { errorReason: 'BlockedByClient' });
  });
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*', requestStage: 'Request' }] });
  return { url, reached: () => reached, refused, refusal: () => first };
}

/** Why the browser may not load this URL, or undefined when it may. */
export function schemeRefusal(url: string, resourceType?: string): string | undefined {
  const scheme = URL.canParse(url) ? new URL(url).protocol : '';
  const allowed = resourceType === undefined || resourceType === 'Document' ? DOCUMENT_SCHEMES : RESOURCE_SCHEMES;
  return allowed.has(scheme) ? undefined : `the browser opens only http(s) URLs, and was to open ${redactUrl(url)}`;
}
