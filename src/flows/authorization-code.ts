import { createHash, randomBytes } from 'node:crypto';
import type { Exchange } from '../http/exchange.js';
import { stringAt } from '../http/json.js';
import { addSecret } from '../secrets.js';
import type { ApiStep, AuthorizationCodeGrant } from '../suite/suite.types.js';
import { Blocked, NotApplicable } from './blocked.js';
import { codeFromBrowser } from './browser-login.js';
import type { FlowContext } from './context.js';
import { CookieJar } from './cookies.js';
import { pushAuthorization, pushFailure, type Pushed } from './par.js';
import { redeem, type TokenResult } from './token.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** One authorization and where it ended. Raw values (code, verifier) stay in memory for the redemption. */
export interface Authorization {
  exchanges: Exchange[];
  state: string;
  nonce?: string;
  verifier?: string;
  /** The redirect that targeted the redirect_uri, if one came (redirect strategy). */
  callback?: URL;
  code?: string;
  /** Why no code came, when the strategy can tell. */
  failure?: string;
  /** The pushed authorization request it began with (RFC 9126), when it was pushed. */
  pushed?: Pushed;
}

export interface AuthorizeOptions {
  /** Send code_challenge (default: as the grant says). */
  pkce?: boolean;
  label?: string;
  /** Push the request first (RFC 9126) or not; default: as the grant and the server's metadata say (pushes()). */
  par?: boolean;
}

export function randomValue(): string {
  return randomBytes(32).toString('base64url');
}

/** The per-authorization values: PKCE verifier (RFC 7636 §4.1), state, and nonce when openid is asked. */
function session(grant: AuthorizationCodeGrant, pkce: boolean) {
  const verifier = pkce ? randomValue() : undefined;
  addSecret(verifier);
  return {
    verifier,
    challenge: verifier && createHash('sha256').update(verifier).digest('base64url'),
    state: randomBytes(16).toString('base64url'),
    nonce: (grant.scope ?? '').split(' ').includes('openid') ? randomBytes(16).toString('base64url') : undefined,
  };
}

/** Obtains a code by the grant's strategy (RFC 6749 §4.1.1 with PKCE, RFC 7636 §4.3). */
export function authorize(flows: FlowContext, grantName: string, grant: AuthorizationCodeGrant, options: AuthorizeOptions = {}): Promise<Authorization> {
  const values = session(grant, options.pkce ?? grant.pkce !== 'none');
  const label = options.label ?? `authorize (${grantName})`;
  if (grant.code.strategy === 'api') return codeFromApi(flows, label, grant, values);
  if (grant.code.strategy === 'browser') return browserAuthorization(flows, label, grant, values, options.par);
  return walkAuthorization(flows, label, grant, values, grant.redirect_uri!, options.par);
}

/** An authorization request to another redirect_uri than the registered one, whatever the grant's strategy. */
export function authorizeWithRedirectUri(flows: FlowContext, grantName: string, grant: AuthorizationCodeGrant, redirectUri: string): Promise<Authorization> {
  return walkAuthorization(flows, `authorize (${grantName}, unregistered redirect_uri)`, grant, session(grant, grant.pkce !== 'none'), redirectUri);
}

type Session = ReturnType<typeof session>;

/** The `redirect` strategy, from the authorization request (pushed first where it is to be) to where it ends. */
async function walkAuthorization(
  flows: FlowContext,
  label: string,
  grant: AuthorizationCodeGrant,
  values: Session,
  redirectUri: string,
  par?: boolean,
): Promise<Authorization> {
  const { url, result } = await begin(flows, label, grant, values, redirectUri, par);
  return result.failure ? result : walk(flows, label, grant, url, redirectUri, result);
}

