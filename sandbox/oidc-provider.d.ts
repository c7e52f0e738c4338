// oidc-provider ships no type declarations; these cover only what the sandbox uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { JWK } from 'jose';

  /** The part of a Koa context the sandbox's middleware touches. */
  export interface KoaContext {
    method: string;
    path: string;
    status: number;
    body: unknown;
    req: IncomingMessage;
    res: ServerResponse;
    /** Present on the provider's own routes; `route` is its route name, e.g. 'token'; `client` once it authenticated. */
    oidc?: {
      route: string;
      params?: Record<string, unknown>;
      client?: { clientId: string };
      /** A pushed authorization request (RFC 9126) once the PAR endpoint stored it; `save` stores it again for ttl seconds. */
      entities: { PushedAuthorizationRequest?: { save(ttl: number): Promise<string> } };
    };
    /** Response content type, e.g. 'html'. */
    type: string;
    cookies: {
      get(name: string): string | undefined;
      set(name: string, value: string, options: { httpOnly: boolean; sameSite: 'lax' | 'strict'; path: string; signed: boolean }): void;
    };
    set(field: string, value: string): void;
    remove(field: string): void;
    redirect(url: string): void;
  }

  export type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    grant_types: string[];
    response_types: string[];
    redirect_uris: string[];
    token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt';
    /** The client's public keys (private_key_jwt). */
    jwks?: { keys: JWK[] };
  }

  export interface ResourceServerInfo {
    scope: string;
    audience: string;
    accessTokenTTL: number;
    accessTokenFormat: 'jwt' | 'opaque';
  }

  export interface Account {
    accountId: string;
    claims(): Record<string, unknown>;
  }

  export interface Configuration {
    clients: ClientMetadata[];
    jwks: { keys: JWK[] };
    cookies: { keys: string[] };
    claims: Record<string, string[]>;
    scopes: string[];
    responseTypes: string[];
    pkce: { required(): boolean };
    features: {
      devInteractions: { enabled: boolean };
      clientCredentials: { enabled: boolean };
      introspection: { enabled: boolean };
      revocation: { enabled: boolean };
      /** RFC 9449: proofs at the token endpoint (and userinfo); nonces when a nonceSecret (32 bytes) is given. */
      dPoP?: { enabled: boolean; allowReplay?: boolean; nonceSecret?: Buffer; requireNonce?(ctx: unknown): boolean };
      pushedAuthorizationRequests: { enabled: boolean; requirePushedAuthorizationRequests: boolean; allowUnregisteredRedirectUris: boolean };
      resourceIndicators: {
        enabled: boolean;
        defaultResource(ctx: KoaContext): string | undefined;
        useGrantedResource(): boolean;
        getResourceServerInfo(ctx: KoaContext, resourceIndicator: string, client: { grantTypes: string[] }): ResourceServerInfo;
      };
    };
    ttl: Record<string, number>;
    enabledJWA: { clientAuthSigningAlgValues: string[] };
    interactions: { url(ctx: unknown, interaction: { uid: string }): string };
    findAccount(ctx: unknown, sub: string): Account | undefined;
    issueRefreshToken(ctx: unknown, client: { grantTypeAllowed(grantType: string): boolean }): boolean;
    expiresWithSession(): boolean;
    rotateRefreshToken: boolean;
  }

  export interface Interaction {
    uid: string;
    /** What the provider needs next: 'login', then 'consent'. */
    prompt: { name: string };
    params: Record<string, string | undefined>;
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface AccessToken {
    /** The opaque token's value. */
    jti: string;
    grantId?: string;
    isExpired: boolean;
    accountId?: string;
    clientId: string;
    scope?: string;
    aud?: string | string[];
    /** The thumbprint of the key a DPoP-bound token is bound to (RFC 9449 §6). */
    jkt?: string;
  }

  export interface InteractionResult {
    login?: { accountId: string };
    consent?: { grantId: string };
    /** Ends the authorization with this error, redirected to the client (e.g. access_denied). */
    error?: string;
    error_description?: string;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    issuer: string;
    /** The absolute URL of a route, e.g. 'token'. */
    urlFor(route: string): string;
    on(event: 'access_token.saved' | 'access_token.destroyed', listener: (token: AccessToken) => void): this;
    on(event: 'grant.revoked', listener: (ctx: unknown, grantId: string) => void): this;
    Grant: new (properties: { accountId: string; clientId: string }) => Grant;
    AccessToken: { find(value: string): Promise<AccessToken | undefined> };
    use(middleware: Middleware): this;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: InteractionResult, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
    InvalidScope: new (description: string, scope: string) => Error;
  };
}
