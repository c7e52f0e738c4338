import { randomBytes } from 'node:crypto';
import { findProfile } from '../target.js';
import { userPool, type CognitoFacts, type CognitoOrigins } from './bwell-cognito.js';
import { fhirServer, type FhirFacts } from './bwell-fhir.js';
import { createSigner, randomToken, serve } from './toolkit.js';
import type { EmulatorDefinition, FactsProfile } from './types.js';

/**
 * b.well as documented (https://github.com/icanbwell/fhir-server/blob/main/readme/security.md): a FHIR server whose
 * tokens come from an AWS Cognito user pool, by client_credentials with system scopes. Three hosts: the FHIR server,
 * the pool (metadata and keys) and the pool's domain (token endpoint).
 */
type BwellFacts = CognitoFacts & FhirFacts;

const BWELL: BwellFacts = {
  // The pool b.well's documentation discovers the token endpoint from.
  userPool: 'us-east-1_e4iVm1J4X',
  // A Cognito pool's openid-configuration: no grant_types_supported, both secret methods at the token endpoint.
  metadata: {
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'token'],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  },
  // Advertised as Cognito does; of them only the token and revocation endpoints answer, a service account needs no other.
  domainEndpoints: {
    authorization_endpoint: '/oauth2/authorize',
    token_endpoint: '/oauth2/token',
    revocation_endpoint: '/oauth2/revoke',
    userinfo_endpoint: '/oauth2/userInfo',
    end_session_endpoint: '/logout',
  },
  clientScopes: ['system/*.read', 'system/*.write'],
  accessTokenLifetime: 3600,
  accessTokenClaims: { token_use: 'access', version: 2 },
  issuesRefreshToken: false,
  // Cognito answers 400 {"error": …} to everything, a failed Basic authentication included.
  errorStatus: 400,
  fhirVersion: '4_0_0',
  queryTokenParameters: ['token'],
  unauthorized: { status: 401, code: 'security', diagnostics: 'Authentication failed' },
  forbidden: { status: 403, code: 'forbidden' },
  resources: {
    Patient: [
      { resourceType: 'Patient', id: 'bwell-emulator-1', name: [{ family: 'Doe', given: ['Jane'] }], gender: 'female', birthDate: '1980-04-02' },
      { resourceType: 'Patient', id: 'bwell-emulator-2', name: [{ family: 'Roe', given: ['Richard'] }], gender: 'male', birthDate: '1975-11-23' },
    ],
  },
};

const profiles: readonly FactsProfile<BwellFacts>[] = [
  { name: 'bwell', description: 'b.well as documented', breaks: [] },
  {
    name: 'bwell-refresh-token',
    description: 'the token endpoint also returns a refresh_token for client_credentials',
    breaks: ['token-response.no-refresh-client-credentials'],
    facts: { issuesRefreshToken: true },
  },
  {
    name: 'bwell-no-token-use',
    description: 'access tokens lack the token_use claim',
    breaks: ['token-response.jwt-declared-claims'],
    facts: { accessTokenClaims: { version: 2 } },
  },
  {
    name: 'bwell-expires-7200',
    description: 'access tokens live 7200 s (expires_in and exp agree), not the documented 3600 s',
    breaks: ['lifetime.expires-in-range'],
    facts: { accessTokenLifetime: 7200 },
  },
  {
    name: 'bwell-query-access-token',
    description: 'the FHIR server also takes the token from ?access_token=',
    breaks: ['resource-access.query-token'],
    facts: { queryTokenParameters: ['token', 'access_token'] },
  },
];

/** A Cognito app client id: 26 lower-case letters and digits. */
function appClientId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(26)].map((b) => alphabet[b % alphabet.length]).join('');
}

export const bwell: EmulatorDefinition = {
  name: 'bwell',
  suite: 'suites/bwell.yaml',
  profiles,
  async start(name) {
    const profile = findProfile('bwell', profiles, name);
    const facts = { ...BWELL, ...profile.facts };
    const client = { id: appClientId(), secret: randomToken(38) };
    const origins: CognitoOrigins = { pool: '', domain: '' };
    const pool = userPool(facts, client, await createSigner('RS256'), origins);
    const hosts = await Promise.all([serve(pool.poolHost), serve(pool.domainHost), serve(fhirServer(facts, pool))]);
    const [poolHost, domainHost, fhirHost] = hosts;
    origins.pool = poolHost.origin;
    origins.domain = domainHost.origin;
    return {
      name: 'bwell',
      profile: profile.name,
      variables: {
        BWELL_FHIR_URL: fhirHost.origin,
        BWELL_COGNITO_ISSUER: pool.issuer(),
        BWELL_CLIENT_ID: client.id,
        BWELL_CLIENT_SECRET: client.secret,
        BWELL_SCOPE: facts.clientScopes.join(' '),
      },
      close: async () => {
        await Promise.all(hosts.map((host) => host.close()));
      },
    };
  },
};
