// Must run before oidc-provider is first evaluated.
import './silence-provider-notices.js';
import { randomBytes } from 'node:crypto';
import Provider, { errors, type ClientMetadata, type Configuration, type KoaContext, type Middleware } from 'oidc-provider';
import { autoApproval, INTERACTION_PATH } from './auto-approval.js';
import { loginPage, type SignIn } from './login-page.js';
import { idTokenAtHash } from './id-token-at-hash.js';
import type { SigningKeys } from './signing-keys.js';
import { SMART_SYSTEM_SCOPES, smartConfiguration } from './smart-configuration.js';

/** The provider's knobs a fault profile may turn; everything else about the sandbox is fixed. */
export interface ProviderSettings {
  /** Lifetime of every access token, in seconds (token responses report it as expires_in). */
  accessTokenTtl: number;
  /** Lifetime of authorization codes, in seconds. */
  codeTtl: number;
  /** The code lifetime the sandbox tells its users (SANDBOX_CODE_TTL); codeTtl unless a profile misstates it. */
  documentedCodeTtl?: number;
  pkceRequired: boolean;
  rotateRefreshToken: boolean;
  /** A DPoP proof's jti may be used again (RFC 9449 §11.1 replay detection off). */
  dpopAllowReplay?: boolean;
  /** Authorization requests are accepted only when pushed (RFC 9126 §5), and the metadata says so. */
  parRequired: boolean;
  /** Lifetime of pushed authorization requests' request_uri values, in seconds; oidc-provider's own (60) when unset. */
  parTtl?: number;
}

export const defaultSettings: ProviderSettings = { accessTokenTtl: 3600, codeTtl: 60, pkceRequired: true, rotateRefreshToken: true, parRequired: false };

const OIDC_SCOPES = ['openid', 'offline_access'];
// The algorithms RFC 7523 clients use, RS384 and ES384 among them (SMART Backend Services names them).
const CLIENT_AUTH_ALGS = ['HS256', 'RS256', 'RS384', 'PS256', 'ES256', 'ES384', 'EdDSA'];

export const TEST_ACCOUNT = { sub: 'test-user', name: 'Test User', email: 'test-user@example.test', email_verified: true };

export interface ProtectedResource {
  /** Resource indicator and access token audience. */
  url: string;
  scope: string;
}

export interface AuthorizationServerOptions {
  issuer: string;
  keys: SigningKeys;
  clients: ClientMetadata[];
  resource: ProtectedResource;
  /** Rewrites the provider's responses (provider-faults.ts); it wraps every other middleware. */
  faults: Middleware;
  settings: ProviderSettings;
  /** Sign-in and consent pages for this account (the interactive mode); without it every interaction is approved. */
  login?: SignIn;
  /** Mutual TLS (RFC 8705): client authentication and bound tokens by the connection's certificate. */
  mtls?: Configuration['features']['mTLS'];
}

