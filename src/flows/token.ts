import type { HttpResult } from '../http/request.js';
import type { Exchange } from '../http/exchange.js';
import { parseJsonBody } from '../http/json.js';
import { clientCertificate } from '../suite/client-certificate.js';
import { authenticatedPost, type SuiteClient } from './client-auth.js';
import type { FlowContext } from './context.js';
import { sendWithProof, type ProofClaims } from './dpop-proof.js';

/** What a grant produced. Raw tokens stay in memory for later requests; reports see only exchanges. */
export interface TokenResult {
  grant: string;
  /** Every exchange the grant made, in order: authorization hops, then the token request. */
  exchanges: Exchange[];
  token: HttpResult;
  /** The parsed body of a 200 token response, raw (credentials included): never put in a report. */
  issued?: Record<string, unknown>;
  accessToken?: string;
  refreshToken?: string;
  /** A DPoP grant's request: the server's nonce its proof carried, if the server asked for one (RFC 9449 §8). */
  dpopNonce?: string;
  /** A DPoP grant's request: the jti of the last proof it carried (a retry carries a new one). */
  dpopJti?: string;
}

/** POSTs a grant to the token endpoint with the client's authentication and reads the tokens back. */
export async function redeem(
  flows: FlowContext,
  grant: string,
  client: SuiteClient,
  params: Record<string, string | undefined>,
  before: Exchange[] = [],
  label = `token (${grant}: ${params.grant_type})`,
  /** For a DPoP grant, claims its proof has instead of the right ones (a probe's wrong htm, say). */
  proof: Partial<ProofClaims> = {},
): Promise<TokenResult> {
  const url = await flows.tokenEndpoint(grant);
  const key = await flows.dpopKey(grant);
  const request = await authenticatedPost(client, params, url, {
    label,
    url,
    secrets: [params.code, params.code_verifier, params.refresh_token],
    // Asking again for a client_credentials token spends nothing but its single-use parts, which are made anew (an
    // assertion, a DPoP proof); a code or a refresh token must never be sent twice.
    replayable: params.grant_type === 'client_credentials',
    certificate: clientCertificate(client),
  });
  // RFC 9449 §5: a DPoP grant's token requests carry a proof, so the tokens are bound to its key.
  const proven = key ? await sendWithProof(flows, key, request, proof) : undefined;
  const token = proven ?? (await flows.send(request));
  const issued = issuedBy(token);
  return {
    grant,
    dpopNonce: proven?.nonce,
    dpopJti: proven?.jti,
    exchanges: [...before, token.exchange],
    token,
    issued,
    accessToken: stringMember(issued, 'access_token'),
    refreshToken: stringMember(issued, 'refresh_token'),
  };
}

function issuedBy(result: HttpResult): Record<string, unknown> | undefined {
  if (result.response?.status !== 200) return undefined;
  try {
    const body = parseJsonBody(result.response.body);
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringMember(body: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = body?.[name];
  return typeof value === 'string' && value ? value : undefined;
}
