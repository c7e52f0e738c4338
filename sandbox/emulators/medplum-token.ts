import { createHash } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { formOf, json, text, type Handler, type HttpRequest, type HttpResponse } from '../http-data.js';
import { clientOfAssertion } from './medplum-assertion.js';
import type { MedplumFacts } from './medplum-facts.js';
import type { Login, Logins } from './medplum-logins.js';
import { clientOf, type Tenant } from './medplum-tenant.js';
import { basicCredentials, nonEmpty } from './toolkit.js';

/**
 * Medplum's token endpoint (server token.ts): form bodies only (anything else is a 400 text), errors 400
 * {error, error_description} with invalid_request where RFC 6749 would say invalid_client or unsupported_grant_type.
 */

/** The form as Medplum's body parser reads it: a parameter sent twice becomes a list. */
type Body = Record<string, string | string[]>;

function bodyOf(form: URLSearchParams): Body {
  return Object.fromEntries(
    [...new Set(form.keys())].map((key) => {
      const values = form.getAll(key);
      return [key, values.length === 1 ? values[0]! : values];
    }),
  );
}

function tokenError(error: 'invalid_request' | 'invalid_grant', description: string): HttpResponse {
  return json(400, { error, error_description: description });
}

/**
 * Client id and secret from a client assertion (private_key_jwt, read first when client_assertion_type is sent), from
 * Basic authentication, else from the body (client_secret_post) (server oauth/token.ts, getClientIdAndSecret).
 */
async function clientCredentials(medplum: Medplum, request: HttpRequest, body: Body): Promise<{ id?: string; secret?: string; error?: string }> {
  const { facts, tenant } = medplum;
  const type = nonEmpty(body.client_assertion_type);
  if (type) return clientOfAssertion(facts, tenant, type, nonEmpty(body.client_assertion));
  const header = request.headers.authorization;
  if (!header) return { id: nonEmpty(body.client_id), secret: nonEmpty(body.client_secret) };
  if (!header.startsWith('Basic ')) return { error: facts.messages.invalidAuthorizationHeader };
  const basic = basicCredentials(request);
  return { id: basic?.id, secret: basic?.secret };
}

/** PKCE (RFC 7636 §4.6) with the methods /auth/login accepts. */
function verifies(login: Login, verifier: string): boolean {
  const transformed = login.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return transformed === login.codeChallenge;
}

/** What a grant works with: the facts it plays, the project, and its logins. */
interface Medplum {
  facts: MedplumFacts;
  tenant: Tenant;
  logins: Logins;
}

export function tokenEndpoint(facts: MedplumFacts, tenant: Tenant, logins: Logins): Handler {
  const medplum = { facts, tenant, logins };
  const { messages } = facts;
  return (request) => {
    // Express's res.send of a string: text/html.
    const form = formOf(request);
    if (!form) return text(400, messages.unsupportedContentType, { 'content-type': 'text/html; charset=utf-8' });
    const body = bodyOf(form);
    if (!body.grant_type) return tokenError('invalid_request', messages.missingGrantType);
    switch (body.grant_type) {
      case 'client_credentials':
        return clientCredentialsGrant(medplum, request, body);
      case 'authorization_code':
        return authorizationCodeGrant(medplum, request, body);
      case 'refresh_token':
        return refreshTokenGrant(medplum, request, body);
      default:
        return tokenError('invalid_request', messages.unsupportedGrantType);
    }
  };
}

async function issue({ logins }: Medplum, login: Login): Promise<HttpResponse> {
  return json(200, await logins.tokenResponse(login));
}

async function clientCredentialsGrant(medplum: Medplum, request: HttpRequest, body: Body): Promise<HttpResponse> {
  const { facts, tenant, logins } = medplum;
  const { messages } = facts;
  const { id, secret, error } = await clientCredentials(medplum, request, body);
  if (error) return tokenError('invalid_request', error);
  if (!id) return tokenError('invalid_request', messages.missingClientId);
  if (!secret) return tokenError('invalid_request', messages.missingClientSecret);
  const client = clientOf(tenant, id);
  if (!client) return tokenError('invalid_request', messages.invalidClient);
  if (secret !== client.secret) return tokenError('invalid_request', messages.invalidSecret);
  const scope = nonEmpty(body.scope) ?? facts.defaultScope;
  return issue(medplum, logins.create({ authMethod: 'client', client, subject: client.id, profile: `ClientApplication/${client.id}`, scope, granted: true }));
}

