import { createHmac, randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createGzip } from 'node:zlib';
import { spaces, type Delivery } from './delivery.js';
import type { Endpoint } from './faults.js';
import { jsonOf, type Forward, type HttpRequest, type HttpResponse, type Stage } from './http-data.js';
import { DISCOVERY, INTROSPECTION, JWKS, PUSHED_AUTHORIZATION, TOKEN, USERINFO, postedForm, withJson } from './request-faults/messages.js';
import { SMART_CONFIGURATION_PATH } from './smart-configuration.js';

/**
 * Hostile faults: the authorization server misbehaving at the transport level, to prove that a client survives broken
 * and hostile endpoints. They break no rule of the specifications, so no check is meant to fail on them. The front
 * door plays them like any request fault; those that shape how a body goes over the wire travel with the response
 * to its send, as its delivery (delivery.ts).
 */

/** Which of the requests a hostile fault targets it acts on, counted from the sandbox's start; all by default. */
export type Occurrence =
  /**
   * The 1st, (n+1)th, (2n+1)th… request; the same request sent again is served (the fault is transient), and so is
   * the same request with a new code, refresh token or client assertion: a client that starts over after a 503, or
   * sends again with new single-use parts, gets through.
   */
  | { every: number }
  /** The first one only, or the first one from each client. */
  | { firstPer: 'sandbox' | 'client' };

interface HostileTarget {
  endpoint: Endpoint;
  /** Only requests with this method; any by default. */
  method?: string;
  /** Only token requests of this grant_type; any by default. */
  grantType?: string;
  when?: Occurrence;
}

export type HostileFault = HostileTarget &
  /** The request is read and never answered; its connection stays open. */
  (
    | { kind: 'hang' }
    | Overloaded
    /** Successful answers keep their status and headers but get this content type and body. */
    | { kind: 'replace-body'; contentType: string; body: string }
    /** The answer's body is a gzip of this many spaces, sent with Content-Encoding: gzip. */
    | { kind: 'gzip-bomb'; bytes: number }
    /** 400 and 401 JSON errors get this text appended to their error code and as their error_description. */
    | { kind: 'inject-text'; text: string }
    /**
     * 400 and 401 JSON errors echo the request's Authorization header and body (as sent, lower-case percent-encoded,
     * base64url and HTML-escaped) in their error_description, and the header in WWW-Authenticate.
     */
    | { kind: 'echo-request' }
    /** Successful answers are wrapped in text that is not JSON (a byte-order mark, an anti-XSSI prefix, a trailer). */
    | { kind: 'wrap-body'; prefix?: string; suffix?: string }
    /** Successful JSON answers are sent form-encoded, labelled text/plain. */
    | { kind: 'form-as-text' }
    /** Successful JSON answers set a session cookie and quote its value in a `gateway` member. */
    | { kind: 'echo-session-cookie' }
    /**
     * Successful JSON answers carry credentials where a client may not look for them: copies of the access token under
     * other spellings of its name and base64-encoded, a made-up `session` and `apiKey`, and a JWT whose header is not
     * serialised as `eyJ…`.
     */
    | { kind: 'disguise-credentials' }
    /** Drips, pads, or resets the connection half way. */
    | Delivery
  );

/** Answered with this status and its reason phrase alone, as a busy server or its proxy would. */
interface Overloaded {
  kind: 'overloaded';
  status: number;
  retryAfter?: number;
  /**
   * Served first, and a successful answer lost (a gateway timing out on a backend that did the work): what the request
   * carried once only is spent. Only successful answers count as occurrences.
   */
  spent?: true;
}

/** Tells the sandbox of a credential a fault made up, so that a leak test looks for it too. */
export type Issue = (credential: string) => void;

const PATHS: Record<Endpoint, string> = {
  discovery: DISCOVERY,
  jwks: JWKS,
  token: TOKEN,
  introspection: INTROSPECTION,
  userinfo: USERINFO,
  'smart-configuration': SMART_CONFIGURATION_PATH,
  pushed_authorization_request: PUSHED_AUTHORIZATION,
};

