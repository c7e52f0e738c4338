import type { HttpResult } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import type { Client } from '../suite/suite.types.js';
import { tokenRequest } from './client-auth.js';
import type { FlowContext } from './context.js';

/** What a grant produced. The raw access token stays in memory for later requests; reports see only exchanges. */
export interface TokenResult {
  grant: string;
  /** Every exchange the grant made, in order: authorization hops, then the token request. */
  exchanges: Exchange[];
  token: HttpResult;
  accessToken?: string;
}

/** POSTs a grant to the token endpoint with the client's authentication and reads the access token back. */
export async function redeem(
  flows: FlowContext,
  grant: string,
  client: Client,
  params: Record<string, string | undefined>,
  before: Exchange[] = [],
): Promise<TokenResult> {
  const url = await flows.endpoint('token_endpoint');
  const { headers, body } = tokenRequest(client, params);
  const token = await flows.send({
    label: `token (${grant}: ${params.grant_type})`,
    method: 'POST',
    url,
    headers,
    body,
    secrets: [client.secret, params.code, params.code_verifier, params.refresh_token],
  });
  return { grant, exchanges: [...before, token.exchange], token, accessToken: accessTokenOf(token) };
}

function accessTokenOf(result: HttpResult): string | undefined {
  if (result.response?.status !== 200) return undefined;
  try {
    const value = (JSON.parse(result.response.body) as { access_token?: unknown }).access_token;
    return typeof value === 'string' && value ? value : undefined;
  } catch {
    return undefined;
  }
}
