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
 * RFC 9449: bind this grant's tokens to a key pair of its own (ES256) with DPoP proofs on its token requests and on every request that presents its access token (as `Authorization: DPoP <token>`); true, false, or a ${VARIABLE} whose value is one.
 *
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "dpop".
 */
export type Dpop = boolean | string;
/**
 * One action on a login page: fill a field, or click an element (a submit button, a consent "Allow").
 *
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "loginStep".
 */
export type LoginStep = FillStep | ClickStep;
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
   * Run against the embedded sandbox: the runner starts it and provides the SANDBOX_* variables. reference approves every authorization without a page; interactive shows a sign-in page and a consent screen (for the browser code strategy) and also provides SANDBOX_USERNAME and SANDBOX_PASSWORD.
   */
  sandbox?: 'reference' | 'interactive';
  /**
   * Every ${NAME} the suite uses, with whether it is a secret (redacted from every output).
   */
  variables?: {
    [k: string]: Variable;
  };
  discovery?: Discovery;
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
   * Documented vendor deviations: check id → the reason (with a link to the vendor's documentation), or the reason and the vendor versions that show it. Reported as a deviation, not a failure; reported again when the vendor starts conforming.
   */
  deviations?: {
    [k: string]:
      | string
      | {
          reason: string;
          /**
           * The versions that deviate, e.g. "before 5.1.12".
           */
          versions: string;
        };
  };
  /**
   * When none of the suite's required variables is set, the suite runs against this embedded vendor emulator, which provides them.
   */
  emulator?: string;
  endpoints?: Endpoints;
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
   * Redact this value from every report, attachment and console line. Variables whose name ends in a credential word (..._SECRET, ..._TOKEN, ..._PASSWORD, ..._API_KEY; see src/suite/secret-names.ts) are redacted without it.
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
   * The client's secret, for client_secret_basic, client_secret_post and client_secret_jwt (the HMAC key of its assertions). Always redacted, whether or not its variable is marked secret; an empty value counts as none.
   */
  secret?: string;
  /**
   * How the client authenticates at the token endpoint: with its secret in the Authorization header or the body (RFC 6749 §2.3.1), with a JWT assertion (RFC 7523 §2.2; OIDC Core §9): client_secret_jwt signs it with the secret (HS256), private_key_jwt with the private key in key_file; or by its TLS client certificate, tls_client_auth (RFC 8705 §2.1.1: client_id in the body, the certificate in `certificate`). May be a ${VARIABLE}, checked once it is resolved.
   */
  auth?:
    | (
        | 'client_secret_basic'
        | 'client_secret_post'
        | 'client_secret_jwt'
        | 'private_key_jwt'
        | 'tls_client_auth'
        | 'none'
      )
    | VariableRef;
  /**
   * private_key_jwt: path (relative to the working directory) of the file holding the client's private key, as PEM (PKCS#8, PKCS#1 or SEC1) or as a JWK with its private members. Name it by a variable, e.g. ${OIDC_CLIENT_KEY_FILE}: the key is read at start and never appears in any output. Ignored by the other methods.
   */
  key_file?: string;
  /**
   * PEM file of the client's X.509 certificate (RFC 8705), presented in the TLS handshake of its token requests and of resource requests with its tokens: tls_client_auth authenticates the client by it (§2.1), and its tokens are expected bound to it (§3). Name the file by a variable, e.g. ${OIDC_CLIENT_CERT_FILE}; needs certificate_key.
   */
  certificate?: string;
  /**
   * PEM file of the certificate's private key (unencrypted PKCS#8, PKCS#1 or SEC1). It is read, never reported.
   */
  certificate_key?: string;
  /**
   * private_key_jwt: the kid put in the assertion's header, as registered with the server; empty or absent: the JWK's kid, or none.
   */
  kid?: string;
  /**
   * private_key_jwt: the assertion's signing algorithm; defaults to the JWK's alg, else RS256 for an RSA key, ES256 for a P-256 key and ES384 for a P-384 key. client_secret_jwt always uses HS256. May be a ${VARIABLE}.
   */
  alg?: ('RS256' | 'RS384' | 'ES256' | 'ES384') | VariableRef;
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
  dpop?: Dpop;
  /**
   * A token endpoint of its own for this grant (e.g. a second authorization server).
   */
  token_endpoint?: string;
  /**
   * This grant is SMART Backend Services (SMART App Launch 2.x): its client authenticates with private_key_jwt and asks for system/ scopes; the client-auth.smart-* and token-response.smart-backend checks then apply to it.
   */
  smart_backend?: boolean;
}
/**
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "authorizationCodeGrant".
 */