export function hostile(fault: HostileFault, issue: Issue): Stage {
  const occurs = occurrence(fault.when);
  return (request, next) => {
    const targeted =
      request.url.pathname === PATHS[fault.endpoint] &&
      (fault.method === undefined || request.method === fault.method) &&
      (fault.grantType === undefined || postedForm(request)?.get('grant_type') === fault.grantType);
    if (targeted && fault.kind === 'overloaded' && fault.spent) return lose(fault, request, next, occurs);
    return targeted && occurs(request) ? act(fault, request, next, issue) : next(request);
  };
}

/** The provider's successful answer, lost when it is an occurrence: a refusal goes through, and counts for none. */
async function lose(fault: Overloaded, request: HttpRequest, next: Forward, occurs: (request: HttpRequest) => boolean): Promise<HttpResponse> {
  const answer = await next(request);
  return answer.status === 200 && occurs(request) ? busy(fault) : answer;
}

/** Whether a targeted request is one the fault acts on; called once for each. */
function occurrence(when: Occurrence | undefined): (request: HttpRequest) => boolean {
  if (when === undefined) return () => true;
  if ('every' in when) {
    let seen = 0;
    const struck = new Set<string>();
    return (request) => {
      const key = `${request.method} ${request.url.href} ${request.headers.authorization ?? ''} ${request.headers.dpop ? 'DPoP' : ''} ${withoutOneTimeValues(request)}`;
      if (struck.has(key)) return false;
      const hit = seen++ % when.every === 0;
      if (hit) struck.add(key);
      return hit;
    };
  }
  const seen = new Set<string>();
  return (request) => {
    const key = when.firstPer === 'client' ? clientOf(request) : '';
    const first = !seen.has(key);
    seen.add(key);
    return first;
  };
}

/**
 * A request's body without the one-time values a flow that starts over replaces, and the client assertion a request
 * sent again replaces (its DPoP proof is a header, which the key leaves out anyway).
 */
function withoutOneTimeValues(request: HttpRequest): string {
  const form = postedForm(request);
  if (!form) return request.body.toString();
  for (const name of ['code', 'code_verifier', 'refresh_token', 'client_assertion']) form.delete(name);
  return form.toString();
}

/** The client a request names, by HTTP Basic or client_id in a form body; '' for none. */
function clientOf(request: HttpRequest): string {
  const [scheme = '', credentials = ''] = (request.headers.authorization ?? '').split(' ');
  // Basic credentials are form-encoded (RFC 6749 §2.3.1), which URLSearchParams decodes without throwing.
  const form =
    scheme.toLowerCase() === 'basic' ? new URLSearchParams(`client_id=${Buffer.from(credentials, 'base64').toString().split(':')[0]}`) : postedForm(request);
  return form?.get('client_id') ?? '';
}

async function act(fault: HostileFault, request: HttpRequest, next: Forward, issue: Issue): Promise<HttpResponse> {
  switch (fault.kind) {
    case 'hang':
      // Never settles, so the front door never sends; closing the sandbox drops the connection.
      return new Promise<never>(() => undefined);
    case 'overloaded':
      return busy(fault);
    default:
      return rewrite(fault, request, await next(request), issue);
  }
}

function busy(fault: Overloaded): HttpResponse {
  return {
    status: fault.status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...(fault.retryAfter !== undefined && { 'retry-after': String(fault.retryAfter) }) },
    body: Buffer.from(STATUS_CODES[fault.status] ?? ''),
  };
}

