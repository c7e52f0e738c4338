/**
 * Medplum as documented (https://www.medplum.com/docs/auth/oauth2) and as a running 5.1.29 answered, as data; profiles
 * (medplum.ts) play other versions where behaviour changed. One API host whose base URL, trailing slash included, is
 * the issuer. It serves the discovery documents, the OAuth2 endpoints, `POST /auth/login` (a backend trades a user's
 * email and password for a code) and the FHIR API; the Medplum App's sign-in page, where /oauth2/authorize sends a
 * browser, lives on a host of its own. Where the documentation is silent, Medplum's public server source
 * (https://github.com/medplum/medplum, packages/server/src) decides, and the comment says so.
 */
export interface MedplumFacts {
  /** Relative to the base URL, as Medplum builds its endpoint URLs. */
  paths: Record<
    | 'openidConfiguration'
    | 'authorizationServer'
    | 'smartConfiguration'
    | 'fhirSmartConfiguration'
    | 'jwks'
    | 'authorize'
    | 'token'
    | 'userinfo'
    | 'introspect'
    | 'login'
    | 'patients'
    | 'smartStyles',
    string
  >;
  /** The Medplum App's sign-in page, on the app host (app.medplum.com). */
  appSignIn: string;
  lifetimes: { accessToken: number; idToken: number; refreshToken: number };
  /** The issuer in the discovery documents is the base URL with its trailing slash. */
  issuerTrailingSlash: boolean;
  /** What a login or client_credentials grant gets when it names no scope. */
  defaultScope: string;
  /** Refresh tokens come only with one of these scopes ("any": with every user login). */
  refreshTokenScopes: readonly string[] | 'any';
  /** How long the refresh token just rotated out still works (see MEDPLUM below). */
  refreshReplayGraceSeconds: number;
  /** A refresh token rotated out, replayed: invalid_grant and the login revoked (5.2.x), or only refused (5.1.x). */
  refreshReplayRevokesLogin: boolean;
  /** 401 answers carry WWW-Authenticate with the base URL as realm (since 5.1.12). */
  bearerChallenge: boolean;
  /** What tokens are signed with: one EC P-384 key since 5.1.28, an RSA key before (server oauth/keys.ts). */
  signingAlg: 'ES384' | 'RS256';
  /** A code redeemed a second time is refused, and its login revoked. */
  singleUseCodes: boolean;
  /** How long a redemption takes from checking that its code is unspent to marking it spent (see medplum-token.ts). */
  grantWriteDelayMs: number;
  codeChallengeMethods: readonly string[];
  /** Set on every response (server app.ts, standardHeaders). */
  standardHeaders: Record<string, string>;
  /** The discovery document's members besides issuer and endpoints. */
  metadata: Record<string, unknown>;
  /** The SMART configuration's members besides issuer and endpoints. */
  smartConfiguration: Record<string, unknown>;
  /** error_description and page texts, word for word. */
  messages: Record<
    | 'unsupportedContentType'
    | 'missingGrantType'
    | 'unsupportedGrantType'
    | 'missingClientId'
    | 'missingClientSecret'
    | 'invalidClient'
    | 'invalidSecret'
    | 'invalidAuthorizationHeader'
    | 'missingCode'
    | 'invalidCode'
    | 'alreadyGranted'
    | 'revoked'
    | 'missingVerifier'
    | 'invalidVerifier'
    | 'missingVerificationContext'
    | 'invalidRefreshToken'
    | 'invalidToken'
    | 'incorrectClient'
    | 'incorrectClientSecret'
    | 'clientNotFound'
    | 'invalidRedirectUri'
    | 'invalidEmail'
    | 'invalidPassword'
    | 'badCredentials'
    | 'invalidChallengeMethod'
    | 'missingIntrospectionToken'
    | 'unsupportedAssertionType'
    | 'invalidAssertion'
    | 'invalidAssertionAudience'
    | 'invalidAssertionIssuer'
    | 'missingJwksUri'
    | 'invalidAssertionSignature'
    | 'unauthorized'
    | 'notFound',
    string
  >;
}

const GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange'];
const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

