import { randomUUID } from 'node:crypto';
import { json, jsonOf, type Handler, type HttpRequest, type HttpResponse } from '../http-data.js';
import type { Tenant } from './oneup-tenant.js';
import { bearerToken, FHIR_JSON, operationOutcome } from './toolkit.js';

/**
 * 1up's FHIR servers at /r4, /stu3 and /dstu2 on the API host. A request is authorised by a user's access token
 * (`Authorization: Bearer`), or by the application's client_id and client_secret headers with `x-oneup-user-id`:
 * a user's numeric oneup_user_id, or `client` for every user of the application, for GET requests only. Each user
 * sees the resources written for them; search answers a searchset Bundle.
 */

/** Whose data a request may touch. */
interface Access {
  clientId: string;
  /** One user's oneup_user_id; absent for `x-oneup-user-id: client`, every user of the application. */
  user?: number;
  writes: boolean;
}

interface Stored {
  version: string;
  clientId: string;
  user?: number;
  resource: Record<string, unknown> & { resourceType: string; id: string };
}

const REALM = 'Bearer realm="api.1up.health"';

export function fhirServer(tenant: Tenant): Handler {
  const stored: Stored[] = [];
  return (request) => {
    const [, version = '', type = '', id, ...rest] = request.url.pathname.split('/');
    if (!tenant.settings.paths.fhirVersions.includes(version) || !/^[A-Z][A-Za-z]+$/.test(type) || rest.length > 0) {
      return operationOutcome(404, 'not-found', `no FHIR endpoint at ${request.url.pathname}`);
    }
    const access = authorise(tenant, request);
    if ('refusal' in access) return access.refusal;
    const visible = (s: Stored) => s.version === version && s.clientId === access.clientId && (access.user === undefined || s.user === access.user);

    if (request.method === 'GET' || request.method === 'HEAD') {
      const matches = stored.filter((s) => visible(s) && s.resource.resourceType === type && (id === undefined || s.resource.id === id));
      if (id !== undefined) return matches[0] ? fhir(200, matches[0].resource) : operationOutcome(404, 'not-found', `${type}/${id} not found`);
      return fhir(200, { resourceType: 'Bundle', type: 'searchset', total: matches.length, entry: matches.map((s) => ({ resource: s.resource })) });
    }
    if (request.method !== 'POST' || id !== undefined)
      return operationOutcome(405, 'not-supported', `${request.method} is not supported here`, { allow: 'GET, HEAD, POST' });
    if (!access.writes) return operationOutcome(403, 'forbidden', tenant.settings.messages.allUsersReadOnly);
    const posted = jsonOf(request);
    if (posted?.resourceType !== undefined && posted.resourceType !== type) {
      return operationOutcome(400, 'invalid', `a ${JSON.stringify(posted.resourceType)} cannot be created at ${type}`);
    }
    const resource = { ...posted, resourceType: type, id: randomUUID() };
    stored.push({ version, clientId: access.clientId, user: access.user, resource });
    return fhir(201, resource, { location: `${request.url.origin}/${version}/${type}/${resource.id}` });
  };
}

function fhir(status: number, body: object, headers: Record<string, string> = {}): HttpResponse {
  return json(status, body, { 'content-type': FHIR_JSON, ...headers });
}

/** Who the request acts for, or the refusal (401 with a Bearer challenge, RFC 6750 §3). */
function authorise(tenant: Tenant, request: HttpRequest): Access | { refusal: HttpResponse } {
  const refuse = (status: number, code: string, diagnostics: string, challenge = REALM) => ({
    refusal: operationOutcome(status, code, diagnostics, status === 401 ? { 'www-authenticate': challenge } : {}),
  });
  if (request.headers.authorization !== undefined) {
    const token = bearerToken(request);
    const issued = token === undefined ? undefined : tenant.accessTokens.find(token);
    if (!issued) return refuse(401, 'login', 'the access token is invalid or expired', `${REALM}, error="invalid_token"`);
    return { clientId: issued.data.clientId, user: issued.data.oneupUserId, writes: true };
  }
  const header = (name: string) => request.headers[name] as string | undefined;
  if (header('client_id') === undefined && header('client_secret') === undefined) return refuse(401, 'login', 'authentication required');
  const clientId = tenant.settings.clientHeaderAccess ? tenant.app(header('client_id'), header('client_secret')) : undefined;
  if (!clientId) return refuse(401, 'login', tenant.settings.messages.badClient);
  const who = header('x-oneup-user-id');
  if (who === 'client') return { clientId, writes: tenant.settings.allUsersWrites };
  if (!who || !/^\d+$/.test(who)) return refuse(400, 'required', 'x-oneup-user-id must be a oneup_user_id or "client"');
  const user = tenant.user(clientId, { oneupUserId: Number(who) });
  if (!user) return refuse(403, 'forbidden', `user ${who} is not a user of this application`);
  return { clientId, user: user.oneupUserId, writes: true };
}
