import { randomUUID } from 'node:crypto';
import { json, type Handler } from '../http-data.js';
import { oauthError, readTokenRequest } from './oneup-oauth.js';
import type { Tenant } from './oneup-tenant.js';
import { now, tokenReply, type Signer } from './toolkit.js';

/**
 * The Keycloak realm of the 1up Dev Portal (gateway host), which issues Provider Access and Payer-to-Payer tokens by
 * client_credentials. Keycloak's answer: a signed JWT access token, expires_in, refresh_expires_in 0 (no refresh
 * token for a client), token_type "Bearer", not-before-policy and scope.
 */
export function keycloakRealm(tenant: Tenant, signer: Signer): Handler {
  const { paths, lifetimes } = tenant.settings;
  return async (request) => {
    if (request.url.pathname !== paths.realmToken) return json(404, { error: 'not found' });
    const read = readTokenRequest(request, tenant.providerClients, 'dev-portal');
    if ('refusal' in read) return read.refusal;
    const { params, clientId } = read;
    if (params.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'this realm issues client_credentials tokens only');
    const scope = params.get('scope') ?? '';
    const iat = now();
    const accessToken = await signer.sign({
      iss: `${request.url.origin}${paths.realm}`,
      sub: `service-account-${clientId}`,
      azp: clientId,
      typ: 'Bearer',
      scope,
      iat,
      exp: iat + lifetimes.providerAccessToken,
      jti: randomUUID(),
    });
    return tokenReply(200, {
      access_token: accessToken,
      expires_in: lifetimes.providerAccessToken,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope,
    });
  };
}
