// Generated from schemas/suite.schema.json by `npm run gen:types`; do not edit.

/**
 * A whole-value reference to a declared variable, resolved before use.
 *
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "variableRef".
 */
export type VariableRef = string;
/**
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "grant".
 */
export type Grant = ClientCredentialsGrant | AuthorizationCodeGrant;
/**
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "name".
 */
export type Name = string;
/**
 * Seconds: an integer, or a ${VARIABLE} whose value is one.
 *
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "seconds".
 */
export type Seconds = number | string;

/**
 * An oauth-conformance suite: where a vendor's endpoints are, which grants to exercise and what the vendor is expected to do.
 */
export interface Suite {
  /**
   * Vendor name: the report's epic and the JUnit classname prefix.
   */
  vendor: string;
  /**
   * Human title shown in the console and report.
   */
  title?: string;
  /**
   * The vendor's OAuth documentation, linked from the report.
   */
  docs?: string;
  /**
   * Run against the embedded sandbox: the runner starts it and provides the SANDBOX_* variables.
   */
  sandbox?: 'reference';
  /**
   * Every ${NAME} the suite uses, with whether it is a secret (redacted from every output).
   */
  variables?: {
    [k: string]: Variable;
  };
  discovery: Discovery;
  /**
   * OAuth clients by name, referenced from grants.
   */
  clients?: {
    [k: string]: Client;
  };
  /**
   * Grants to exercise by name; token-response checks run on each.
   */
  grants?: {
    [k: string]: Grant;
  };
  /**
   * Protected resources to call with the tokens of a grant.
   */
  resources?: Resource[];
  expect?: Expect;
  /**
   * Documented vendor deviations: check id → the reason (with a link to the vendor's documentation). Reported as a deviation, not a failure; reported again when the vendor starts conforming.
   */
  deviations?: {
    [k: string]: string;
  };
}
/**
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "variable".
 */
export interface Variable {
  /**
   * Where a user finds the value.
   */
  description?: string;
  /**
   * Redact this value from every report, attachment and console line.
   */
  secret?: boolean;
  /**
   * Value used when the variable is unset.
   */
  default?: string;
  /**
   * When unset, the grants, clients and resources that use it are skipped (reported as skipped) instead of stopping the run.
   */
  optional?: boolean;
}
/**
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "discovery".
 */
export interface Discovery {
  /**
   * The issuer the metadata must state exactly (trailing slash included).
   */
  issuer: string;
  /**
   * Metadata URL. Defaults to the issuer (without trailing slash) + /.well-known/openid-configuration (OIDC Discovery §4.1).
   */
  url?: string;
  /**
   * SMART App Launch configuration URL (…/.well-known/smart-configuration), checked when given.
   */
  smart?: string;
}
/**
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "client".
 */
export interface Client {
  id: string;
  /**
   * Always redacted, whether or not its variable is marked secret.
   */
  secret?: string;
  /**
   * How the client authenticates at the token endpoint (RFC 6749 §2.3.1).
   */
  auth?: ('client_secret_basic' | 'client_secret_post' | 'none') | VariableRef;
}
/**
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "clientCredentialsGrant".
 */
export interface ClientCredentialsGrant {
  type: 'client_credentials';
  client: Name;
  /**
   * Space-separated scope to request; empty or absent sends none.
   */
  scope?: string;
}
/**
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "authorizationCodeGrant".
 */
export interface AuthorizationCodeGrant {
  type: 'authorization_code';
  client: Name;
  scope?: string;
  redirect_uri: string;
  /**
   * PKCE method to use (RFC 7636); none sends no code_challenge.
   */
  pkce?: 'S256' | 'none';
  code: CodeStrategy;
}
/**
 * How the authorization code is obtained. redirect: follow the authorization endpoint's redirects (a server that approves test clients without a login page) and read the code from the Location that targets redirect_uri.
 *
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "codeStrategy".
 */
export interface CodeStrategy {
  strategy: 'redirect' | VariableRef;
  max_hops?: number;
}
/**
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "resource".
 */
export interface Resource {
  name: Name;
  url: string;
  /**
   * The grant whose access token is presented.
   */
  grant: string;
  method?: 'GET' | 'HEAD';
  /**
   * Scope the resource requires. When the resource refuses the token and the grant's token response lacks it, the failure says so.
   */
  scope?: string;
  /**
   * A grant whose token lacks this resource's scope: the resource must answer it 403 insufficient_scope (RFC 6750 §3.1).
   */
  insufficient_grant?: string;
}
/**
 * What the vendor documents, for the checks that compare against it.
 *
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "expect".
 */
export interface Expect {
  lifetimes?: {
    /**
     * expires_in range in seconds (a single number means exactly that).
     */
    access_token?:
      | Seconds
      | {
          min?: Seconds;
          max?: Seconds;
        };
    /**
     * Seconds: an integer, or a ${VARIABLE} whose value is one.
     */
    code?: number | string;
  };
  /**
   * rfc9068: JWT access tokens must carry the RFC 9068 header and claims.
   */
  access_token_profile?: 'rfc9068';
  refresh?: {
    /**
     * Each refresh returns a new refresh token and the old one is then refused (RFC 9700 §4.14.2).
     */
    rotates?: boolean;
  };
  /**
   * Authorization requests without code_challenge must be refused (RFC 9700 §2.1.1).
   */
  pkce_required?: boolean;
  /**
   * Seconds: an integer, or a ${VARIABLE} whose value is one.
   */
  clock_skew?: number | string;
}
