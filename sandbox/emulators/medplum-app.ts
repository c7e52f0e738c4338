import { escapeHtml } from '../html.js';
import { formOf, text, type Handler, type HttpResponse } from '../http-data.js';
import type { MedplumFacts } from './medplum-facts.js';
import type { Logins } from './medplum-logins.js';
import { signIn } from './medplum-oauth.js';
import type { Tenant } from './medplum-tenant.js';

/**
 * The Medplum App's sign-in, where /oauth2/authorize sends a browser: an email page ("Next"), a password page ("Sign
 * in", errors in an alert), and a "Choose scope" page ("Set scope"), then a redirect to the client's redirect_uri with
 * the code and state. The real App is a single-page app calling /auth/login and /auth/scope; these pages are its
 * server-rendered likeness, with the same fields, buttons and messages. Every form carries the authorization request's
 * parameters on in its action's query.
 */
export function appHost(facts: MedplumFacts, tenant: Tenant, logins: Logins): Handler {
  const base = `/${facts.appSignIn}`;
  return (request) => {
    const { method, url } = request;
    const form = formOf(request);
    const params = url.searchParams;
    const next = (step: string) => `${base}/${step}?${params.toString()}`;
    const email = form?.get('email') ?? '';
    if (method === 'GET' && url.pathname === base) return page('Sign in', emailForm(next('password')));
    if (method === 'POST' && url.pathname === `${base}/password`) return page('Sign in', passwordForm(next('signin'), email));
    if (method === 'POST' && url.pathname === `${base}/signin`) {
      const result = signIn(facts, tenant, logins, {
        email,
        password: form?.get('password') ?? '',
        clientId: params.get('client_id'),
        scope: params.get('scope') ?? undefined,
        nonce: params.get('nonce') ?? undefined,
        codeChallenge: params.get('code_challenge') ?? undefined,
        codeChallengeMethod: params.get('code_challenge_method') ?? undefined,
      });
      if ('error' in result) return page('Sign in', passwordForm(next('signin'), email, result.error.message));
      return page('Choose scope', scopeForm(next('scope'), result.login.id, result.login.scope));
    }
    if (method === 'POST' && url.pathname === `${base}/scope`) {
      const login = logins.find(form?.get('login'));
      if (!login?.code) return page('Sign in', emailForm(next('password'), 'Login not found'));
      // Unchecked scopes are not granted, as /auth/scope narrows the login.
      login.scope = login.scope
        .split(' ')
        .filter((s) => form?.get(s) === 'on')
        .join(' ');
      const back = new URL(login.client.redirectUri);
      back.searchParams.set('code', login.code);
      const state = params.get('state');
      if (state) back.searchParams.set('state', state);
      return text(302, '', { location: back.href });
    }
    return text(404, facts.messages.notFound);
  };
}

function page(title: string, body: string): HttpResponse {
  return text(
    200,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} - Medplum</title>
<style>body{font:15px system-ui,sans-serif;margin:0;background:#f8f9fa}main{max-width:24rem;margin:5rem auto;background:#fff;padding:2rem;border:1px solid #dee2e6;border-radius:8px}
label{display:block;margin:1rem 0 .3rem}input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem}button{margin-top:1.2rem;padding:.5rem 1.2rem;background:#5c4ee5;color:#fff;border:0;border-radius:4px}[role=alert]{background:#fff5f5;color:#c92a2a;padding:.6rem;border-radius:4px}</style>
</head><body><main><h1>Sign in to Medplum</h1>${body}</main></body></html>`,
    { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  );
}

const alert = (message?: string) => (message ? `<div role="alert">${escapeHtml(message)}</div>` : '');

function emailForm(action: string, error?: string): string {
  return `${alert(error)}<form method="post" action="${escapeHtml(action)}"><label for="email">Email *</label>
<input id="email" name="email" type="email" placeholder="name@domain.com" required autofocus><button type="submit">Next</button></form>`;
}

function passwordForm(action: string, email: string, error?: string): string {
  return `${alert(error)}<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="email" value="${escapeHtml(email)}">
<label for="password">Password *</label><input id="password" name="password" type="password" autocomplete="off" required autofocus>
<label><input type="checkbox" id="remember" name="remember"> Remember me</label><button type="submit">Sign in</button></form>`;
}

function scopeForm(action: string, login: string, scope: string): string {
  const boxes = scope
    .split(' ')
    .filter(Boolean)
    .map((s) => `<label><input type="checkbox" id="${escapeHtml(s)}" name="${escapeHtml(s)}" checked> ${escapeHtml(s)}</label>`)
    .join('');
  return `<h2>Choose scope</h2><form method="post" action="${escapeHtml(action)}"><input type="hidden" name="login" value="${escapeHtml(login)}">${boxes}<button type="submit">Set scope</button></form>`;
}