/** An authorization begun: its URL, and its result so far (the push, and why it failed if it did). */
async function begin(flows: FlowContext, label: string, grant: AuthorizationCodeGrant, values: Session, redirectUri: string, par?: boolean) {
  const { url, pushed } = await authorizationRequest(flows, label, grant, { values, redirectUri, par });
  const result: Authorization = {
    exchanges: pushed ? [pushed.result.exchange] : [],
    state: values.state,
    nonce: values.nonce,
    verifier: values.verifier,
    pushed,
    ...(pushed && !pushed.requestUri && { failure: pushFailure(pushed) }),
  };
  return { url, result };
}

/**
 * A pushed authorization's request_uri sent to the authorization endpoint again (RFC 9126 §4), by the redirect
 * strategy: what a server that treats request_uri values as one-time use, or lets them expire, refuses.
 */
export async function reuseRequestUri(flows: FlowContext, label: string, grant: AuthorizationCodeGrant, first: Authorization): Promise<Authorization> {
  const requestUri = first.pushed?.requestUri;
  if (!requestUri) throw new Blocked(first.pushed ? pushFailure(first.pushed) : 'the authorization was not pushed', first.exchanges);
  const url = new URL(await flows.endpoint('authorization_endpoint'));
  url.searchParams.set('client_id', flows.client(grant.client).id);
  url.searchParams.set('request_uri', requestUri);
  return walk(flows, label, grant, url, grant.redirect_uri!, {
    exchanges: [],
    state: first.state,
    nonce: first.nonce,
    verifier: first.verifier,
    pushed: first.pushed,
  });
}

/**
 * Requests the authorization URL and follows same-origin redirects with a cookie jar until one targets
 * redirect_uri, whose code is read from the Location without requesting it. A page or an error instead of a
 * redirect ends the walk; the caller judges it.
 */
async function walk(
  flows: FlowContext,
  label: string,
  grant: AuthorizationCodeGrant,
  url: URL,
  redirectUri: string,
  result: Authorization,
): Promise<Authorization> {
  const jar = new CookieJar();
  const target = new URL(redirectUri);
  let next = url.href;
  for (let hop = 1; hop <= (grant.code.max_hops ?? 10); hop++) {
    const { exchange, response } = await flows.send({ label: `${label} hop ${hop}`, method: 'GET', url: next, headers: jar.header(next), ahead: 1 });
    result.exchanges.push(exchange);
    if (!response) throw new Blocked(`authorization request failed: ${exchange.error}`, result.exchanges);
    jar.store(next, response.setCookies);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || !location) {
      result.failure =
        response.status === 200
          ? 'the authorization endpoint showed a page instead of redirecting: the redirect strategy needs a server that approves test clients without a login page'
          : `the authorization endpoint answered ${response.status} instead of redirecting to the redirect_uri`;
      return result;
    }
    const to = new URL(location, next);
    if (to.origin === target.origin && to.pathname === target.pathname) return { ...result, ...callbackOf(to) };
    // The strategy stops where a login page on another host would begin.
    if (to.origin !== url.origin) {
      result.failure = `the authorization endpoint redirected to another host (${to.origin}, a login page?); the redirect strategy follows only same-origin hops`;
      return result;
    }
    next = to.href;
  }
  result.failure = `no redirect to the redirect_uri within ${grant.code.max_hops ?? 10} hops`;
  return result;
}

/**
 * The authorization request's URL. Where it is pushed (RFC 9126 §4), its parameters go to the
 * pushed_authorization_request_endpoint and the URL carries only client_id and the request_uri that came back;
 * a push that brought none leaves the URL bare, and the caller says why.
 */
async function authorizationRequest(
  flows: FlowContext,
  label: string,
  grant: AuthorizationCodeGrant,
  { values, redirectUri, par }: { values: Session; redirectUri: string; par?: boolean },
): Promise<{ url: URL; pushed?: Pushed }> {
  const url = new URL(await flows.endpoint('authorization_endpoint'));
  const params = authorizationParams(flows, grant, values, redirectUri);
  if (!(await pushes(flows, grant, par))) {
    for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);
    return { url };
  }
  const pushed = await pushAuthorization(flows, flows.client(grant.client), params, { label: `${label} push` });
  if (pushed.requestUri) {
    url.searchParams.set('client_id', flows.client(grant.client).id);
    url.searchParams.set('request_uri', pushed.requestUri);
  }
  return { url, pushed };
}

