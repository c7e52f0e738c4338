import { randomBytes, randomUUID } from 'node:crypto';
import type { MedplumFacts } from './medplum.js';
import type { Logins } from './medplum-logins.js';
import { clientOf, type Tenant } from './medplum-tenant.js';
import { json, operationOutcome, type Handler } from './toolkit.js';

/** Medplum's endpoints around the token endpoint: discovery, authorization, the login API and introspection. */

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** The openid-configuration (also served as oauth-authorization-server) or the SMART configuration. */
export function wellKnown(facts: MedplumFacts, tenant: Tenant, document: 'metadata' | 'smartConfiguration'): Handler {
  const url = (path: string) => `${tenant.issuer}${path}`;
  const { paths } = facts;
  const body = {
    issuer: facts.issuerTrailingSlash ? tenant.issuer : tenant.issuer.replace(/\/$/, ''),
    authorization_endpoint: url(paths.authorize),
    token_endpoint: url(paths.token),
    ...(document === 'metadata' && { userinfo_endpoint: url(paths.userinfo) }),
    jwks_uri: url(paths.jwks),
    introspection_endpoint: url(paths.introspect),
    ...facts[document],
  };
  return () => json(200, body);
}

/**
 * GET /oauth2/authorize: an unknown client or a redirect_uri that is not exactly the registered one gets an error
 * page, never a redirect; a valid request goes on to the Medplum App's sign-in page with its parameters.
 */
export function authorizeEndpoint(facts: MedplumFacts, tenant: Tenant): Handler {
  return ({ url }) => {
    const client = clientOf(tenant, url.searchParams.get('client_id'));
    if (!client) return { status: 400, body: facts.messages.clientNotFound };
    if (url.searchParams.get('redirect_uri') !== client.redirectUri) return { status: 400, body: facts.messages.incorrectRedirectUri };
    const location = `${tenant.appOrigin}/${facts.appSignIn}?${url.searchParams}`;
    return { status: 302, headers: { location }, body: `Found. Redirecting to ${location}` };
  };
}

/** The Medplum App: its sign-in page, which a browser reaches from /oauth2/authorize. */
export function appHost(facts: MedplumFacts): Handler {
  return ({ method, url }) =>
    method === 'GET' && url.pathname === `/${facts.appSignIn}`
      ? { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><title>Medplum</title><h1>Sign in</h1>' }
      : { status: 404, body: facts.messages.notFound };
}

/**
 * POST /auth/login: a backend signs a user in with JSON {email, password, clientId, scope, nonce, codeChallenge,
 * codeChallengeMethod} and gets {login, code} for the token endpoint. Errors are OperationOutcomes. (A sign-in to the
 * Medplum App itself, without clientId, is not emulated: it answers as for an unknown client.)
 */
export function loginEndpoint(facts: MedplumFacts, tenant: Tenant, logins: Logins): Handler {
  const { messages } = facts;
  return ({ json: body = {} }) => {
    const email = text(body.email)?.toLowerCase();
    const password = text(body.password);
    if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) return operationOutcome(400, 'invalid', messages.invalidEmail);
    if (!password || password.length < 5) return operationOutcome(400, 'invalid', messages.invalidPassword);
    const client = clientOf(tenant, body.clientId);
    if (!client) return operationOutcome(404, 'not-found', messages.notFound);
    const codeChallenge = text(body.codeChallenge);
    const codeChallengeMethod = text(body.codeChallengeMethod);
    if (codeChallenge && !facts.codeChallengeMethods.includes(codeChallengeMethod ?? '')) return operationOutcome(400, 'invalid', messages.invalidChallengeMethod);
    const { user } = tenant;
    if (email !== user.email || password !== user.password) return operationOutcome(400, 'invalid', messages.badCredentials);
    const login = logins.create({
      authMethod: 'password',
      client,
      subject: user.id,
      profile: user.profile,
      scope: text(body.scope) ?? facts.defaultScope,
      nonce: text(body.nonce) ?? randomUUID(),
      code: randomBytes(16).toString('hex'),
      codeChallenge,
      codeChallengeMethod,
    });
    return json(200, { login: login.id, code: login.code });
  };
}

/**
 * POST /oauth2/introspect (RFC 7662), without client authentication: an access or refresh token of a live login is
 * active (a refresh token only while its secret is current); anything else is {"active": false}.
 */
export function introspectEndpoint(facts: MedplumFacts, tenant: Tenant, logins: Logins): Handler {
  return async ({ form }) => {
    const token = form?.get('token');
    if (!token) return { status: 400, body: facts.messages.missingIntrospectionToken };
    const claims = await logins.claims(token);
    const login = claims?.aud === tenant.issuer ? logins.find(claims.login_id) : undefined;
    const current = claims?.refresh_secret === undefined || claims.refresh_secret === login?.refreshSecret;
    if (!claims || !login?.granted || login.revoked || !current) return json(200, { active: false });
    const { iat, exp, iss, sub, client_id, scope } = claims;
    return json(200, { active: true, iat, exp, iss, sub, client_id, scope });
  };
}
