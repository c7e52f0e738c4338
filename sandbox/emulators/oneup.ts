import type { Handler } from '../http-data.js';
import { findProfile } from '../target.js';
import { oneupAuth } from './oneup-auth.js';
import { fhirServer } from './oneup-fhir.js';
import { keycloakRealm } from './oneup-provider.js';
import { Tenant } from './oneup-tenant.js';
import { userManagement } from './oneup-users.js';
import { createSigner, randomToken, serve } from './toolkit.js';
import type { EmulatorDefinition, EmulatorProfile } from './types.js';

/**
 * 1upHealth as its documentation describes it (shared/seeds 000–002, vendor-facts "1upHealth"): an API host with the
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

interface OneupProfile extends EmulatorProfile {
  /** The knobs this variant turns, over the documented values. */
  settings: (documented: OneupSettings) => OneupSettings;
}

const profiles: readonly OneupProfile[] = [
  { name: 'oneup', description: '1upHealth as documented', breaks: [], settings: (d) => d },
  {
    name: 'oneup-rate-limited',
    description: 'user-management allows 8 requests a second, then 429 with Retry-After: 1 (the suite waits it out)',
    breaks: [],
    settings: (d) => ({ ...d, userManagementLimit: { requests: 8, windowSeconds: 1 } }),
  },
  {
    name: 'oneup-expires-in-out-of-range',
    description: 'access tokens live a day (expires_in 86400), outside the documented 3599–7200 s',
    breaks: ['lifetime.expires-in-range'],
    settings: (d) => ({ ...d, lifetimes: { ...d.lifetimes, accessToken: 86400 } }),
  },
  {
    name: 'oneup-code-reusable',
    description: 'an authorization code can be exchanged again, even twice at the same moment',
    breaks: ['authorization-code.single-use', 'authorization-code.parallel-redemption'],
    settings: (d) => ({ ...d, singleUseCodes: false }),
  },
  {
    name: 'oneup-client-headers-refused',
    description: 'the client_id / client_secret / x-oneup-user-id headers are not accepted',
    breaks: ['resource-access.header-auth-accepted'],
    settings: (d) => ({ ...d, clientHeaderAccess: false }),
  },
  {
    name: 'oneup-client-writes',
    description: 'a write with x-oneup-user-id: client is accepted',
    breaks: ['resource-access.header-write-refused'],
    settings: (d) => ({ ...d, allUsersWrites: true }),
  },
];

export const oneup: EmulatorDefinition = {
  name: 'oneup',
  suite: 'suites/1uphealth.yaml',
  profiles,
  async start(profileName) {
    const profile = findProfile('oneup', profiles, profileName);
    const settings = profile.settings(ONEUP);
    const tenant = new Tenant(settings);
    const app = tenant.registerApp(randomToken(16), randomToken(32));
    const provider = tenant.registerProviderClient(randomToken(16), randomToken(32));
    // The suite's app user exists already, so its numeric oneup_user_id can be given to the suite up front.
    const user = tenant.createUser(app.id, `conformance-${randomToken(6)}`);
    const hosts = await Promise.all([serve(apiHost(tenant)), serve(oneupAuth(tenant)), serve(keycloakRealm(tenant, await createSigner()))]);
    const [api, auth, gateway] = hosts;
    return {
      name: 'oneup',
      profile: profile.name,
      variables: {
        ONEUP_API_URL: api.origin,
        ONEUP_AUTH_URL: auth.origin,
        ONEUP_GATEWAY_URL: gateway.origin,
        ONEUP_CLIENT_ID: app.id,
        ONEUP_CLIENT_SECRET: app.secret,
        ONEUP_APP_USER_ID: user.appUserId,
        ONEUP_USER_ID: String(user.oneupUserId),
        ONEUP_STU3_RESOURCE: 'Patient',
        ONEUP_DSTU2_RESOURCE: 'Patient',
        ONEUP_PROVIDER_CLIENT_ID: provider.id,
        ONEUP_PROVIDER_CLIENT_SECRET: provider.secret,
        ONEUP_PROVIDER_SCOPE: 'bulk-data|user/*.rs',
      },
      close: async () => {
        await Promise.all(hosts.map((h) => h.close()));
      },
    };
  },
};

/** The API host: user management under /user-management/, the FHIR servers elsewhere. */
function apiHost(tenant: Tenant): Handler {
  const users = userManagement(tenant);
  const fhir = fhirServer(tenant);
  return (request) => (request.url.pathname.startsWith('/user-management/') ? users : fhir)(request);
}
