import { json, type Handler, type HttpResponse } from '../http-data.js';
import type { MedplumFacts } from './medplum-facts.js';
import type { Login, Logins } from './medplum-logins.js';
import type { Tenant } from './medplum-tenant.js';
import { FHIR_JSON, operationOutcome } from './toolkit.js';

/**
 * What Medplum's access tokens open: a FHIR search and the OpenID userinfo. Authentication (server
 * oauth/middleware.ts) splits the Authorization header at its space and takes a token only after "Bearer", spelled
 * so; anything else, a token in the query string included, is a 401 OperationOutcome, with a challenge of the base
 * URL's realm and no error code since 5.1.12 (its scheme spelled as the request spelled it), without one before.
 */

const PATIENT = {
  resourceType: 'Patient',
  id: '8f7c9a52-4f5e-4d7b-9a53-1e6a3c0b2d41',
  name: [{ given: ['Homer'], family: 'Simpson' }],
  gender: 'male',
  birthDate: '1956-05-12',
};

function fhirJson(status: number, resource: Record<string, unknown>): HttpResponse {
  return json(status, resource, { 'content-type': FHIR_JSON });
}

export function fhirApi(facts: MedplumFacts, tenant: Tenant, logins: Logins): Record<string, Handler> {
  const { paths } = facts;
  const authenticated =
    (handle: (login: Login) => HttpResponse): Handler =>
    async (request) => {
      const [scheme, token] = (request.headers.authorization ?? '').split(' ');
      const login = scheme === 'Bearer' && token ? await logins.forAccessToken(token) : undefined;
      if (login) return handle(login);
      const challenge = `${/^bearer$/i.test(scheme ?? '') ? scheme : 'Bearer'} realm="${tenant.issuer}"`;
      return operationOutcome(401, 'login', facts.messages.unauthorized, facts.bearerChallenge ? { 'www-authenticate': challenge } : {});
    };
  return {
    [`GET ${paths.patients}`]: authenticated(() =>
      fhirJson(200, { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: PATIENT, search: { mode: 'match' } }] }),
    ),
    [`GET ${paths.userinfo}`]: authenticated((login) => json(200, { sub: login.subject })),
  };
}
