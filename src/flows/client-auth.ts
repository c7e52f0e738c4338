import { randomUUID, type KeyObject } from 'node:crypto';
import { importJWK, SignJWT, UnsecuredJWT, type JWK, type JWTPayload } from 'jose';
import type { HttpRequest } from '../http/request.js';
import { formEncode } from '../secrets.js';
import type { ClientKey } from '../suite/client-keys.js';
import type { Client } from '../suite/suite.types.js';

/** Client authentication by a shared secret (RFC 6749 §2.3.1), in the Authorization header or in the body. */
export const SECRET_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type SecretMethod = (typeof SECRET_METHODS)[number];

/** Client authentication by a JWT assertion (RFC 7523 §2.2, OIDC Core §9). */
export const JWT_METHODS = ['client_secret_jwt', 'private_key_jwt'] as const;
export type JwtMethod = (typeof JWT_METHODS)[number];

/** RFC 7523 §2.2: the client_assertion_type of a JWT client assertion. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How long an assertion lives: long enough for the request to arrive, short enough that a copy is soon worthless. */
const ASSERTION_LIFETIME = 60;

/**
 * A suite's client as flows use it: with its private key when it signs assertions with one (private_key_jwt), and,
 * for a probe, what makes the assertion it sends instead of a valid one for `audience` (called for each sending), or
 * the client_assertion_type to send instead of RFC 7523's.
 */
export type SuiteClient = Client & { key?: ClientKey; assertion?: (audience: string) => Promise<string>; assertionType?: string };

export function usesJwtAssertion(client: Client): boolean {
  return (JWT_METHODS as readonly string[]).includes(client.auth ?? '');
}

/** The algorithm a client's assertions are signed with: its key's, or HS256 with its secret (client_secret_jwt). */
export function assertionAlgorithm(client: SuiteClient): string {
  return client.auth === 'private_key_jwt' ? (client.key?.alg ?? 'RS256') : 'HS256';
}

// jose turns a KeyObject into a WebCrypto key at every signature (export, then import): 2 s of the 35 s of CPU the
// fault matrix takes. Each client key is imported once per algorithm.
type SigningKey = ReturnType<typeof importJWK>;
const signingKeys = new WeakMap<KeyObject, Map<string, SigningKey>>();

function signingKey(key: KeyObject, alg: string): SigningKey {
  const byAlg = signingKeys.get(key) ?? new Map<string, SigningKey>();
  signingKeys.set(key, byAlg);
  const imported = byAlg.get(alg) ?? importJWK(key.export({ format: 'jwk' }) as JWK, alg);
  byAlg.set(alg, imported);
  return imported;
}

/** What a probe changes in an assertion: its claims, its signature, or signing at all (alg "none"). */
export interface AssertionEdit {
  claims?: JWTPayload;
  unsigned?: true;
  corruptSignature?: true;
}

/**
 * A client assertion (RFC 7523 §3, OIDC Core §9): iss = sub = client_id, aud the token endpoint URL (the
 * authorization server's identity RFC 7523 §3 item 3 and OIDC Core §9 name), a fresh jti, a short exp. `edit`
 * spoils it as a probe needs.
 */
export async function clientAssertion(client: SuiteClient, audience: string, edit: AssertionEdit = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: client.id, sub: client.id, aud: audience, jti: randomUUID(), iat: now, exp: now + ASSERTION_LIFETIME, ...edit.claims };
  if (edit.unsigned) return new UnsecuredJWT(claims).encode();
  const alg = assertionAlgorithm(client);
  const kid = client.auth === 'private_key_jwt' ? client.key?.kid : undefined;
  const privateKey = client.auth === 'private_key_jwt' ? client.key?.key : undefined;
  if (client.auth === 'private_key_jwt' && !privateKey) throw new Error(`client ${client.id} has no private key to sign its assertion with`);
  const key = privateKey ? await signingKey(privateKey, alg) : new TextEncoder().encode(client.secret ?? '');
  const jwt = await new SignJWT(claims).setProtectedHeader({ alg, ...(kid && { kid }) }).sign(key);
  return edit.corruptSignature ? corruptSignature(jwt) : jwt;
}

/** The same JWT with another signature of the same length: its first byte flipped. */
function corruptSignature(jwt: string): string {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  bytes[0] = bytes[0]! ^ 0xff;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

/**
 * `request`, POSTed with the client's authentication for `audience` (tokenRequest). Sent again, it carries a new
 * assertion: its jti is single use (RFC 7523 §3), and a server may have spent it on the attempt it answered 5xx or
 * 429 (a probe's `assertion` decides what it sends again).
 */
export async function authenticatedPost(
  client: SuiteClient,
  params: Record<string, string | undefined>,
  audience: string,
  request: Omit<HttpRequest, 'method' | 'headers' | 'body' | 'renew'>,
): Promise<HttpRequest> {
  const { headers, body, secrets } = await tokenRequest(client, params, audience);
  return {
    ...request,
    method: 'POST',
    headers,
    body,
    secrets: [...secrets, ...(request.secrets ?? [])],
    ...(usesJwtAssertion(client) && { renew: () => authenticatedPost(client, params, audience, request) }),
  };
}

export interface TokenEndpointRequest {
  headers: Record<string, string>;
  body: string;
  /** The credentials it carries (the secret, the assertion), to redact like tokens. */
  secrets: string[];
}

/**
 * Builds a token endpoint request body and headers with the client's authentication: a secret (RFC 6749 §2.3.1) or a
 * JWT assertion for `audience`, the token endpoint URL (RFC 7523 §2.2).
 */
export async function tokenRequest(client: SuiteClient, params: Record<string, string | undefined>, audience: string): Promise<TokenEndpointRequest> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) form.set(k, v);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const secrets = client.secret ? [client.secret] : [];
  switch (client.auth ?? 'client_secret_basic') {
    case 'client_secret_basic':
      // §2.3.1: id and secret are form-urlencoded before being joined and base64-encoded.
      headers.authorization = `Basic ${Buffer.from(`${formEncode(client.id)}:${formEncode(client.secret ?? '')}`).toString('base64')}`;
      break;
    case 'client_secret_post':
      form.set('client_id', client.id);
      form.set('client_secret', client.secret ?? '');
      break;
    case 'client_secret_jwt':
    case 'private_key_jwt': {
      // RFC 7521 §4.2: client_id is optional beside an assertion; sending it lets a server find the client first.
      const jwt = await (client.assertion ?? ((to: string) => clientAssertion(client, to)))(audience);
      form.set('client_id', client.id);
      form.set('client_assertion_type', client.assertionType ?? JWT_BEARER_ASSERTION);
      form.set('client_assertion', jwt);
      secrets.push(jwt);
      break;
    }
    // RFC 8705 §2.1.1: the certificate authenticates; the body names the client.
    case 'tls_client_auth':
    default:
      form.set('client_id', client.id);
  }
  return { headers, body: form.toString(), secrets };
}
