import { randomBytes, timingSafeEqual } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import type Provider from 'oidc-provider';
import type { Middleware } from 'oidc-provider';
import { grantRequested, INTERACTION_PATH, type Approval } from './auto-approval.js';
import { escapeHtml } from './html.js';

export interface Account {
  username: string;
  password: string;
}

/** The interactive login mode's account, and how its sign-in page behaves. */
export interface SignIn extends Account {
  /**
   * The sign-in page sends its form from a script, shows `<div role="alert">Loading...</div>` until the answer
   * replaces the page, and answers late, as a slow login backend does. Before that the banner is in the page, hidden.
   */
  loadingBanner?: boolean;
  /** A refused sign-in shows the password typed, as text: what a careless page does, and a screenshot must not keep. */
  echoPassword?: boolean;
}

// Longer than a browser login's settle window (src/flows/browser-login.ts), so that the banner outlasts it while the
// login request is in flight.
const LOADING_MS = 1500;

const SESSION_COOKIE = 'sandbox_login';

/**
 * The interactive login mode: a sign-in page and a consent screen as a vendor's look, for the `browser` code
 * strategy. Forms carry a CSRF token bound to a cookie session (a post without both is refused, as real pages do),
 * a wrong password shows an error on the page, and "Allow" grants what was asked, "Deny" answers access_denied.
 */
export function loginPage(provider: Provider, account: SignIn, approval: Approval): Middleware {
  // Session id → CSRF token of the form last shown to that session.
  const sessions = new Map<string, string>();
  return async (ctx, next) => {
    if (!ctx.path.startsWith(INTERACTION_PATH)) return next();
    const { uid, prompt, params } = await provider.interactionDetails(ctx.req, ctx.res);
    const action = ctx.path.slice(INTERACTION_PATH.length + uid.length);
    const client = String(params.client_id);
    const show = (page: (csrf: string) => string, status = 200) => {
      let sid = ctx.cookies.get(SESSION_COOKIE);
      if (!sid) {
        sid = randomBytes(16).toString('base64url');
        ctx.cookies.set(SESSION_COOKIE, sid, { httpOnly: true, sameSite: 'lax', path: INTERACTION_PATH, signed: false });
      }
      const csrf = randomBytes(16).toString('base64url');
      sessions.set(sid, csrf);
      ctx.status = status;
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = page(csrf);
    };
    const finish = async (result: Parameters<Provider['interactionResult']>[2]) => {
      ctx.status = 303;
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true }));
    };

    if (ctx.method === 'GET' && action === '') {
      show((csrf) =>
        prompt.name === 'login'
          ? signIn(uid, client, csrf, account.loadingBanner)
          : consent(uid, client, typeof params.scope === 'string' ? params.scope : '', csrf),
      );
      return;
    }
    if (ctx.method !== 'POST' || (action !== '/login' && action !== '/confirm')) {
      ctx.status = 404;
      return;
    }
    const form = new URLSearchParams(await text(ctx.req));
    const expected = sessions.get(ctx.cookies.get(SESSION_COOKIE) ?? '');
    if (!expected || !same(expected, form.get('csrf') ?? '')) {
      show(() => page('Session expired', '<p class="error" role="alert">Your session expired or the form was sent twice. Start the sign-in again.</p>'), 403);
      return;
    }
    if (action === '/login') {
      if (account.loadingBanner) await sleep(LOADING_MS);
      if (form.get('username') !== account.username || !same(account.password, form.get('password') ?? '')) {
        const error = account.echoPassword
          ? `Wrong password ${form.get('password') ?? ''} for ${form.get('username') ?? ''}.`
          : 'Invalid username or password.';
        show((csrf) => signIn(uid, client, csrf, account.loadingBanner, error));
        return;
      }
      return finish({ login: { accountId: approval.accountId } });
    }
    if (form.get('decision') !== 'allow') return finish({ error: 'access_denied', error_description: 'the user denied the request' });
    return finish({ consent: { grantId: await grantRequested(provider, params, approval) } });
  };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title} · Sandbox</title>
<style>body{font:16px system-ui,sans-serif;background:#f4f5f7;margin:0}main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;box-sizing:border-box;padding:.5rem}button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}</style>
</head><body><main>${body}</main></body></html>`;
}

function signIn(uid: string, client: string, csrf: string, loadingBanner?: boolean, error?: string): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1><p>to continue to <b>${escapeHtml(client)}</b></p>${loadingBanner ? LOADING_BANNER : ''}${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${INTERACTION_PATH}${uid}/login" autocomplete="off">
<input type="hidden" name="csrf" value="${csrf}">
<label for="username">Username</label><input id="username" name="username" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password">
<button type="submit">Sign in</button></form>`,
  );
}

// Ahead of the error, so that a client looking for the first alert finds the hidden banner first. The form is sent
// from the script, as single-page apps do: the banner shows while the request is out, then the answer replaces the page.
const LOADING_BANNER = `<div role="alert" id="loading" hidden>Loading...</div>
<script>
document.addEventListener('submit', async (event) => {
  event.preventDefault();
  document.getElementById('loading').hidden = false;
  const answer = await fetch(event.target.action, { method: 'POST', body: new URLSearchParams(new FormData(event.target)) });
  const next = await answer.text();
  history.replaceState(null, '', answer.url);
  document.open();
  document.write(next);
  document.close();
});
</script>`;

function consent(uid: string, client: string, scope: string, csrf: string): string {
  const items = scope
    .split(' ')
    .filter(Boolean)
    .map((s) => `<li>${escapeHtml(s)}</li>`)
    .join('');
  return page(
    'Authorize',
    `<h1>Authorize ${escapeHtml(client)}</h1><p>${escapeHtml(client)} asks for:</p><ul>${items}</ul>
<form method="post" action="${INTERACTION_PATH}${uid}/confirm">
<input type="hidden" name="csrf" value="${csrf}">
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button></form>`,
  );
}
