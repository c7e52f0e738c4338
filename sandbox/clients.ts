import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { ClientMetadata } from 'oidc-provider';

type SecretClient = ClientMetadata & { client_secret: string };

export interface SandboxClients {
  /** Confidential client for the client_credentials grant. */
  machine: SecretClient;
  /** Confidential client for authorization_code (PKCE) and refresh_token. */
  app: SecretClient;
  /** client_credentials, authenticating with JWT assertions signed by its private key (private_key_jwt, ES384). */
  keyHolder: ClientMetadata;
  /** client_credentials, authenticating with JWT assertions MACed with its secret (client_secret_jwt, HS256). */
  secretSigner: SecretClient;
  /** keyHolder's key pair, made at start: the private key is handed to the suite in a file, never published. */
  key: { privateKey: KeyObject; kid: string; alg: 'ES384' };
}

const KEY_ID = 'sandbox-client-key';

// Random per start so a report that leaks a secret can be caught by scanning for it.
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

// No `scope` metadata: oidc-provider limits it to OpenID scopes, and the resource server
// (getResourceServerInfo) already decides which resource scopes a token can carry.
export function createClients(redirectUri: string, secrets: { machine?: string; app?: string } = {}): SandboxClients {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const publicJwk: JWK = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: KEY_ID, alg: 'ES384', use: 'sig' };
  const machineOnly = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [] };
  return {
    key: { privateKey, kid: KEY_ID, alg: 'ES384' },
    keyHolder: { client_id: 'sandbox-key-client', ...machineOnly, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk] } },
    secretSigner: { client_id: 'sandbox-jwt-client', client_secret: newSecret(), ...machineOnly, token_endpoint_auth_method: 'client_secret_jwt' },
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
