import type Provider from 'oidc-provider';
import type { Middleware } from 'oidc-provider';

export const SMART_CONFIGURATION_PATH = '/.well-known/smart-configuration';

/** SMART system scopes (Backend Services) the sandbox grants by client_credentials: one in v1 syntax, one in v2. */
export const SMART_SYSTEM_SCOPES = ['system/Patient.read', 'system/Patient.rs'];

/**
 * SMART App Launch 2.x metadata (§ Conformance): oidc-provider has no such document, so it is served beside the
 * provider's own, describing the same endpoints and the sandbox's clients' grants and authentication. The capabilities are those
 * the sandbox really has: standalone launch, confidential clients with a secret or a key pair (Backend Services
 * authenticate with private_key_jwt, signed RS384 or ES384), and offline access.
 */
export function smartConfiguration(provider: Provider, scopes: readonly string[], authAlgs: readonly string[]): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== SMART_CONFIGURATION_PATH) return next();
    ctx.body = {
      issuer: provider.issuer,
      jwks_uri: provider.urlFor('jwks'),
      authorization_endpoint: provider.urlFor('authorization'),
      token_endpoint: provider.urlFor('token'),
      revocation_endpoint: provider.urlFor('revocation'),
      introspection_endpoint: provider.urlFor('introspection'),
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: authAlgs,
      scopes_supported: scopes,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      capabilities: ['launch-standalone', 'client-confidential-symmetric', 'client-confidential-asymmetric', 'permission-offline'],
    };
  };
}
