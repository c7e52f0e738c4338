import type { HttpResult } from '../http/request.js';
import { isObject } from '../http/exchange.js';
import { parseJsonBody } from '../http/json.js';
import { clientCertificate } from '../suite/client-certificate.js';
import { authenticatedPost, type SuiteClient } from './client-auth.js';
import type { FlowContext } from './context.js';

/** A pushed authorization request (RFC 9126 §2) and what it answered. */
export interface Pushed {
  result: HttpResult;
  /** The request_uri of a 2xx JSON answer (§2.2); a server answering 200 instead of 201 is judged by par.push-response. */
  requestUri?: string;
  /** expires_in as the answer states it, unchecked. */
  expiresIn?: unknown;
}

/**
 * POSTs the authorization request's parameters to the pushed_authorization_request_endpoint. The client
 * authenticates as at the token endpoint (RFC 9126 §2); `authenticated: false` sends only its client_id, which a
 * server must refuse for a confidential client (§2.1).
 */
export async function pushAuthorization(
  flows: FlowContext,
  client: SuiteClient,
  params: Record<string, string | undefined>,
  options: { label: string; authenticated?: boolean },
): Promise<Pushed> {
  const url = await flows.endpoint('pushed_authorization_request_endpoint');
  const authenticated = options.authenticated ?? true;
  // RFC 9126 §2: the server MUST take its token endpoint URL as a client assertion's aud here too.
  const audience = await flows.endpoint('token_endpoint');
  const result = await flows.send(
    await authenticatedPost(authenticated ? client : { ...client, auth: 'none' }, params, audience, {
      label: options.label,
      url,
      // Each push mints a request_uri of its own and spends nothing: sending it again is harmless.
      replayable: true,
      // The client's certificate authenticates a tls_client_auth client, so the unauthenticated push goes without it.
      ...(authenticated && { certificate: clientCertificate(client) }),
      // A request_uri stands for the whole authorization request until it is used (RFC 9126 §7.1): not for reports.
      secretAt: 'request_uri',
    }),
  );
  return { result, ...answerOf(result) };
}

function answerOf({ response }: HttpResult): Omit<Pushed, 'result'> {
  if (!response || response.status < 200 || response.status > 299) return {};
  let body: unknown;
  try {
    body = parseJsonBody(response.body);
  } catch {
    return {};
  }
  if (!isObject(body)) return {};
  const requestUri = typeof body.request_uri === 'string' && body.request_uri ? body.request_uri : undefined;
  return { requestUri, expiresIn: body.expires_in };
}

/** Why a push gave no request_uri, for messages. */
export function pushFailure({ result }: Pushed): string {
  const { exchange, response } = result;
  if (!response) return `the pushed authorization request failed: ${exchange.error ?? 'no response'}`;
  return `the pushed authorization request answered ${response.status} without a request_uri`;
}
