import { json, type Handler, type HttpResponse } from '../http-data.js';
import { oauthError, readTokenRequest } from './oneup-oauth.js';
import type { Authorization, Tenant } from './oneup-tenant.js';
import { tokenReply } from './toolkit.js';

/**
 * 1up's auth host: `POST /oauth2/token` exchanges a code from the user-management API, or a refresh token, for
 * {access_token, token_type "Bearer", expires_in, refresh_token, scope}. Tokens are opaque. No id_token: the
 * auth-code API takes no scope, so openid is never granted.
 */
export function oneupAuth(tenant: Tenant): Handler {
  const { settings } = tenant;
  return (request) => {
    if (request.url.pathname !== settings.paths.token) return json(404, { error: 'not found' });
    const read = readTokenRequest(request, tenant.apps, 'auth.1up.health');
    if ('refusal' in read) return read.refusal;
    const { params, clientId } = read;
    switch (params.get('grant_type')) {
      case 'authorization_code':
        return exchangeCode(tenant, clientId, params.get('code'));
      case 'refresh_token':
        return refresh(tenant, clientId, params.get('refresh_token'), params.get('scope'));
      default:
        return oauthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
    }
  };
}

const invalidGrant = (description: string) => oauthError(400, 'invalid_grant', description);

function exchangeCode(tenant: Tenant, clientId: string, code: string | null): HttpResponse {
  if (!code) return oauthError(400, 'invalid_request', 'code is required');
  const issued = tenant.codes.find(code);
  if (!issued) {
    const replayed = tenant.spentCodes.get(code);
    if (replayed) tenant.revokeAuthorization(replayed);
    return invalidGrant(replayed ? 'the code was already used; the tokens issued for it are revoked' : 'unknown or expired code');
  }
  if (issued.data.clientId !== clientId) return invalidGrant('the code was issued to another client');
  if (tenant.settings.singleUseCodes) {
    tenant.codes.use(code);
    tenant.spentCodes.set(code, issued.data.id);
  }
  return tokens(tenant, issued.data);
}

function refresh(tenant: Tenant, clientId: string, refreshToken: string | null, scope: string | null): HttpResponse {
  if (!refreshToken) return oauthError(400, 'invalid_request', 'refresh_token is required');
  const current = tenant.refreshTokens.find(refreshToken);
  if (!current || current.data.clientId !== clientId) return invalidGrant('unknown, expired or revoked refresh token');
  const granted = current.data.scope.split(' ');
  const asked = scope?.split(' ').filter(Boolean) ?? granted;
  if (asked.some((s) => !granted.includes(s))) return oauthError(400, 'invalid_scope', 'the scope exceeds the one originally granted');
  // Each refresh answers a new refresh token; the one presented is spent.
  tenant.refreshTokens.use(refreshToken);
  return tokens(tenant, { ...current.data, scope: asked.join(' ') });
}

function tokens(tenant: Tenant, authorization: Authorization): HttpResponse {
  const { lifetimes } = tenant.settings;
  return tokenReply(200, {
    access_token: tenant.accessTokens.issue(authorization, lifetimes.accessToken).value,
    token_type: 'Bearer',
    expires_in: lifetimes.accessToken,
    refresh_token: tenant.refreshTokens.issue(authorization, lifetimes.refreshToken).value,
    scope: authorization.scope,
  });
}
