import { createHash, randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { Sandbox } from '../sandbox/index.js';
import { dpopProof, type DpopKey, type ProofClaims } from '../src/flows/dpop-proof.js';

/**
 * The sandbox as its clients see it, for tests: plain requests, the machine client (sandbox-machine,
 * client_credentials) and the app client (sandbox-app, authorization code with PKCE S256), each with the endpoint
 * calls a test makes. Nothing here asserts: what a reply should be is each test's to say.
 */

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON; empty when it is not JSON. */
  json: Record<string, unknown>;
}

/** One request, its body read whole. */
export async function call(url: string | URL, init: Parameters<typeof request>[1] = {}): Promise<Reply> {
  const response = await request(url, init);
  const text = await response.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not every reply is JSON; tests that need a body assert on it.
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

/** A POST of a form: its parameters, or a body already encoded (to send what URLSearchParams would not). */
export function postForm(url: string, body: string | Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
  return call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof body === 'string' ? body : new URLSearchParams(body).toString(),
  });
}

/** An Authorization header of HTTP Basic credentials. */
export function basic(id: string | undefined, secret: string | undefined): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** The machine client's Basic credentials. */
export const machineAuth = ({ variables: v }: Sandbox) => basic(v.SANDBOX_CLIENT_ID, v.SANDBOX_CLIENT_SECRET);
/** The app client's Basic credentials. */
export const appAuth = ({ variables: v }: Sandbox) => basic(v.SANDBOX_AUTH_CLIENT_ID, v.SANDBOX_AUTH_CLIENT_SECRET);

/** 32 random bytes, base64url: a state, nonce or PKCE verifier. */
export const randomValue = () => randomBytes(32).toString('base64url');

// ---- Token endpoint and its neighbours -----------------------------------------------------------------------------

/** A client_credentials grant of the machine client; by default for the sandbox's scope. */
export function clientCredentials(s: Sandbox, params: Record<string, string> = { scope: s.variables.SANDBOX_SCOPE! }): Promise<Reply> {
  return postForm(`${s.issuer}/token`, { grant_type: 'client_credentials', ...params }, { authorization: machineAuth(s) });
}

/** A client_credentials grant of the machine client with a DPoP proof of `key` (RFC 9449 §5), its claims as given. */
export async function dpopClientCredentials(s: Sandbox, key: DpopKey, claims: Partial<ProofClaims> = {}): Promise<Reply> {
  const url = `${s.issuer}/token`;
  const proof = await dpopProof(key, { htm: 'POST', htu: url, ...claims });
  return postForm(url, { grant_type: 'client_credentials', scope: s.variables.SANDBOX_SCOPE! }, { authorization: machineAuth(s), dpop: proof });
}

/** The resource called with a DPoP-bound token: as DPoP with a proof of `key` (RFC 9449 §7.1), or as the scheme says without one. */
export async function getResourceWithDpop(s: Sandbox, token: string, key: DpopKey | 'Bearer' | 'DPoP'): Promise<Reply> {
  const url = s.variables.SANDBOX_RESOURCE_URL!;
  if (typeof key === 'string') return getResource(s, `${key} ${token}`);
  return call(url, { headers: { authorization: `DPoP ${token}`, dpop: await dpopProof(key, { htm: 'GET', htu: url, accessToken: token }) } });
}

/**
 * A refresh_token grant; by default by the app client, for the token's own scope. `post` sends a client id and
 * secret in the body (client_secret_post) instead of the Authorization header.
 */
export function refresh(
  s: Sandbox,
  token: string,
  { scope, authorization = appAuth(s), post }: { scope?: string; authorization?: string; post?: { id: string; secret: string } } = {},
): Promise<Reply> {
  const params = {
    grant_type: 'refresh_token',
    refresh_token: token,
    ...(scope ? { scope } : {}),
    ...(post && { client_id: post.id, client_secret: post.secret }),
  };
  return postForm(`${s.issuer}/token`, params, post ? {} : { authorization });
}

/** RFC 7009 revocation by the app client. */
export function revoke(s: Sandbox, token: string, hint: 'access_token' | 'refresh_token', authorization = appAuth(s)): Promise<Reply> {
  return postForm(`${s.issuer}/token/revocation`, { token, token_type_hint: hint }, { authorization });
}

/** RFC 7662 introspection by the app client. */
export function introspect(s: Sandbox, token: string): Promise<Reply> {
  return postForm(`${s.issuer}/token/introspection`, { token }, { authorization: appAuth(s) });
}

