import { createLocalJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import type { MedplumFacts } from './medplum-facts.js';
import { clientOf, type Tenant } from './medplum-tenant.js';

/** RFC 7523 §2.2: the only client_assertion_type Medplum takes. */
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The algorithms Medplum verifies client assertions with (docs: Client Assertion; server oauth/token.ts). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

/**
 * A client assertion as Medplum's token endpoint reads it (server packages/server/src/oauth/token.ts,
 * parseClientAssertion; docs https://www.medplum.com/docs/auth/client-assertion): the type must be jwt-bearer, aud
 * exactly the token URL and iss the sub, read before any signature; the ClientApplication is the iss, and the
 * signature, aud, iss and exp are verified against the public keys at its JWKS URI (here the key the emulator
 * registered for it). Any failure is an error message the caller answers with invalid_request. The jti is not
 * remembered, so an assertion can be used again while it lives. On success, the client's own secret stands for it.
 */
export async function clientOfAssertion(
  { messages, paths }: MedplumFacts,
  tenant: Tenant,
  type: string,
  assertion: string | undefined,
): Promise<{ id?: string; secret?: string; error?: string }> {
  if (type !== JWT_BEARER) return { error: messages.unsupportedAssertionType };
  // Medplum's isJwt: three dot-separated parts.
  if (!assertion || assertion.split('.').length !== 3) return { error: messages.invalidAssertion };
  const tokenUrl = `${tenant.issuer}${paths.token}`;
  let claims: JWTPayload;
  try {
    claims = decodeJwt(assertion);
  } catch {
    return { error: messages.invalidAssertion };
  }
  if (claims.aud !== tokenUrl) return { error: messages.invalidAssertionAudience };
  if (claims.iss !== claims.sub) return { error: messages.invalidAssertionIssuer };
  const client = clientOf(tenant, claims.iss);
  if (!client) return { error: messages.clientNotFound };
  if (!client.jwks) return { error: messages.missingJwksUri };
  try {
    await jwtVerify(assertion, createLocalJWKSet(client.jwks), { issuer: client.id, audience: tokenUrl, algorithms: ALGORITHMS });
  } catch {
    return { error: messages.invalidAssertionSignature };
  }
  return { id: client.id, secret: client.secret };
}
