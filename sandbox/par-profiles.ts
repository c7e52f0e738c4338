import type { FaultProfile } from './fault-profile.js';

/** Profiles of pushed authorization requests (RFC 9126): a baseline that requires them, and one per rule broken. */
export const parProfiles: FaultProfile[] = [
  {
    name: 'par-required',
    description: 'Conformant, accepting authorization requests only when pushed (require_pushed_authorization_requests: true).',
    breaks: [],
    faults: [],
    settings: { parRequired: true },
  },
  {
    name: 'par-not-enforced',
    description: 'The metadata says require_pushed_authorization_requests: true, but requests not pushed are served.',
    breaks: ['par.required-honoured'],
    faults: [{ kind: 'edit-body', endpoint: 'discovery', op: 'set', member: 'require_pushed_authorization_requests', value: true }],
  },
  {
    name: 'par-request-uri-reusable',
    description: 'A request_uri keeps working after its first use.',
    breaks: ['par.request-uri-single-use'],
    faults: [],
    requestFaults: [{ kind: 'reusable-request-uri' }],
  },
  {
    name: 'par-request-uri-never-expires',
    description: 'Pushes state expires_in 3 while their request_uri lives 60 s; access tokens and codes expire within seconds.',
    breaks: ['par.request-uri-expiry'],
    faults: [{ kind: 'edit-body', endpoint: 'pushed_authorization_request', op: 'set', member: 'expires_in', value: 3 }],
    settings: { accessTokenTtl: 3, codeTtl: 5 },
    long: true,
  },
  {
    name: 'par-unauthenticated',
    description: 'A push without client authentication is served as if the client had authenticated.',
    breaks: ['par.client-authentication'],
    faults: [],
    requestFaults: [{ kind: 'authenticate-pushes' }],
  },
  {
    name: 'par-push-200',
    description: 'Pushes are answered 200 instead of 201 Created.',
    breaks: ['par.push-response'],
    faults: [{ kind: 'set-status', endpoint: 'pushed_authorization_request', status: 200 }],
  },
];