/** Whether to push: as asked, else as the grant says, else where the server accepts only pushed requests (RFC 9126 §5). */
async function pushes(flows: FlowContext, grant: AuthorizationCodeGrant, par?: boolean): Promise<boolean> {
  if (par !== undefined || grant.par !== undefined) return par ?? grant.par!;
  // Metadata that cannot be read is the discovery checks' finding; the authorization then goes as the suite gives it.
  return (await flows.declared('require_pushed_authorization_requests').catch(() => undefined)) === true;
}

/** A fresh authorization request's parameters, for a probe that pushes them itself (RFC 9126 §2.1). */
export function freshAuthorizationParams(flows: FlowContext, grant: AuthorizationCodeGrant): Record<string, string | undefined> {
  return authorizationParams(flows, grant, session(grant, grant.pkce !== 'none'), grant.redirect_uri!);
}

/** The authorization request's parameters (RFC 6749 §4.1.1), with PKCE (RFC 7636 §4.3) and OpenID Connect's nonce. */
function authorizationParams(flows: FlowContext, grant: AuthorizationCodeGrant, values: Session, redirectUri: string): Record<string, string | undefined> {
  const scopes = (grant.scope ?? '').split(' ');
  return {
    response_type: 'code',
    client_id: flows.client(grant.client).id,
    redirect_uri: redirectUri,
    scope: grant.scope || undefined,
    state: values.state,
    nonce: values.nonce,
    code_challenge: values.challenge,
    code_challenge_method: values.challenge && 'S256',
    // Offline access is asked for with prompt=consent, or an OpenID provider drops it (OIDC Core §11).
    prompt: scopes.includes('openid') && scopes.includes('offline_access') ? 'consent' : undefined,
  };
}

/** The authorization response at redirect_uri (RFC 6749 §4.1.2): a code, or an error that says why not. */
function callbackOf(to: URL): Pick<Authorization, 'callback' | 'code' | 'failure'> {
  const code = to.searchParams.get('code') ?? undefined;
  addSecret(code);
  const error = to.searchParams.get('error');
  return {
    callback: to,
    code,
    ...(!code && {
      failure: `the authorization server redirected back without a code${error ? `: error=${error} ${to.searchParams.get('error_description') ?? ''}` : ''}`,
    }),
  };
}

/** The `browser` strategy (browser-login.ts): a person's login, performed by Chromium. */
async function browserAuthorization(flows: FlowContext, label: string, grant: AuthorizationCodeGrant, values: Session, par?: boolean): Promise<Authorization> {
  const redirectUri = grant.redirect_uri!;
  const { url, result } = await begin(flows, label, grant, values, redirectUri, par);
  if (result.failure) return result;
  const login = await codeFromBrowser(flows, label, grant, url, redirectUri);
  result.exchanges.push(...login.exchanges);
  return login.callback ? { ...result, ...callbackOf(login.callback) } : { ...result, failure: login.failure };
}

/**
 * The `api` strategy: the vendor's endpoint that issues codes to a backend. Steps run in order; {{placeholders}}
 * take this authorization's values, and the last step's JSON answer holds the code at `capture`.
 */
