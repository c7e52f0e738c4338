import type { ClientCredentialsGrant } from '../suite/suite.types.js';
import type { FlowContext } from './context.js';
import { redeem, type TokenResult } from './token.js';

/** RFC 6749 §4.4: the client asks for a token on its own behalf. */
export function clientCredentials(flows: FlowContext, name: string, grant: ClientCredentialsGrant, label?: string): Promise<TokenResult> {
  return redeem(flows, name, flows.client(grant.client), { grant_type: 'client_credentials', scope: grant.scope }, [], label);
}