export interface AuthorizationCodeGrant {
  type: 'authorization_code';
  client: Name;
  scope?: string;
  dpop?: Dpop;
  /**
   * Registered redirect URI; required by the redirect strategy, sent at redemption when given.
   */
  redirect_uri?: string;
  /**
   * PKCE method to use (RFC 7636); none sends no code_challenge.
   */
  pkce?: 'S256' | 'none';
  code: CodeStrategy;
  /**
   * Pushed authorization requests (RFC 9126). true: every authorization of this grant is pushed to the pushed_authorization_request_endpoint first, and the authorization endpoint gets only client_id and request_uri. false: never pushed, and the par checks are skipped for this grant. Unset: pushed only where the metadata says require_pushed_authorization_requests, and the par checks run wherever the metadata (or endpoints:) has a pushed_authorization_request_endpoint.
   */
  par?: boolean;
  /**
   * A token endpoint of its own for this grant (e.g. a second authorization server).
   */
  token_endpoint?: string;
}
/**
 * How the authorization code is obtained. redirect: follow the authorization endpoint's redirects (a server that approves test clients without a login page) and read the code from the Location that targets redirect_uri. api: requests to a vendor endpoint that issues codes to a backend; the last step's JSON answer carries the code. browser: headless Chromium opens the authorization URL, performs the login steps on the vendor's pages, and reads the code from the navigation to redirect_uri (which is never requested).
 *
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "codeStrategy".
 */
export interface CodeStrategy {
  strategy: ('redirect' | 'api' | 'browser') | VariableRef;
  max_hops?: number;
  /**
   * For the api strategy: requests made in order. Strings may use {{code_challenge}}, {{code_challenge_method}}, {{state}}, {{nonce}}, {{scope}}, {{redirect_uri}} and {{client_id}}.
   *
   * @minItems 1
   */
  steps?: [ApiStep, ...ApiStep[]];
  /**
   * For the browser strategy: what a person does on the vendor's pages, in order. Values may use ${VARIABLES}; secret ones are masked in screenshots. Steps whose element never appears because the browser already reached redirect_uri (a remembered session or consent) are skipped.
   *
   * @minItems 1
   */
  login?: [LoginStep, ...LoginStep[]];
  /**
   * For the browser strategy: CSS selector of the element a login page shows its errors in. One that is visible, has text and is still there once the page settles (the same text for a second with no request in flight) fails the login with that text; hidden ones and a loading banner that goes away do not.
   */
  error?: string;
  /**
   * For the browser strategy: seconds to wait for each step's element, and for redirect_uri after the last step.
   */
  timeout?: number;
}
/**
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "apiStep".
 */
export interface ApiStep {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  /**
   * Sent as application/x-www-form-urlencoded.
   */
  form?: {
    [k: string]: string;
  };
  /**
   * Sent as application/json.
   */
  json?: {};
  headers?: {
    [k: string]: string;
  };
  /**
   * Statuses that let the flow go on (default 200 and 201), e.g. 400 for "user already exists".
   *
   * @minItems 1
   */
  accept?: [number, ...number[]];
  /**
   * Dotted path of the JSON member holding the code (last step).
   */
  capture?: string;
}
export interface FillStep {
  /**
   * CSS selector of an input to type into.
   */
  fill: string;
  /**
   * What to type; use a ${VARIABLE} marked secret for passwords.
   */
  value: string;
  /**
   * The element may not appear (a consent screen shown only once): skipped when it does not.
   */
  optional?: boolean;
}
export interface ClickStep {
  /**
   * CSS selector of an element to click.
   */
  click: string;
  /**
   * The element may not appear (a consent screen shown only once): skipped when it does not.
   */
  optional?: boolean;
}
/**
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "resource".
 */
export interface Resource {
  name: Name;
  /**
   * Where the resource is.
   */
  url?: string;
  /**
   * Instead of url: the metadata member that names the resource. userinfo_endpoint is the UserInfo Endpoint (OIDC Core §5.3), a resource of a grant that asks for openid; where the discovery document has no such member, the resource's checks do not apply.
   */
  endpoint?: 'userinfo_endpoint';
  /**
   * The grant whose access token is presented.
   */
  grant?: string;
  method?: 'GET' | 'HEAD';
  /**
   * Scope the resource requires. When the resource refuses the token and the grant's token response lacks it, the failure says so.
   */
  scope?: string;
  /**
   * A grant whose token lacks this resource's scope: the resource must answer it 403 insufficient_scope (RFC 6750 §3.1).
   */
  insufficient_grant?: string;
  /**
   * Vendor header authentication instead of a Bearer token (e.g. client id and secret headers).
   */
  auth?: {
    headers: {
      [k: string]: string;
    };
  };
  /**
   * With this authentication, writes must be refused (a POST is tried).
   */
  writes_refused?: boolean;
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
    /**
     * Refresh tokens are issued only when this scope is requested (e.g. offline_access).
     */
    requires_scope?: string;
    /**
     * Seconds: an integer, or a ${VARIABLE} whose value is one.
     */
    replay_grace?: number | string;
  };
  /**
   * Authorization requests without code_challenge must be refused (RFC 9700 §2.1.1).
   */
  pkce_required?: boolean;
  /**
   * Seconds: an integer, or a ${VARIABLE} whose value is one.
   */
  clock_skew?: number | string;
  /**
   * Claims JWT access tokens carry (beyond RFC 9068), as the vendor documents.
   *
   * @minItems 1
   */
  access_token_claims?: [string, ...string[]];
}
/**
 * Endpoints given directly, for vendors without a discovery document (or to override one).
 *
 * This interface was referenced by `Suite`'s JSON-Schema
 * via the `definition` "endpoints".
 */
export interface Endpoints {
  issuer?: string;
  token_endpoint?: string;
  authorization_endpoint?: string;
  jwks_uri?: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  userinfo_endpoint?: string;
  pushed_authorization_request_endpoint?: string;
}
