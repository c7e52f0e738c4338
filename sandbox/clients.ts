import { randomBytes } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';

export interface SandboxClients {
  /** Confidential client for the client_credentials grant. */
  machine: ClientMetadata;
  /** Confidential client for authorization_code (PKCE) and refresh_token. */
  app: ClientMetadata;
}

// Random per start so a report that leaks a secret can be caught by scanning for it.
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

// No `scope` metadata: oidc-provider limits it to OpenID scopes, and the resource server
// (getResourceServerInfo) already decides which resource scopes a token can carry.
export function createClients(redirectUri: string, secrets: { machine?: string; app?: string } = {}): SandboxClients {
  return {
    machine: {
      client_id: 'sandbox-machine',
      client_secret: secrets.machine ?? newSecret(),
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      // oidc-provider accepts client_secret_post as well from a client_secret_basic client.
      token_endpoint_auth_method: 'client_secret_basic',
    },
    app: {
      client_id: 'sandbox-app',
      client_secret: secrets.app ?? newSecret(),
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  };
}