/** GETs the protected resource, with this Authorization header if one is given. */
export function getResource(s: Sandbox, authorization?: string): Promise<Reply> {
  return call(s.variables.SANDBOX_RESOURCE_URL!, { headers: authorization ? { authorization } : {} });
}

// ---- Authorization code flow ---------------------------------------------------------------------------------------

/** The answer a browser visit ended on, when it was no redirect. */
export interface Page {
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request of a browser visit, and the status of its answer. */
export interface Hop {
  url: URL;
  status: number;
}

/**
 * GETs `url` as a browser would, with a cookie jar, following redirects while they stay on its origin: until an
 * answer is no redirect (no `location`), or is one that leaves the origin.
 */
export async function browse(url: string | URL): Promise<{ hops: Hop[]; location?: URL; page?: Page }> {
  const origin = new URL(url).origin;
  const jar = new Map<string, string>();
  const hops: Hop[] = [];
  let next = new URL(url);
  for (;;) {
    const response = await request(next, { headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') } });
    const text = await response.body.text();
    hops.push({ url: next, status: response.statusCode });
    for (const cookie of [response.headers['set-cookie'] ?? []].flat()) {
      const [name = '', value = ''] = cookie.split(';')[0]!.split(/=(.*)/);
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
    const location = response.headers.location;
    if (typeof location !== 'string') return { hops, page: { headers: response.headers, text } };
    next = new URL(location, next);
    if (next.origin !== origin) return { hops, location: next };
  }
}

export interface Authorization {
  state: string;
  verifier: string;
  /** The authorization server's answers on the way. */
  hops: Hop[];
  /** The redirect back to the client, if one came. */
  callback?: URL;
  code?: string;
  /** Status of the last answer from the authorization server. */
  last: number;
  /** That answer, when it was no redirect. */
  page?: Page;
}

/**
 * An authorization request of the app client for openid offline_access api:read unless `scope` says otherwise, with
 * PKCE S256 unless `pkce` is false, followed through the sandbox's automatic sign-in and consent. State and nonce are
 * random unless given.
 */
export async function authorize(
  s: Sandbox,
  { redirectUri = s.variables.SANDBOX_REDIRECT_URI!, pkce = true, state = randomValue(), nonce = randomValue(), scope = 'openid offline_access api:read' } = {},
): Promise<Authorization> {
  const verifier = randomValue();
  const query = new URLSearchParams({
    client_id: s.variables.SANDBOX_AUTH_CLIENT_ID!,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    nonce,
    ...(pkce ? { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' } : {}),
  });
  const { hops, location, page } = await browse(`${s.issuer}/auth?${query.toString()}`);
  return { state, verifier, hops, callback: location, code: location?.searchParams.get('code') ?? undefined, last: hops.at(-1)!.status, page };
}

/**
 * Redeems an authorization's code as the app client, with its verifier and the registered redirect_uri unless told
 * otherwise; a null verifier sends none.
 */
export function redeem(
  s: Sandbox,
  a: Authorization,
  { verifier = a.verifier, redirectUri = s.variables.SANDBOX_REDIRECT_URI! }: { verifier?: string | null; redirectUri?: string } = {},
): Promise<Reply> {
  const params: Record<string, string> = { grant_type: 'authorization_code', code: String(a.code), redirect_uri: redirectUri };
  if (verifier !== null) params.code_verifier = verifier;
  return postForm(`${s.issuer}/token`, params, { authorization: appAuth(s) });
}

/** Opens an authorization on an interactive sandbox and its sign-in page; returns the page, its form action and the cookies set so far. */
export async function openSignInPage(sandbox: Sandbox) {
  const v = sandbox.variables;
  const auth = new URL(`${v.SANDBOX_ISSUER}/auth`);
  const params = {
    response_type: 'code',
    client_id: v.SANDBOX_AUTH_CLIENT_ID!,
    redirect_uri: v.SANDBOX_REDIRECT_URI!,
    scope: 'openid',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  };
  Object.entries(params).forEach(([k, value]) => auth.searchParams.set(k, value));
  const cookies: string[] = [];
  const get = async (url: string) => {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookies.join('; ') } });
    cookies.push(...res.headers.getSetCookie().map((c) => c.split(';')[0]!));
    return res;
  };
  const interaction = new URL((await get(auth.href)).headers.get('location')!, auth).href;
  const page = await (await get(interaction)).text();
  const action = new URL(/action="([^"]+)"/.exec(page)![1]!, interaction).href;
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  const post = (form: Record<string, string>, cookie = cookies.join('; ')) =>
    fetch(action, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  return { page, csrf, post, cookies };
}
