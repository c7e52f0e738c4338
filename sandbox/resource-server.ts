import type { RequestListener } from 'node:http';
import type { AccessTokenVerifier } from './access-token-verifier.js';
import type { DpopVerifier } from './dpop-verifier.js';
import type { ResourceDeviation } from './faults.js';
import { json, serveWith, type HttpRequest, type HttpResponse } from './http-data.js';

export const RESOURCE_PATH = '/api/resource';

const REALM = 'sandbox';
// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; RFC 9449 §7.1 "DPoP" likewise; schemes are case-insensitive.
const CREDENTIALS = /^(bearer|dpop) +([A-Za-z0-9\-._~+/]+=*)$/i;

export interface ResourceOptions {
  verify: AccessTokenVerifier;
  /** The scope every request needs. */
  scope: string;
  deviations: ReadonlySet<ResourceDeviation>;
  /** Whether the provider ever issued a token: known only where a deviation needs it. */
  everIssued?: (token: string) => boolean;
  /** Checks the DPoP proof that comes with a DPoP-bound token. */
  verifyProof: DpopVerifier;
}

/** How a token came: its scheme, and for DPoP (RFC 9449 §7.1) the proof and the request it must be made for. */
interface Presentation {
  scheme: 'bearer' | 'dpop';
  proof?: string;
  method: string;
}

/** A protected resource at RESOURCE_PATH that accepts bearer tokens per RFC 6750. */
export function createResourceHandler(options: ResourceOptions): RequestListener {
  // Only a request's path and query are read: any origin resolves them.
  return serveWith(
    (request) => decide(request, options),
    'http://resource',
    (error) => answer(500, { error: 'server_error', error_description: String(error) }),
  );
}

async function decide({ url, method, headers }: HttpRequest, options: ResourceOptions): Promise<HttpResponse> {
  if (url.pathname !== RESOURCE_PATH) return answer(404, { error: 'not_found' });
  const { deviations } = options;
  const { authorization } = headers;
  const queried = deviations.has('accept-query-token') ? url.searchParams.get('access_token') : null;
  if (!authorization && queried) return authorize(queried, options, { scheme: 'bearer', method });
  if (!authorization || !/^(bearer|dpop)(\s|$)/i.test(authorization)) {
    // §3.1: a request without credentials gets a challenge with no error code.
    return deviations.has('omit-challenge') ? answer(401, tokenRequired) : bareChallenge(tokenRequired);
  }
  if (deviations.has('case-sensitive-scheme') && !/^(Bearer|DPoP)/.test(authorization)) {
    return refusal(401, 'invalid_token', 'the authorization scheme must be "Bearer" or "DPoP"');
  }
  const [, scheme, token] = CREDENTIALS.exec(authorization) ?? [];
  if (!scheme || !token) return refusal(400, 'invalid_request', 'malformed credentials');
  return authorize(token, options, {
    scheme: scheme.toLowerCase() as Presentation['scheme'],
    proof: typeof headers.dpop === 'string' ? headers.dpop : undefined,
    method,
  });
}

const tokenRequired = { error_description: 'a bearer token is required' };

async function authorize(token: string, options: ResourceOptions, presentation: Presentation): Promise<HttpResponse> {
  const { verify, scope, deviations, everIssued } = options;
  const grant = await verify(token);
  if (!grant && everIssued && token.split('.').length !== 3 && !everIssued(token)) {
    return answer(200, { ok: true, sub: 'unknown', client_id: 'unknown' });
  }
  if (!grant) {
    const description = 'the access token is invalid, expired or revoked';
    return deviations.has('omit-error-code') ? bareChallenge({ error_description: description }) : refusal(401, 'invalid_token', description);
  }
  const unproven = await dpopRefusal(token, grant.jkt, presentation, options);
  if (unproven) return unproven;
  if (!grant.scopes.has(scope)) {
    const description = `the access token lacks the ${scope} scope`;
    return deviations.has('scope-as-invalid-token') ? refusal(401, 'invalid_token', description) : refusal(403, 'insufficient_scope', description, { scope });
  }
  if (deviations.has('refuse-tokens')) return refusal(401, 'invalid_token', 'the access token is not accepted');
  return answer(200, { ok: true, sub: grant.sub, client_id: grant.clientId });
}

/**
 * RFC 9449 §7: a DPoP-bound token only with the DPoP scheme and a valid proof of its key; a token presented as DPoP
 * needs a valid proof (of its key, when it names one).
 */
async function dpopRefusal(
  token: string,
  jkt: string | undefined,
  { scheme, proof, method }: Presentation,
  options: ResourceOptions,
): Promise<HttpResponse | undefined> {
  const { deviations, verifyProof } = options;
  if (scheme === 'bearer') {
    // §7.2: a resource taking both schemes refuses a DPoP-bound token presented as a bearer token.
    return !jkt || deviations.has('accept-dpop-as-bearer') ? undefined : dpopChallenge('invalid_token', 'a DPoP-bound token needs the DPoP scheme');
  }
  if (!proof && deviations.has('skip-dpop-proof')) return undefined;
  const problem = await verifyProof({ proof, method, token, jkt });
  return problem ? dpopChallenge('invalid_dpop_proof', problem) : undefined;
}

/** RFC 9449 §7.1: a DPoP challenge, naming the algorithms the resource takes. */
function dpopChallenge(error: string, description: string): HttpResponse {
  return json(
    401,
    { error, error_description: description },
    {
      'Cache-Control': 'no-store',
      'WWW-Authenticate': `DPoP algs="ES256 PS256 RS256 EdDSA", error="${error}", error_description="${description}"`,
    },
  );
}

function bareChallenge(body: Record<string, string>): HttpResponse {
  return answer(401, body, { realm: REALM });
}

function refusal(status: number, error: string, description: string, extra: Record<string, string> = {}): HttpResponse {
  return answer(status, { error, error_description: description }, { realm: REALM, error, error_description: description, ...extra });
}

/** An uncacheable JSON answer, with a Bearer challenge of these auth-params if any. */
function answer(status: number, body: Record<string, unknown>, challenge?: Record<string, string>): HttpResponse {
  const params = Object.entries(challenge ?? {}).map(([name, value]) => `${name}="${value}"`);
  return json(status, body, { 'Cache-Control': 'no-store', ...(challenge && { 'WWW-Authenticate': `Bearer ${params.join(', ')}` }) });
}
