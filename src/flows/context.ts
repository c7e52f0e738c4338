import type { BrowserOptions } from '../browser/chromium.js';
import type { HttpRequest, HttpResult } from '../http/request.js';
import type { Exchange } from '../http/exchange.js';
import type { SuiteClient } from './client-auth.js';
import type { DpopKey } from './dpop-proof.js';
import type { FlowMemo } from './memo.js';
import type { SuiteView } from './suite-view.js';

export type Endpoint =
  | 'token_endpoint'
  | 'authorization_endpoint'
  | 'jwks_uri'
  | 'revocation_endpoint'
  | 'introspection_endpoint'
  | 'userinfo_endpoint'
  | 'pushed_authorization_request_endpoint';

/** What a grant needs from its suite's flows: sending recorded requests, discovered endpoints, and clients. */
export interface FlowContext {
  send(request: HttpRequest): Promise<HttpResult>;
  /** Records what happened outside `send` (a browser's navigations) among the exchanges. */
  record(entry: Omit<Exchange, 'id'>): Exchange;
  readonly browser: BrowserOptions;
  endpoint(name: Endpoint): Promise<string>;
  /** A member of the metadata document; undefined where the suite has none or it lacks the member. */
  declared(member: string): Promise<unknown>;
  tokenEndpoint(grantName: string): Promise<string>;
  client(name: string): SuiteClient;
  /** The grant's DPoP key pair (RFC 9449), or undefined when it does not use DPoP. */
  dpopKey(grantName: string): Promise<DpopKey | undefined>;
}

/** What a memoised protocol flow (discovery, tokens, resource calls) needs: the suite, the memo, and sending. */
export interface ProtocolContext {
  readonly suite: SuiteView;
  readonly memo: FlowMemo;
  send(request: HttpRequest): Promise<HttpResult>;
}

/** What the flows of tokens and resource calls need: both of the above. */
export type RunContext = FlowContext & ProtocolContext;