/** The provider's answer, as a fault that lets the request through changes it. */
async function rewrite(
  fault: Exclude<HostileFault, { kind: 'hang' | 'overloaded' }>,
  request: HttpRequest,
  response: HttpResponse,
  issue: Issue,
): Promise<HttpResponse> {
  const json = () => (response.status === 200 ? jsonOf(response) : undefined);
  const error = () => (response.status === 400 || response.status === 401 ? jsonOf(response) : undefined);
  switch (fault.kind) {
    case 'replace-body':
      return response.status === 200
        ? { ...response, headers: { ...response.headers, 'content-type': fault.contentType }, body: Buffer.from(fault.body) }
        : response;
    case 'inject-text':
      return injectText(response, error(), fault.text);
    case 'echo-request':
      return echoRequest(request, response, error());
    case 'wrap-body':
      return response.status === 200
        ? { ...response, body: Buffer.concat([Buffer.from(fault.prefix ?? ''), response.body, Buffer.from(fault.suffix ?? '')]) }
        : response;
    case 'form-as-text':
      return formAsText(response, json());
    case 'echo-session-cookie':
      return echoSessionCookie(response, json(), issue);
    case 'disguise-credentials':
      return disguiseCredentials(response, json(), issue);
    case 'gzip-bomb':
      return { ...response, headers: { ...response.headers, 'content-encoding': 'gzip' }, body: await gzippedSpaces(fault.bytes) };
    case 'drip':
    case 'pad-body':
    case 'reset-connection':
      return { ...response, delivery: fault };
  }
}

function injectText(response: HttpResponse, error: Record<string, unknown> | undefined, text: string): HttpResponse {
  return error ? withJson(response, { ...error, error: `${String(error.error)}${text}`, error_description: text }) : response;
}

/** An error that quotes the request's Authorization header and body, as sent and encoded four ways. */
function echoRequest(request: HttpRequest, response: HttpResponse, error: Record<string, unknown> | undefined): HttpResponse {
  if (!error) return response;
  const authorization = request.headers.authorization ?? '';
  const body = request.body.toString();
  const html = body.replace(/&/g, '&amp;');
  const echoed = `rejected Authorization: ${authorization}; body ${body}; ${encodeURIComponent(body).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())}; ${Buffer.from(body).toString('base64url')}; ${html}`;
  return {
    ...withJson(response, { ...error, error_description: echoed, request: { authorization, body } }),
    headers: { ...response.headers, 'www-authenticate': `Basic realm="${authorization}"` },
  };
}

function formAsText(response: HttpResponse, json: Record<string, unknown> | undefined): HttpResponse {
  if (!json) return response;
  const form = new URLSearchParams(Object.entries(json).map(([name, value]): [string, string] => [name, String(value)]));
  return { ...response, headers: { ...response.headers, 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(form.toString()) };
}

function echoSessionCookie(response: HttpResponse, json: Record<string, unknown> | undefined, issue: Issue): HttpResponse {
  if (!json) return response;
  const session = made(issue);
  return {
    ...withJson(response, { ...json, gateway: `session gw_session=${session} bound to this client` }),
    headers: { ...response.headers, 'set-cookie': `gw_session=${session}; Path=/; HttpOnly` },
  };
}

function disguiseCredentials(response: HttpResponse, json: Record<string, unknown> | undefined, issue: Issue): HttpResponse {
  const token = json?.access_token;
  if (typeof token !== 'string') return response;
  return withJson(response, {
    ...json,
    accessToken: token,
    AccessToken: token,
    ACCESS_TOKEN: token,
    'access-token': token,
    session: made(issue),
    apiKey: made(issue),
    jwt: spacedJwt(issue),
    debug: `token (base64) ${Buffer.from(token).toString('base64')}`,
  });
}

/** A fresh random credential, told to the sandbox. */
function made(issue: Issue): string {
  const value = randomBytes(24).toString('base64url');
  issue(value);
  return value;
}

/** A signed JWT whose header has a line break after its brace, so that it starts `ewo`, not `eyJ`. */
function spacedJwt(issue: Issue): string {
  const encode = (json: object) => Buffer.from(JSON.stringify(json, null, 1)).toString('base64url');
  const signed = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: 'gateway', iat: Math.floor(Date.now() / 1000) })}`;
  const jwt = `${signed}.${createHmac('sha256', randomBytes(32)).update(signed).digest('base64url')}`;
  issue(jwt);
  return jwt;
}

const bombs = new Map<number, Promise<Buffer>>();

/** Compressed once per size, on first use: 100 MB of spaces take a fraction of a second and become about 100 KB. */
function gzippedSpaces(bytes: number): Promise<Buffer> {
  let bomb = bombs.get(bytes);
  if (!bomb) {
    bomb = buffer(Readable.from(spaces(bytes)).pipe(createGzip({ level: 9 })));
    bombs.set(bytes, bomb);
  }
  return bomb;
}
