import { randomBytes, randomUUID } from 'node:crypto';
import { formOf, json, jsonOf, text, type Handler } from '../http-data.js';
import type { MedplumFacts } from './medplum-facts.js';
import type { Login, Logins } from './medplum-logins.js';
import { clientOf, type Tenant } from './medplum-tenant.js';
import { nonEmpty, operationOutcome } from './toolkit.js';

/** Medplum's endpoints around the token endpoint: discovery, authorization, the login API and introspection. */

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
    if (!client) return text(400, facts.messages.clientNotFound);
    if (url.searchParams.get('redirect_uri') !== client.redirectUri) return text(400, facts.messages.invalidRedirectUri);
    const location = `${tenant.appOrigin}/${facts.appSignIn}?${url.searchParams.toString()}`;
    return text(302, `Found. Redirecting to ${location}`, { location });
  };
}

/** What a sign-in carries: from /auth/login's JSON, or from the Medplum App's pages. */
export interface SignIn {
  email?: string;
  password?: string;
  clientId?: unknown;
  scope?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

/** Why a sign-in failed: the OperationOutcome's status, issue code and message. */
export interface SignInFailure {
  status: number;
  code: string;
  message: string;
}

/** Medplum's sign-in: the user's email and password for a client of the project give a Login with a code. */
export function signIn(facts: MedplumFacts, tenant: Tenant, logins: Logins, request: SignIn): { login: Login } | { error: SignInFailure } {
  const { messages } = facts;
  const fail = (status: number, code: string, message: string) => ({ error: { status, code, message } });
  const email = request.email?.toLowerCase();
  const { password, codeChallenge, codeChallengeMethod } = request;
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) return fail(400, 'invalid', messages.invalidEmail);
  // auth/login.ts
  if (!password || password.length < 8) return fail(400, 'invalid', messages.invalidPassword);
  const client = clientOf(tenant, request.clientId);
  if (!client) return fail(404, 'not-found', messages.notFound);
  if (codeChallenge && !facts.codeChallengeMethods.includes(codeChallengeMethod ?? '')) return fail(400, 'invalid', messages.invalidChallengeMethod);
  const { user } = tenant;
  if (email !== user.email || password !== user.password) return fail(400, 'invalid', messages.badCredentials);
  const login = logins.create({
    authMethod: 'password',
    client,
    subject: user.id,
    profile: user.profile,
    scope: request.scope ?? facts.defaultScope,
    nonce: request.nonce ?? randomUUID(),
    code: randomBytes(16).toString('hex'),
    codeChallenge,
    codeChallengeMethod,
  });
  return { login };
}

/**
 * POST /auth/login: a backend signs a user in with JSON {email, password, clientId, scope, nonce, codeChallenge,
 * codeChallengeMethod} and gets {login, code} for the token endpoint. Errors are OperationOutcomes. (A sign-in to the
 * Medplum App itself, without clientId, is not emulated: it answers as for an unknown client.)
 */
export function loginEndpoint(facts: MedplumFacts, tenant: Tenant, logins: Logins): Handler {
  return (request) => {
    const body = jsonOf(request) ?? {};
    const result = signIn(facts, tenant, logins, {
      email: nonEmpty(body.email),
      password: nonEmpty(body.password),
      clientId: body.clientId,
      scope: nonEmpty(body.scope),
      nonce: nonEmpty(body.nonce),
      codeChallenge: nonEmpty(body.codeChallenge),
      codeChallengeMethod: nonEmpty(body.codeChallengeMethod),
    });
    if ('error' in result) return operationOutcome(result.error.status, result.error.code, result.error.message);
    return json(200, { login: result.login.id, code: result.login.code });
  };
}

/**
 * POST /oauth2/introspect (RFC 7662), without client authentication: a token of a live login is active, a refresh
 * token rotated out included (server oauth/introspect.ts checks only granted and revoked); anything else is
 * {"active": false}.
 */
export function introspectEndpoint(facts: MedplumFacts, tenant: Tenant, logins: Logins): Handler {
  return async (request) => {
    const token = formOf(request)?.get('token');
    if (!token) return text(400, facts.messages.missingIntrospectionToken);
    const claims = await logins.claims(token);
    const login = claims?.aud === tenant.issuer ? logins.find(claims.login_id) : undefined;
    if (!claims || !login?.granted || login.revoked) return json(200, { active: false });
    const { iat, exp, iss, sub, client_id, scope } = claims;
    return json(200, { active: true, iat, exp, iss, sub, client_id, scope });
  };
}
