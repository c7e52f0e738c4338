import type { ClientCertificate } from '../suite/client-certificate.js';
import type { Exchange } from './exchange.js';

// A request as flows build it, and what came back: the raw response stays in memory, reports see the exchange.

export interface HttpRequest {
  label: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Values in this request that are credentials (client secret, code, verifier), redacted everywhere. */
  secrets?: Array<string | undefined>;
  /** A POST that may be sent twice (it spends no one-time credential), so a 5xx or a broken connection is retried. */
  replayable?: boolean;
  /**
   * The same request with its single-use parts made anew (a client assertion's jti, RFC 7523 §3; a DPoP proof's,
   * RFC 9449 §11.1): what is sent again. A server may have spent them on the attempt it answered 5xx or 429.
   */
  renew?: () => Promise<HttpRequest>;
  /** Dependent requests that must still follow this one in its flow (a login's redemption): see HostGate. */
  ahead?: number;
  /** A member path of the JSON answer that holds a credential by the suite's word (an api step's `capture`). */
  secretAt?: string;
  /** The client certificate its TLS handshake presents (RFC 8705): a client's that authenticates or binds by it. */
  certificate?: ClientCertificate;
}

/** The response as received, kept in memory only: flows read credentials from it, reports never see it. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  setCookies: string[];
  body: string;
}

export interface HttpResult {
  exchange: Exchange;
  response?: RawResponse;
}

/** The request as it is sent again: renewed when it has single-use parts, else as it was. */
export function renewed(request: HttpRequest): Promise<HttpRequest> {
  return request.renew ? request.renew() : Promise.resolve(request);
}
