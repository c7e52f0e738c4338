import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { rsaKeyPair } from '../rsa-key.js';
import { randomBytes } from 'node:crypto';
import { json, serveWith, type Handler, type HttpRequest, type HttpResponse } from '../http-data.js';
import { closeServer, listenOnLoopback } from '../loopback.js';

/** Small pieces every vendor emulator is built from: hosts, replies, tokens, keys, FHIR errors. */

export interface Host {
  origin: string;
  close(): Promise<void>;
}

/** A loopback HTTP host (one vendor domain) answering with `handler`; errors become a 500. */
export async function serve(handler: Handler): Promise<Host> {
  const { server, origin } = await listenOnLoopback(0);
  server.on(
    'request',
    serveWith(handler, origin, (error) => json(500, { error: 'server_error', error_description: String(error) })),
  );
  return { origin, close: () => closeServer(server) };
}

/** A token endpoint's answer: never cached (RFC 6749 §5.1). */
export function tokenReply(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): HttpResponse {
  return json(status, body, { 'cache-control': 'no-store', pragma: 'no-cache', ...headers });
}

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** A FHIR OperationOutcome, the error body FHIR servers send. */
export function operationOutcome(status: number, code: string, diagnostics: string, headers: Record<string, string> = {}): HttpResponse {
  return json(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] }, { 'content-type': FHIR_JSON, ...headers });
}

/** Client credentials from `Authorization: Basic` (RFC 6749 §2.3.1, form-urlencoded parts). */
export function basicCredentials(request: HttpRequest): { id: string; secret: string } | undefined {
  const match = /^basic +(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const part = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  return { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
}

/** The Bearer token of a request (scheme case-insensitive, RFC 6750 §2.1). */
export function bearerToken(request: HttpRequest): string | undefined {
  return /^bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

/** A string with something in it, else undefined: how a parameter counts as given. */
export function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export interface Issued<T> {
  value: string;
  data: T;
  expiresAt: number;
}

/** Opaque tokens or codes with a lifetime and arbitrary data; `use` consumes a single-use one. */
export class TokenStore<T> {
  private readonly items = new Map<string, Issued<T>>();

  issue(data: T, lifetimeSeconds: number): Issued<T> {
    const item = { value: randomToken(), data, expiresAt: Date.now() + lifetimeSeconds * 1000 };
    this.items.set(item.value, item);
    return item;
  }

  /** A live item, or undefined when unknown, expired or revoked. */
  find(value: string): Issued<T> | undefined {
    const item = this.items.get(value);
    return item && item.expiresAt > Date.now() ? item : undefined;
  }

  use(value: string): Issued<T> | undefined {
    const item = this.find(value);
    this.items.delete(value);
    return item;
  }

  revoke(predicate: (item: Issued<T>) => boolean): void {
    for (const [value, item] of this.items) if (predicate(item)) this.items.delete(value);
  }
}

/** A signing key for JWT access and ID tokens, published as a JWKS. */
export interface Signer {
  alg: SigningAlg;
  jwks: { keys: JWK[] };
  sign(claims: JWTPayload, typ?: string): Promise<string>;
}

export type SigningAlg = 'RS256' | 'ES256' | 'ES384';

export async function createSigner(alg: SigningAlg = 'RS256'): Promise<Signer> {
  const { publicKey, privateKey } = alg === 'RS256' ? await rsaKeyPair() : await generateKeyPair(alg);
  const kid = randomToken(8);
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    alg,
    jwks: { keys: [jwk] },
    sign: (claims, typ = 'JWT') => new SignJWT(claims).setProtectedHeader({ alg, kid, typ }).sign(privateKey),
  };
}

export const now = (): number => Math.floor(Date.now() / 1000);

/** A fixed-window rate limit, as vendors document it ("300 requests per hour"); answers 429 with Retry-After. */
export function rateLimit(limit: number, windowSeconds: number): () => HttpResponse | undefined {
  let windowStart = Date.now();
  let count = 0;
  return () => {
    if (Date.now() - windowStart >= windowSeconds * 1000) {
      windowStart = Date.now();
      count = 0;
    }
    if (++count <= limit) return undefined;
    const retryAfter = Math.max(1, Math.ceil((windowStart + windowSeconds * 1000 - Date.now()) / 1000));
    return json(429, { error: 'rate limit exceeded' }, { 'retry-after': String(retryAfter) });
  };
}
