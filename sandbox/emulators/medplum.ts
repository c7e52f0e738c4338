import { writeClientKeyFile } from '../client-key-file.js';
import { json, type Handler } from '../http-data.js';
import { findProfile } from '../target.js';
import { appHost } from './medplum-app.js';
import { MEDPLUM, type MedplumFacts } from './medplum-facts.js';
import { fhirApi } from './medplum-fhir.js';
import { Logins } from './medplum-logins.js';
import { authorizeEndpoint, introspectEndpoint, loginEndpoint, wellKnown } from './medplum-oauth.js';
import { createTenant } from './medplum-tenant.js';
import { tokenEndpoint } from './medplum-token.js';
import { createSigner, operationOutcome, serve } from './toolkit.js';
import type { EmulatorDefinition, FactsProfile } from './types.js';

/** Medplum 5.1.29 as verified, other versions where their behaviour differs, and faults that each break one rule. */
const profiles: readonly FactsProfile<MedplumFacts>[] = [
  { name: 'medplum', description: 'Medplum 5.1.29, as verified on a running server', breaks: [], version: '5.1.29' },
  {
    name: 'medplum-5.1.11',
    description: 'Medplum before 5.1.12: 401 answers carry no WWW-Authenticate, tokens are signed RS256',
    breaks: [],
    version: '5.1.11',
    facts: { bearerChallenge: false, signingAlg: 'RS256' },
  },
  {
    name: 'medplum-5.2',
    description: 'Medplum 5.2.x: a rotated-out refresh token replayed after the retry grace gets invalid_grant and revokes the login',
    breaks: [],
    version: '5.2',
    facts: { refreshReplayRevokesLogin: true },
  },
  {
    name: 'medplum-short-lived',
    description: 'Medplum 5.1.29 with a ClientApplication whose access tokens live 3 s (accessTokenLifetime), for --long',
    breaks: [],
    facts: { lifetimes: { ...MEDPLUM.lifetimes, accessToken: 3 } },
    long: true,
  },
  {
    name: 'medplum-code-reusable',
    description: 'a code can be redeemed again, not only at the same moment, and the replay revokes nothing',
    breaks: ['authorization-code.single-use'],
    facts: { singleUseCodes: false },
  },
  {
    name: 'medplum-refresh-replay',
    description: 'the refresh token rotated out keeps working for as long as a refresh token lives',
    breaks: ['refresh.replay-refused'],
    facts: { refreshReplayGraceSeconds: MEDPLUM.lifetimes.refreshToken },
  },
  {
    name: 'medplum-refresh-without-offline-access',
    description: 'every user login gets a refresh token, offline_access or not',
    breaks: ['refresh.requires-scope'],
    facts: { refreshTokenScopes: 'any' },
  },
  {
    name: 'medplum-issuer-without-slash',
    description: 'the discovery documents state the issuer without its trailing slash (tokens keep it)',
    breaks: ['discovery.issuer-match'],
    facts: { issuerTrailingSlash: false },
  },
];

/** Requests by "METHOD path" (path relative to the host's root); anything else is Medplum's 404 OperationOutcome. */
function router(facts: MedplumFacts, routes: Record<string, Handler>): Handler {
  return async (request) => {
    const route = routes[`${request.method} ${request.url.pathname.slice(1)}`];
    const reply = route ? await route(request) : operationOutcome(404, 'not-found', facts.messages.notFound);
    return { ...reply, headers: { ...facts.standardHeaders, ...reply.headers } };
  };
}

/** The Medplum emulator: its API host and the Medplum App's host, for the suite suites/medplum.yaml. */
export const medplum: EmulatorDefinition = {
  name: 'medplum',
  suite: 'suites/medplum.yaml',
  profiles,
  async start(name) {
    const profile = findProfile('medplum', profiles, name);
    const facts = { ...MEDPLUM, ...profile.facts };
    // The API host's routes need its own origin (the issuer), known once it listens.
    let api: Handler;
    let app: Handler;
    const hosts = await Promise.all([serve((request) => api(request)), serve((request) => app(request))]);
    const [apiHost, appOrigin] = hosts;
    const tenant = createTenant(`${apiHost.origin}/`, appOrigin.origin);
    const keyFile = await writeClientKeyFile(tenant.clientKey.privateKey);
    const signer = await createSigner(facts.signingAlg);
    const logins = new Logins(facts, tenant, signer);
    app = appHost(facts, tenant, logins);
    const { paths } = facts;
    api = router(facts, {
      [`GET ${paths.openidConfiguration}`]: wellKnown(facts, tenant, 'metadata'),
      [`GET ${paths.authorizationServer}`]: wellKnown(facts, tenant, 'metadata'),
      [`GET ${paths.smartConfiguration}`]: wellKnown(facts, tenant, 'smartConfiguration'),
      [`GET ${paths.fhirSmartConfiguration}`]: wellKnown(facts, tenant, 'smartConfiguration'),
      [`GET ${paths.jwks}`]: () => json(200, signer.jwks),
      [`GET ${paths.authorize}`]: authorizeEndpoint(facts, tenant),
      [`POST ${paths.login}`]: loginEndpoint(facts, tenant, logins),
      [`POST ${paths.token}`]: tokenEndpoint(facts, tenant, logins),
      [`POST ${paths.introspect}`]: introspectEndpoint(facts, tenant, logins),
      ...fhirApi(facts, tenant, logins),
    });
    const [client, second] = tenant.clients;
    return {
      name: 'medplum',
      profile: profile.name,
      variables: {
        MEDPLUM_BASE_URL: tenant.issuer,
        MEDPLUM_CLIENT_ID: client.id,
        MEDPLUM_CLIENT_SECRET: client.secret,
        MEDPLUM_REDIRECT_URI: client.redirectUri,
        MEDPLUM_EMAIL: tenant.user.email,
        MEDPLUM_PASSWORD: tenant.user.password,
        MEDPLUM_SECOND_CLIENT_ID: second.id,
        MEDPLUM_SECOND_CLIENT_SECRET: second.secret,
        MEDPLUM_CLIENT_KEY_FILE: keyFile.path,
        MEDPLUM_CLIENT_KEY_ID: tenant.clientKey.kid,
        MEDPLUM_ACCESS_TOKEN_LIFETIME: String(facts.lifetimes.accessToken),
        // What the emulator documents, whatever a fault profile makes it do.
        MEDPLUM_REFRESH_REPLAY_GRACE: String(MEDPLUM.refreshReplayGraceSeconds),
      },
      close: async () => {
        await Promise.all([...hosts.map((host) => host.close()), keyFile.remove()]);
      },
    };
  },
};