export function createAuthorizationServer({ issuer, keys, clients, resource, faults, settings, login, mtls }: AuthorizationServerOptions): Provider {
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: keys.privateJwks },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    scopes: OIDC_SCOPES,
    responseTypes: ['code'],
    // Declared as token_endpoint_auth_signing_alg_values_supported.
    enabledJWA: { clientAuthSigningAlgValues: CLIENT_AUTH_ALGS },
    pkce: { required: () => settings.pkceRequired },
    // oidc-provider's own list, and tls_client_auth where mutual TLS is on (it is not by default).
    ...(mtls && { clientAuthMethods: ['client_secret_basic', 'client_secret_jwt', 'client_secret_post', 'private_key_jwt', 'none', 'tls_client_auth'] }),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      dPoP: { enabled: true, allowReplay: settings.dpopAllowReplay ?? false },
      // RFC 9126; request_uri values are one-time use, and only registered redirect_uris are taken.
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: settings.parRequired, allowUnregisteredRedirectUris: false },
      resourceIndicators: resourceIndicators(resource, settings),
      ...(mtls && { mTLS: mtls }),
    },
    ttl: {
      AccessToken: settings.accessTokenTtl,
      ClientCredentials: settings.accessTokenTtl,
      AuthorizationCode: settings.codeTtl,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
      Session: 24 * 3600,
      Interaction: 600,
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}${interaction.uid}` },
    findAccount: (_ctx, sub) => (sub === TEST_ACCOUNT.sub ? { accountId: sub, claims: () => TEST_ACCOUNT } : undefined),
    // oidc-provider strips offline_access from authorization requests without prompt=consent
    // (OpenID Connect Core §11), so refresh tokens follow the client's registration instead, and
    // outlive the login session as offline access implies.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: () => false,
    rotateRefreshToken: settings.rotateRefreshToken,
  });
  // Registration order is nesting order: faults see the final response of everything else.
  provider.use(faults);
  provider.use(tokenPragma);
  if (settings.parTtl !== undefined) provider.use(parLifetime(settings.parTtl));
  provider.use(unauthorizedClient);
  provider.use(idTokenAtHash(keys));
  provider.use(smartConfiguration(provider, [...OIDC_SCOPES, ...resourceScopes(resource)], CLIENT_AUTH_ALGS));
  const approval = { accountId: TEST_ACCOUNT.sub, resource: resource.url };
  provider.use(login ? loginPage(provider, login, approval) : autoApproval(provider, approval));
  return provider;
}

/** The scopes a token for the protected resource may carry: its own, and SMART system scopes for backend services. */
function resourceScopes(resource: ProtectedResource): string[] {
  return [resource.scope, ...SMART_SYSTEM_SCOPES];
}

/** Every token is for the sandbox's protected resource, unless it is for the UserInfo Endpoint alone. */
function resourceIndicators(resource: ProtectedResource, settings: ProviderSettings): Configuration['features']['resourceIndicators'] {
  return {
    enabled: true,
    // Requests that name no resource get the sandbox's, so no client needs to send `resource`; but one that asks
    // for nothing beyond OpenID scopes gets a token for the UserInfo Endpoint, which refuses tokens with an audience.
    defaultResource: (ctx) => (forUserInfo(ctx.oidc?.params?.scope) ? undefined : resource.url),
    useGrantedResource: () => true,
    getResourceServerInfo(ctx, indicator, client) {
      if (indicator !== resource.url) throw new errors.InvalidTarget();
      refuseUnknownMachineScopes(ctx, [...OIDC_SCOPES, ...resourceScopes(resource)]);
      return {
        scope: resourceScopes(resource).join(' '),
        audience: resource.url,
        accessTokenTTL: settings.accessTokenTtl,
        // Machine tokens are JWTs the resource verifies locally; tokens issued for a user stay
        // opaque so that introspection and revocation apply to them.
        accessTokenFormat: client.grantTypes.includes('client_credentials') ? 'jwt' : 'opaque',
      };
    },
  };
}

/**
 * A client_credentials request for a scope the sandbox does not define is refused with invalid_scope (RFC 6749 §5.2),
 * where oidc-provider would drop it (which RFC 6749 §3.3 also allows): so the sandbox answers the case the error
 * response checks judge.
 */
function refuseUnknownMachineScopes(ctx: KoaContext, known: readonly string[]): void {
  const { grant_type: grantType, scope } = ctx.oidc?.params ?? {};
  if (grantType !== 'client_credentials' || typeof scope !== 'string') return;
  const unknown = scope.split(' ').filter((s) => s && !known.includes(s));
  if (unknown.length > 0) throw new errors.InvalidScope('requested scope is not defined', unknown.join(' '));
}

// oidc-provider refuses a grant type the client is not registered for as invalid_request; RFC 6749 §5.2 names
// unauthorized_client for it.
const unauthorizedClient: Middleware = async (ctx, next) => {
  await next();
  const body = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
  if (ctx.oidc?.route === 'token' && body?.error === 'invalid_request' && body.error_description === 'requested grant type is not allowed for this client') {
    ctx.body = { ...body, error: 'unauthorized_client' };
  }
};

function forUserInfo(scope: unknown): boolean {
  const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
  return scopes.includes('openid') && scopes.every((s) => OIDC_SCOPES.includes(s));
}

/** Pushed authorization requests live `ttl` seconds instead of oidc-provider's fixed 60: stored again, and said so. */
function parLifetime(ttl: number): Middleware {
  return async (ctx, next) => {
    await next();
    const pushed = ctx.oidc?.entities.PushedAuthorizationRequest;
    if (ctx.oidc?.route !== 'pushed_authorization_request' || ctx.status !== 201 || !pushed) return;
    await pushed.save(ttl);
    ctx.body = { ...(ctx.body as Record<string, unknown>), expires_in: ttl };
  };
}

// oidc-provider sends Cache-Control: no-store only; RFC 6749 §5.1 also requires Pragma: no-cache.
const tokenPragma: Middleware = async (ctx, next) => {
  await next();
  if (ctx.oidc?.route === 'token') ctx.set('Pragma', 'no-cache');
};
