import type { ProviderSettings } from './authorization-server.js';
import type { Fault } from './faults.js';
import type { RequestFault } from './front-door.js';
import { requestProfiles } from './request-profiles.js';

/** A sandbox variant that breaks exactly one rule and leaves everything else conformant. */
export interface FaultProfile {
  name: string;
  description: string;
  /** Ids of the checks this profile must make fail. */
  breaks: string[];
  faults: Fault[];
  /** Faults the front door applies to requests before the provider sees them. */
  requestFaults?: RequestFault[];
  /** Provider knobs this profile turns (defaults: authorization-server.ts). */
  settings?: Partial<ProviderSettings>;
  /** Its checks only run in `--long` mode (they wait out a lifetime), so the fault matrix runs it so. */
  long?: boolean;
}

const responseProfiles: FaultProfile[] = [
  {
    name: 'conformant',
    description: 'A conformant authorization server and protected resource.',
    breaks: [],
    faults: [],
  },
  {
    name: 'discovery-error',
    description: 'The discovery document answers HTTP 500 with a JSON error body.',
    breaks: ['discovery.reachable'],
    faults: [{
      kind: 'replace-response',
      endpoint: 'discovery',
      status: 500,
      body: { error: 'server_error', error_description: 'discovery is unavailable' },
    }],
  },
  {
    name: 'discovery-not-json',
    description: 'The discovery document is served as text/plain.',
    breaks: ['discovery.json'],
    faults: [{ kind: 'set-header', endpoint: 'discovery', header: 'Content-Type', value: 'text/plain' }],
  },
  {
    name: 'discovery-schema',
    description: 'The discovery document lacks the REQUIRED response_types_supported.',
    breaks: ['discovery.schema'],
    faults: [{ kind: 'remove-member', endpoint: 'discovery', member: 'response_types_supported' }],
  },
  {
    name: 'issuer-mismatch',
    description: 'The discovery document\'s issuer has a trailing slash the issuer identifier lacks.',
    breaks: ['discovery.issuer-match'],
    faults: [{ kind: 'suffix-member', endpoint: 'discovery', member: 'issuer', suffix: '/' }],
  },
  {
    name: 'jwks-schema',
    description: 'The JWKS contains a key without the REQUIRED kty member.',
    breaks: ['jwks.schema'],
    faults: [{ kind: 'append-to-member', endpoint: 'jwks', member: 'keys', item: { kid: 'broken', use: 'sig' } }],
  },
  {
    name: 'jwks-private',
    description: 'The JWKS publishes the signing keys with their private members.',
    breaks: ['jwks.no-private-members'],
    faults: [{ kind: 'publish-private-keys' }],
  },
  {
    name: 'token-schema',
    description: 'Token responses carry expires_in as a string.',
    breaks: ['token-response.schema'],
    faults: [{ kind: 'stringify-member', endpoint: 'token', member: 'expires_in' }],
  },
  {
    name: 'token-type',
    description: 'Token responses carry an unknown token_type.',
    breaks: ['token-response.token-type'],
    faults: [{ kind: 'set-member', endpoint: 'token', member: 'token_type', value: 'N_A' }],
  },
  {
    name: 'token-no-store',
    description: 'Token responses may be cached: no Cache-Control and no Pragma.',
    breaks: ['token-response.cache-control'],
    faults: [
      { kind: 'remove-header', endpoint: 'token', header: 'Cache-Control' },
      { kind: 'remove-header', endpoint: 'token', header: 'Pragma' },
    ],
  },
  {
    name: 'token-content-type',
    description: 'Token responses are served as text/plain.',
    breaks: ['token-response.json-content-type'],
    faults: [{ kind: 'set-header', endpoint: 'token', header: 'Content-Type', value: 'text/plain' }],
  },
  {
    name: 'bearer-refused',
    description: 'The protected resource refuses every bearer token as invalid_token.',
    breaks: ['resource-access.bearer-accepted'],
    faults: [{ kind: 'refuse-bearer-tokens' }],
  },
  {
    name: 'no-www-authenticate',
    description: 'The protected resource answers a request without a token with 401 but no WWW-Authenticate.',
    breaks: ['resource-access.no-token-401'],
    faults: [{ kind: 'omit-bearer-challenge' }],
  },
];

export const profiles: readonly FaultProfile[] = [...responseProfiles, ...requestProfiles];
