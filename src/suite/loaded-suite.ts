import type { ClientKey } from './client-keys.js';
import type { Suite } from './suite.types.js';

/** A suite ready to run: variables resolved, references checked, and parts whose optional variables are unset disabled. */
export interface LoadedSuite extends Suite {
  file: string;
  name: string;
  /** Where the metadata is fetched from; absent when the suite gives its endpoints directly. */
  discoveryUrl?: string;
  /** "grants.user" → why it is skipped (e.g. "OIDC_AUTH_CLIENT_ID is not set"). */
  disabled: Record<string, string>;
  secrets: string[];
  /**
   * Client name → the variable its secret came from, so a refused secret can be named ("OIDC_CLIENT_SECRET"); for a
   * private_key_jwt client, its key's ("the private key in OIDC_CLIENT_KEY_FILE").
   */
  secretVariables: Record<string, string>;
  /** Client name → the private key its JWT assertions are signed with (private_key_jwt). Never written to any output. */
  clientKeys: Record<string, ClientKey>;
  /** Certificates (PEM) the suite's embedded server presents, trusted beside the system's (a sandbox profile's own). */
  trustedCertificates?: string[];
  /**
   * The origins of the embedded server the suite runs against, in a stable order: a snapshot writes them as
   * placeholders (drift/take.ts), since each start takes free ports.
   */
  embeddedOrigins?: string[];
}
