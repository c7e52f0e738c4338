import type { Handler } from '../http-data.js';
import { findProfile } from '../target.js';
import { oneupAuth } from './oneup-auth.js';
import { fhirServer } from './oneup-fhir.js';
import { keycloakRealm } from './oneup-provider.js';
import { ONEUP, type OneupSettings } from './oneup-settings.js';
import { Tenant } from './oneup-tenant.js';
import { userManagement } from './oneup-users.js';
import { createSigner, randomToken, serve } from './toolkit.js';
import type { EmulatorDefinition, EmulatorProfile } from './types.js';

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

/** The 1upHealth emulator: its API, auth and gateway hosts, for the suite suites/1uphealth.yaml. */
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
