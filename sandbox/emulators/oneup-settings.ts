/**
 * 1upHealth as its documentation (https://docs.1up.health/docs/get-started/o-auth) describes it: an API host with the
 * user-management API that hands a backend its users' authorization codes and the FHIR servers (/r4, /stu3, /dstu2),
 * an auth host whose token endpoint exchanges codes and refresh tokens, and the Keycloak realm of the Dev Portal that
 * issues Provider Access tokens by client_credentials. Values marked "not documented" are the emulator's choice
 * where the documentation is silent.
 */
export const ONEUP = {
  paths: {
    createUser: '/user-management/v1/user',
    authCode: '/user-management/v1/user/auth-code',
    token: '/oauth2/token',
    fhirVersions: ['r4', 'stu3', 'dstu2'],
    realm: '/auth/realms/dev-portal',
    realmToken: '/auth/realms/dev-portal/protocol/openid-connect/token',
  },
  lifetimes: {
    /** "The code received expires in 2 hours (7200 seconds)." */
    code: 7200,
    /** Documented variously between 3599 and 7200 s (uncertain); the emulator answers the upper figure. */
    accessToken: 7200,
    /** Not documented. */
    refreshToken: 30 * 24 * 3600,
    /** Not documented (Keycloak's own default would be 300 s). */
    providerAccessToken: 3600,
  },
  /** User-management is limited to 300 requests an hour, then 429 with Retry-After. */
  userManagementLimit: { requests: 300, windowSeconds: 3600 },
  /** The scope a user's tokens carry (not documented: the auth-code request names none). */
  grantedScope: 'user/*.*',
  /** A code is exchanged once (RFC 6749 §4.1.2; 1up documents the exchange, not a second one). */
  singleUseCodes: true,
  /** System access with the client_id, client_secret and x-oneup-user-id headers, without a user's token. */
  clientHeaderAccess: true,
  /** `x-oneup-user-id: client` reads every user's data "for GET requests only". */
  allUsersWrites: false,
  /** userExists is 1up's wording; the others are not documented. */
  messages: {
    userExists: 'this user already exists',
    userNotFound: 'user not found',
    badClient: 'invalid client_id or client_secret',
    allUsersReadOnly: 'x-oneup-user-id: client is allowed for GET requests only',
  },
};

export type OneupSettings = typeof ONEUP;
