import { formEncode } from '../secrets.js';
import type { Client } from '../suite/suite.types.js';

/** Client authentication by a shared secret (RFC 6749 §2.3.1), in the Authorization header or in the body. */
export const SECRET_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type SecretMethod = (typeof SECRET_METHODS)[number];

/** Builds a token endpoint request body and headers with the client's authentication (RFC 6749 §2.3.1). */
export function tokenRequest(client: Client, params: Record<string, string | undefined>): { headers: Record<string, string>; body: string } {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) form.set(k, v);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  switch (client.auth ?? 'client_secret_basic') {
    case 'client_secret_basic':
      // §2.3.1: id and secret are form-urlencoded before being joined and base64-encoded.
      headers.authorization = `Basic ${Buffer.from(`${formEncode(client.id)}:${formEncode(client.secret ?? '')}`).toString('base64')}`;
      break;
    case 'client_secret_post':
      form.set('client_id', client.id);
      form.set('client_secret', client.secret ?? '');
      break;
    // RFC 8705 §2.1.1: the certificate authenticates; the body names the client.
    case 'tls_client_auth':
    default:
      form.set('client_id', client.id);
  }
  return { headers, body: form.toString() };
}