// The PKCE verifier authenticates the redemption; the secret is not compared.
async function authorizationCodeGrant(medplum: Medplum, request: HttpRequest, body: Body): Promise<HttpResponse> {
  const { facts, logins } = medplum;
  const { messages } = facts;
  const { id, error } = await clientCredentials(medplum, request, body);
  if (error) return tokenError('invalid_request', error);
  const code = nonEmpty(body.code);
  if (!code) return tokenError('invalid_request', messages.missingCode);
  const login = logins.withCode(code);
  if (!login) return tokenError('invalid_request', messages.invalidCode);
  if (id && login.client.id !== id) return tokenError('invalid_request', messages.invalidClient);
  if (login.granted && facts.singleUseCodes) {
    login.revoked = true;
    return tokenError('invalid_grant', messages.alreadyGranted);
  }
  if (login.revoked) return tokenError('invalid_grant', messages.revoked);
  if (!login.codeChallenge) return tokenError('invalid_request', messages.missingVerificationContext);
  const verifier = nonEmpty(body.code_verifier);
  if (!verifier) return tokenError('invalid_request', messages.missingVerifier);
  if (!verifies(login, verifier)) return tokenError('invalid_request', messages.invalidVerifier);
  // Medplum reads login.granted above and sets it database round trips later, without a version check (server
  // oauth/token.ts, then oauth/utils.ts getAuthTokens): a redemption of the same code arriving in between passes
  // the same check, and both get tokens.
  await setTimeout(facts.grantWriteDelayMs);
  login.granted = true;
  return issue(medplum, login);
}

// Rotation: the current secret rotates; the one just rotated out answers within the grace without rotating; any
// other is refused (see refreshReplayRevokesLogin). The scope parameter is not read: tokens keep the login's scope.
async function refreshTokenGrant(medplum: Medplum, request: HttpRequest, body: Body): Promise<HttpResponse> {
  const { facts, logins } = medplum;
  const { messages } = facts;
  const token = nonEmpty(body.refresh_token);
  const claims = token ? await logins.claims(token) : undefined;
  const login = claims ? logins.find(claims.login_id) : undefined;
  // Only a refresh token of a login that issues them carries a secret: anything else is not one.
  if (typeof claims?.refresh_secret !== 'string' || !login?.refreshSecret) return tokenError('invalid_request', messages.invalidRefreshToken);
  if (login.revoked) return tokenError('invalid_grant', messages.revoked);
  const standing = logins.standing(login, claims.refresh_secret);
  if (standing === 'spent') {
    // 5.1.x compares the secret and refuses, leaving the login alone; 5.2.x takes a replay for theft and revokes it.
    if (!facts.refreshReplayRevokesLogin) return tokenError('invalid_request', messages.invalidToken);
    login.revoked = true;
    return tokenError('invalid_grant', messages.revoked);
  }
  const refused = refreshClientRefusal(facts, request, login);
  if (refused) return refused;
  if (standing === 'current') logins.rotate(login);
  return issue(medplum, login);
}

/**
 * Client authentication is checked only when an Authorization header comes: client_id and client_secret in the body
 * are not read, whoever's they are (verified on 5.1.29; server oauth/token.ts, handleRefreshToken).
 */
function refreshClientRefusal({ messages }: MedplumFacts, request: HttpRequest, login: Login): HttpResponse | undefined {
  if (!request.headers.authorization) return undefined;
  if (!request.headers.authorization.startsWith('Basic ')) return tokenError('invalid_request', messages.invalidAuthorizationHeader);
  const basic = basicCredentials(request);
  if (basic?.id !== login.client.id) return tokenError('invalid_grant', messages.incorrectClient);
  if (!basic.secret) return tokenError('invalid_grant', messages.incorrectClientSecret);
  if (basic.secret !== login.client.secret) return tokenError('invalid_request', messages.invalidSecret);
  return undefined;
}
