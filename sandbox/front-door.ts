import type { IncomingMessage, ServerResponse } from 'node:http';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A request-level fault: interpreted by the front door before oidc-provider sees the request. */
export type RequestFault = never;

/**
 * Request-level faults: a layer in front of the provider that may rewrite, answer or replay requests before
 * oidc-provider sees them. With no such fault it is the provider itself.
 */
export function frontDoor(_faults: readonly RequestFault[], provider: Handler): Handler {
  return provider;
}
