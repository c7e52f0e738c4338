import type { Check } from './check.js';
import * as discovery from './discovery.js';
import * as jwks from './jwks.js';
import * as resourceAccess from './resource-access.js';
import * as tokenResponse from './token-response.js';

/** Every check, in report order. */
export const catalogue: Check[] = [
  discovery.reachable,
  discovery.json,
  discovery.schema,
  discovery.issuerMatch,
  jwks.schema,
  jwks.noPrivateMembers,
  tokenResponse.schema,
  tokenResponse.tokenType,
  tokenResponse.cacheControl,
  tokenResponse.jsonContentType,
  resourceAccess.bearerAccepted,
  resourceAccess.noToken401,
];

// A check defined but left out of the list would never run: the module namespaces must be covered exactly.
const defined = [discovery, jwks, tokenResponse, resourceAccess].flatMap((m) => Object.values(m));
if (defined.length !== catalogue.length || new Set(catalogue.map((c) => c.id)).size !== catalogue.length) {
  throw new Error('the check catalogue must list every defined check exactly once');
}
