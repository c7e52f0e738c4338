import type { FaultProfile } from './fault-profile.js';

/** Profiles that each break one rule of DPoP (RFC 9449), at the token endpoint or at the protected resource. */
export const dpopProfiles: FaultProfile[] = [
  {
    name: 'dpop-token-type-bearer',
    // The local suite's DPoP grant is a client_credentials grant; the others already get "Bearer".
    description: 'Tokens issued to client_credentials requests with a DPoP proof are bound to its key but say token_type "Bearer".',
    breaks: ['dpop.token-type'],
    faults: [{ kind: 'edit-body', endpoint: 'token', grantType: 'client_credentials', op: 'set', member: 'token_type', value: 'Bearer' }],
  },
  {
    name: 'dpop-jkt-missing',
    // A resource that learns the binding from the token (cnf.jkt) then takes the token for a bearer token.
    description: 'JWT access tokens issued to client_credentials requests with a DPoP proof lack cnf.jkt; the resource then takes them as Bearer.',
    breaks: ['dpop.jkt-bound', 'dpop.bearer-refused'],
    faults: [{ kind: 'edit-jwt', endpoint: 'token', grantType: 'client_credentials', member: 'access_token', claims: [{ op: 'remove', member: 'cnf' }] }],
  },
  {
    name: 'dpop-htm-unchecked',
    description: 'The token endpoint takes a DPoP proof made for another HTTP method (htm).',
    breaks: ['dpop.wrong-htm-refused'],
    faults: [],
    requestFaults: [{ kind: 'lax-dpop-proof', laxity: 'htm' }],
  },
  {
    name: 'dpop-htu-unchecked',
    description: 'The token endpoint takes a DPoP proof made for another URI (htu).',
    breaks: ['dpop.wrong-htu-refused'],
    faults: [],
    requestFaults: [{ kind: 'lax-dpop-proof', laxity: 'htu' }],
  },
  {
    name: 'dpop-stale-iat-accepted',
    description: 'The token endpoint takes a DPoP proof created long ago (iat).',
    breaks: ['dpop.stale-iat-refused'],
    faults: [],
    requestFaults: [{ kind: 'lax-dpop-proof', laxity: 'iat' }],
  },
  {
    name: 'dpop-replay-accepted',
    description: 'The token endpoint keeps no record of DPoP proof jti values, so a proof works twice.',
    breaks: ['dpop.replayed-jti-refused'],
    faults: [],
    settings: { dpopAllowReplay: true },
  },
  {
    name: 'dpop-bound-as-bearer',
    description: 'The protected resource accepts a DPoP-bound token presented as a Bearer token, without a proof.',
    breaks: ['dpop.bearer-refused'],
    faults: [{ kind: 'resource', deviation: 'accept-dpop-as-bearer' }],
  },
  {
    name: 'dpop-proof-optional',
    description: 'The protected resource accepts a DPoP-bound token presented with the DPoP scheme but no proof.',
    breaks: ['dpop.proof-required'],
    faults: [{ kind: 'resource', deviation: 'skip-dpop-proof' }],
  },
];
