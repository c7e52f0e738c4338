import type { JWTPayload } from 'jose';
import { json, jsonOf, type Handler, type HttpRequest, type HttpResponse } from '../http-data.js';
import type { UserPool } from './bwell-cognito.js';
import { bearerToken, FHIR_JSON, operationOutcome, randomToken } from './toolkit.js';

/**
 * b.well's FHIR server (fhir.icanbwell.com): the SMART configuration proxies the Cognito metadata, resources live
 * under the FHIR version (/4_0_0/Patient) and take Cognito access tokens with SMART scopes.
 */

export interface FhirFacts {
  /** The path segment of the FHIR version, e.g. 4_0_0. */
  fhirVersion: string;
  /** Query parameters a token is also read from, besides the Authorization header. */
  queryTokenParameters: string[];
  /** The answer to a missing or invalid token: an OperationOutcome, no WWW-Authenticate. */
  unauthorized: { status: number; code: string; diagnostics: string };
  /** The answer to a token whose scopes do not cover the request: an OperationOutcome, no WWW-Authenticate. */
  forbidden: { status: number; code: string };
  /** The resources held, by type. */
  resources: Record<string, Array<Record<string, unknown>>>;
}

/** The token of a request: the Authorization header (scheme in any case), else the query parameters b.well reads. */
function tokenOf(request: HttpRequest, facts: FhirFacts): string | undefined {
  if (request.headers.authorization) return bearerToken(request);
  return facts.queryTokenParameters.map((name) => request.url.searchParams.get(name) ?? undefined).find((value) => value);
}

/** SMART v1 scopes: `<context>/<type or *>.<read, write or *>`. */
function permits(claims: JWTPayload, type: string, access: 'read' | 'write'): boolean {
  return (typeof claims.scope === 'string' ? claims.scope : '').split(' ').some((scope) => {
    const match = /^(system|user|patient)\/([A-Za-z*]+)\.(read|write|\*)$/.exec(scope);
    return match !== null && (match[2] === '*' || match[2] === type) && (match[3] === '*' || match[3] === access);
  });
}

export function fhirServer(facts: FhirFacts, pool: UserPool): Handler {
  const { unauthorized, forbidden } = facts;
  const resourcePath = new RegExp(`^/${facts.fhirVersion}/([A-Za-z]+)$`);
  // Each server keeps its own copy: what one run creates, another does not see.
  const store = structuredClone(facts.resources);

  return async (request): Promise<HttpResponse> => {
    if (request.method === 'GET' && request.url.pathname === '/.well-known/smart-configuration') return json(200, pool.metadata());
    const type = resourcePath.exec(request.url.pathname)?.[1];
    const held = type ? store[type] : undefined;
    if (!type || !held) return operationOutcome(404, 'not-found', `Resource type ${type ?? request.url.pathname} is not supported`);
    const token = tokenOf(request, facts);
    const claims = token ? await pool.verify(token) : undefined;
    if (!claims) return operationOutcome(unauthorized.status, unauthorized.code, unauthorized.diagnostics);
    const access = request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
    if (!permits(claims, type, access)) {
      return operationOutcome(
        forbidden.status,
        forbidden.code,
        `client ${String(claims.client_id)} with scopes [${String(claims.scope)}] failed access check to [${type}.${access}]`,
      );
    }
    if (access === 'read') {
      return json(
        200,
        { resourceType: 'Bundle', type: 'searchset', total: held.length, entry: held.map((resource) => ({ resource })) },
        { 'content-type': FHIR_JSON },
      );
    }
    const posted = jsonOf(request);
    if (request.method !== 'POST' || posted?.resourceType !== type) return operationOutcome(400, 'invalid', `POST a ${type} to create one`);
    const created = { ...posted, id: randomToken(12) };
    held.push(created);
    return json(201, created, { 'content-type': FHIR_JSON });
  };
}