async function codeFromApi(flows: FlowContext, label: string, grant: AuthorizationCodeGrant, values: Session): Promise<Authorization> {
  const placeholders: Record<string, string> = {
    code_challenge: values.challenge ?? '',
    code_challenge_method: values.challenge ? 'S256' : '',
    state: values.state,
    nonce: values.nonce ?? '',
    scope: grant.scope ?? '',
    redirect_uri: grant.redirect_uri ?? '',
    client_id: flows.client(grant.client).id,
  };
  const fill = <T>(value: T): T => fillPlaceholders(value, placeholders);
  const result: Authorization = { exchanges: [], state: values.state, nonce: values.nonce, verifier: values.verifier };
  const steps = grant.code.steps ?? [];
  for (const [i, step] of steps.entries()) {
    // Asking again for a code spends nothing (the worst is a code never used), so a busy or failed step is sent again.
    const last = i === steps.length - 1;
    const capture = step.capture ?? 'code';
    const { exchange, response } = await flows.send({
      label: `${label} step ${i + 1}`,
      method: step.method,
      url: fill(step.url),
      ...stepBody(step, fill),
      ahead: steps.length - i,
      replayable: true,
      // Learned before the answer is recorded: a nested `code` is otherwise data, and would be quoted in clear.
      ...(last && { secretAt: capture }),
    });
    result.exchanges.push(exchange);
    if (!response) throw new Blocked(`the code request failed: ${exchange.error}`, result.exchanges);
    if (!(step.accept ?? [200, 201]).includes(response.status)) {
      result.failure = `step ${i + 1} of the code request answered ${response.status}`;
      return result;
    }
    if (last) {
      result.code = stringAt(response.body, capture);
      if (!result.code) result.failure = `the code request's answer has no string at "${step.capture}"`;
    }
  }
  return result;
}

function stepBody(step: ApiStep, fill: <T>(value: T) => T): { headers: Record<string, string>; body?: string } {
  const headers = { accept: 'application/json', ...fill(step.headers ?? {}) };
  if (step.form) return { headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fill(step.form)).toString() };
  if (step.json) return { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(fill(step.json)) };
  return { headers };
}

function fillPlaceholders<T>(value: T, placeholders: Record<string, string>): T {
  if (typeof value === 'string') return value.replace(/\{\{(\w+)\}\}/g, (whole: string, name: string) => placeholders[name] ?? whole) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => fillPlaceholders(v, placeholders)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]: [string, unknown]) => [k, fillPlaceholders(v, placeholders)])) as T;
  return value;
}

/** The code of an authorization, or Blocked saying why none came. */
function codeOf(authorization: Authorization): string {
  if (authorization.code) return authorization.code;
  throw new Blocked(authorization.failure ?? 'no code was obtained', authorization.exchanges);
}

export interface RedeemOptions {
  redirectUri?: string;
  /** null sends no code_verifier; a string replaces the real one. */
  verifier?: string | null;
  label?: string;
}

/** RFC 6749 §4.1.3: exchange the code at the token endpoint. */
export function redeemCode(
  flows: FlowContext,
  grantName: string,
  grant: AuthorizationCodeGrant,
  authorization: Authorization,
  options: RedeemOptions = {},
): Promise<TokenResult> {
  const verifier = options.verifier === null ? undefined : (options.verifier ?? authorization.verifier);
  return redeem(
    flows,
    grantName,
    flows.client(grant.client),
    { grant_type: 'authorization_code', code: codeOf(authorization), redirect_uri: options.redirectUri ?? grant.redirect_uri, code_verifier: verifier },
    authorization.exchanges,
    options.label,
  );
}

/** The whole grant: authorize, then redeem. */
export async function authorizationCode(
  flows: FlowContext,
  grantName: string,
  grant: AuthorizationCodeGrant,
): Promise<TokenResult & { authorization: Authorization }> {
  const authorization = await authorize(flows, grantName, grant);
  return { ...(await redeemCode(flows, grantName, grant, authorization)), authorization };
}

/** The grant's redirect_uri, for probes that vary it. */
export function redirectUriOf(grantName: string, grant: AuthorizationCodeGrant): string {
  if (!grant.redirect_uri) throw new NotApplicable(`grant ${grantName} declares no redirect_uri`);
  return grant.redirect_uri;
}