export const MEDPLUM: MedplumFacts = {
  paths: {
    openidConfiguration: '.well-known/openid-configuration',
    authorizationServer: '.well-known/oauth-authorization-server',
    smartConfiguration: '.well-known/smart-configuration',
    fhirSmartConfiguration: 'fhir/R4/.well-known/smart-configuration',
    jwks: '.well-known/jwks.json',
    authorize: 'oauth2/authorize',
    token: 'oauth2/token',
    userinfo: 'oauth2/userinfo',
    introspect: 'oauth2/introspect',
    login: 'auth/login',
    patients: 'fhir/R4/Patient',
    smartStyles: 'fhir/R4/.well-known/smart-styles.json',
  },
  appSignIn: 'oauth',
  // Documented defaults: access 3600 s, refresh two weeks; the ID token lives an hour (server keys.ts).
  lifetimes: { accessToken: 3600, idToken: 3600, refreshToken: 1_209_600 },
  issuerTrailingSlash: true,
  defaultScope: 'openid',
  // "Refresh tokens are not issued by default": only with offline_access or offline.
  refreshTokenScopes: ['offline_access', 'offline'],
  // 5.1.x refuses the refresh token it just rotated out at once ("Invalid token") and the login lives on. 5.2.x
  // honours it for a short grace (under 60 s, Login.previousRefreshSecret) so a client whose response was lost can
  // retry; the retry gets tokens for the current secret and rotates nothing; replayed after the grace, the old token
  // gets invalid_grant "Token revoked" and the whole login is revoked. The 5.2 profile plays the moment after the
  // grace (it keeps none), so the suite's replay, sent at once, meets what any later replay meets.
  refreshReplayGraceSeconds: 0,
  refreshReplayRevokesLogin: false,
  bearerChallenge: true,
  signingAlg: 'ES384',
  singleUseCodes: true,
  // Long enough that two redemptions sent at once both fall within it (9 of 10 trials on a real server).
  grantWriteDelayMs: 100,
  // Accepted at /auth/login; the openid-configuration lists both, the SMART configuration S256 only.
  codeChallengeMethods: ['plain', 'S256'],
  standardHeaders: { 'cache-control': 'no-store, no-cache, must-revalidate', pragma: 'no-cache' },
  // Medplum's openid-configuration (server wellknown.ts): no revocation endpoint; code_challenge_methods_supported
  // since 4.3.10. Dynamic registration (/oauth2/register) and token exchange, which needs an external identity
  // provider, are advertised by Medplum but not emulated.
  metadata: {
    // As 5.1.29 advertises it; the RS256 of older deployments is among them.
    id_token_signing_alg_values_supported: ['ES256', 'ES384', 'HS256', 'RS256'],
    grant_types_supported: GRANT_TYPES,
    response_types_supported: ['code', 'id_token', 'token id_token'],
    subject_types_supported: ['pairwise', 'public'],
    scopes_supported: ['openid', 'profile', 'email', 'phone', 'address'],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    request_object_signing_alg_values_supported: ['none'],
    code_challenge_methods_supported: ['S256', 'plain'],
  },
  smartConfiguration: {
    grant_types_supported: GRANT_TYPES,
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'ES384'],
    scopes_supported: ['patient/*.rs', 'user/*.cruds', 'openid', 'fhirUser', 'launch', 'launch/patient', 'offline_access', 'online_access'],
    response_types_supported: ['code'],
    capabilities: [
      'authorize-post',
      'permission-v1',
      'permission-v2',
      'client-confidential-asymmetric',
      'client-confidential-symmetric',
      'client-public',
      'context-banner',
      'context-ehr-patient',
      'context-ehr-encounter',
      'context-standalone-patient',
      'context-style',
      'launch-ehr',
      'launch-standalone',
      'permission-offline',
      'permission-patient',
      'permission-user',
      'sso-openid-connect',
    ],
    code_challenge_methods_supported: ['S256'],
  },
  messages: {
    unsupportedContentType: 'Unsupported content type',
    missingGrantType: 'Missing grant_type',
    unsupportedGrantType: 'Unsupported grant_type',
    missingClientId: 'Missing client_id',
    missingClientSecret: 'Missing client_secret',
    invalidClient: 'Invalid client',
    invalidSecret: 'Invalid secret',
    invalidAuthorizationHeader: 'Invalid authorization header',
    missingCode: 'Missing code',
    invalidCode: 'Invalid code',
    alreadyGranted: 'Token already granted',
    revoked: 'Token revoked',
    missingVerifier: 'Missing code verifier',
    invalidVerifier: 'Invalid code verifier',
    missingVerificationContext: 'Missing verification context',
    invalidRefreshToken: 'Invalid refresh token',
    invalidToken: 'Invalid token',
    incorrectClient: 'Incorrect client',
    incorrectClientSecret: 'Incorrect client secret',
    clientNotFound: 'Client not found',
    invalidRedirectUri: 'Invalid redirect URI',
    invalidEmail: 'Valid email address is required',
    invalidPassword: 'Password must be at least 8 characters',
    badCredentials: 'Email or password is invalid',
    invalidChallengeMethod: 'Invalid code challenge method',
    missingIntrospectionToken: 'Token to introspect must be provided',
    unsupportedAssertionType: 'Unsupported client assertion type',
    invalidAssertion: 'Invalid client assertion',
    invalidAssertionAudience: 'Invalid client assertion audience',
    invalidAssertionIssuer: 'Invalid client assertion issuer',
    missingJwksUri: 'Client must have a JWK Set URL',
    invalidAssertionSignature: 'Invalid client assertion signature',
    unauthorized: 'Unauthorized',
    notFound: 'Not found',
  },
};
