import type { HttpRequest, HttpResult } from '../http/client.js';
import type { Client } from '../suite/suite.types.js';

/** What a grant needs from its suite's flows: sending recorded requests, discovered endpoints, and clients. */
export interface FlowContext {
  send(request: HttpRequest): Promise<HttpResult>;
  endpoint(name: 'token_endpoint' | 'authorization_endpoint' | 'jwks_uri'): Promise<string>;
  client(name: string): Client;
}
