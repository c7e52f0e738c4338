import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { formOf, json, type Handler, type HttpRequest, type HttpResponse } from '../http-data.js';
import { basicCredentials, now, randomToken, tokenReply, type Signer } from './toolkit.js';

/**
 * The AWS Cognito user pool b.well's FHIR server trusts: the pool host (cognito-idp.<region>.amazonaws.com/<pool>)
 * serves the OIDC metadata and the keys, the pool's domain host (<domain>.auth.<region>.amazoncognito.com) the token
 * endpoint.
 */

export interface CognitoFacts {
  /** The user pool id, the path segment of the issuer. */
  userPool: string;
  /** The metadata's members apart from issuer, jwks_uri and the domain host's endpoints. */
  metadata: Record<string, unknown>;
  /** Endpoint paths on the domain host, by metadata member. */
  domainEndpoints: Record<string, string>;
  /** Custom scopes the app client may request; a request without scope is granted all of them. */
  clientScopes: string[];
  accessTokenLifetime: number;
  /** Claims every access token carries besides iss, sub, client_id, scope, auth_time, iat, exp and jti. */
  accessTokenClaims: Record<string, unknown>;
  issuesRefreshToken: boolean;
  /** The status of every token endpoint error, client authentication failures included. */
  errorStatus: number;
}

export interface AppClient {
  id: string;
  secret: string;
}

/** Where the pool's hosts listen: filled in once they do, before any request arrives. */
export interface CognitoOrigins {
  pool: string;
  domain: string;
}

export interface UserPool {
  issuer(): string;
  /** The OIDC metadata, as the pool host serves it (and b.well's smart-configuration proxies it). */
  metadata(): Record<string, unknown>;
  poolHost: Handler;
  domainHost: Handler;
  /** The claims of an access token this pool issued and that is still valid, else undefined. */
  verify(token: string): Promise<JWTPayload | undefined>;
}

export function userPool(facts: CognitoFacts, client: AppClient, signer: Signer, origins: CognitoOrigins): UserPool {
  const issuer = () => `${origins.pool}/${facts.userPool}`;
  const wellKnown = `/${facts.userPool}/.well-known`;
  const keys = createLocalJWKSet(signer.jwks);

  const metadata = () => ({
    ...facts.metadata,
    ...Object.fromEntries(Object.entries(facts.domainEndpoints).map(([member, path]) => [member, `${origins.domain}${path}`])),
    issuer: issuer(),
    jwks_uri: `${issuer()}/.well-known/jwks.json`,
  });

  const verify = async (value: string): Promise<JWTPayload | undefined> => {
    try {
      return (await jwtVerify(value, keys, { issuer: issuer() })).payload;
    } catch {
      return undefined;
    }
  };

  const pool: Pool = { facts, client, signer, issuer, verify };
  const domainRoutes: Record<string, Handler> = {
    [facts.domainEndpoints.token_endpoint!]: (request) => token(pool, request),
    [facts.domainEndpoints.revocation_endpoint!]: (request) => revoke(pool, request),
  };

  return {
    issuer,
    metadata,
    poolHost: ({ method, url }) => {
      if (method === 'GET' && url.pathname === `${wellKnown}/openid-configuration`) return json(200, metadata());
      if (method === 'GET' && url.pathname === `${wellKnown}/jwks.json`) return json(200, signer.jwks);
      return json(404, { message: 'Not Found' });
    },
    domainHost: (request) => domainRoutes[request.url.pathname]?.(request) ?? json(404, { error: 'not_found' }),
    verify,
  };
}

/** What the pool's endpoints work with. */
interface Pool {
  facts: CognitoFacts;
  client: AppClient;
  signer: Signer;
  issuer: () => string;
  verify: (token: string) => Promise<JWTPayload | undefined>;
}

/** Cognito's error body: the code alone, no error_description, no WWW-Authenticate. */
function error({ facts }: Pool, code: string): HttpResponse {
  return json(facts.errorStatus, { error: code });
}

/** Whether the request authenticates the app client, with Basic or with client_id and client_secret in the body. */
function authenticated({ client }: Pool, request: HttpRequest, form: URLSearchParams): boolean {
  const posted = form.has('client_secret') ? { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '' } : undefined;
  const credentials = basicCredentials(request) ?? posted;
  return credentials?.id === client.id && credentials.secret === client.secret;
}

async function token(pool: Pool, request: HttpRequest): Promise<HttpResponse> {
  const { facts } = pool;
  const form = formOf(request);
  if (request.method !== 'POST' || !form) return error(pool, 'invalid_request');
  const names = [...form.keys()];
  if (new Set(names).size !== names.length) return error(pool, 'invalid_request');
  if (!authenticated(pool, request, form)) return error(pool, 'invalid_client');
  const grantType = form.get('grant_type');
  if (!grantType) return error(pool, 'invalid_request');
  if (grantType !== 'client_credentials') return error(pool, 'unsupported_grant_type');
  const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
  if (requested.some((s) => !facts.clientScopes.includes(s))) return error(pool, 'invalid_scope');
  const scope = (requested.length ? requested : facts.clientScopes).join(' ');
  return tokenReply(200, {
    access_token: await accessToken(pool, scope),
    expires_in: facts.accessTokenLifetime,
    token_type: 'Bearer',
    ...(facts.issuesRefreshToken && { refresh_token: randomToken(64) }),
  });
}

function accessToken({ facts, client, signer, issuer }: Pool, scope: string): Promise<string> {
  const iat = now();
  return signer.sign({
    sub: client.id,
    ...facts.accessTokenClaims,
    scope,
    auth_time: iat,
    iss: issuer(),
    exp: iat + facts.accessTokenLifetime,
    iat,
    jti: randomUUID(),
    client_id: client.id,
  });
}

/**
 * Cognito's /oauth2/revoke revokes refresh tokens and the access tokens issued with them; an access token itself is
 * unsupported_token_type, a bad client 401 invalid_client, and an invalid or revoked token 200 (Amazon Cognito
 * Developer Guide, "Revoke endpoint").
 */
async function revoke(pool: Pool, request: HttpRequest): Promise<HttpResponse> {
  const form = formOf(request);
  const token = form?.get('token');
  if (request.method !== 'POST' || !form || !token) return error(pool, 'invalid_request');
  if (!authenticated(pool, request, form)) return json(401, { error: 'invalid_client' });
  return (await pool.verify(token)) ? error(pool, 'unsupported_token_type') : json(200);
}
