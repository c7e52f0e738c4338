import type { FaultProfile } from './fault-profile.js';

/**
 * Profiles of mutual TLS (RFC 8705): the sandbox on https with a test CA, a client authenticated by its certificate
 * and tokens bound to it; a baseline, and one per rule broken.
 */
export const mtlsProfiles: FaultProfile[] = [
  {
    name: 'mtls',
    description:
      'Conformant, served over https by a test CA that asks clients for certificates; a tls_client_auth client (SANDBOX_MTLS_CLIENT_ID) with a certificate the CA issued (SANDBOX_CLIENT_CERT_FILE, SANDBOX_CLIENT_CERT_KEY_FILE) gets tokens bound to it.',
    breaks: [],
    faults: [],
    mtls: {},
  },
  {
    name: 'mtls-certificate-optional',
    description: 'A tls_client_auth token request without a client certificate is served as if the certificate had been presented.',
    breaks: ['client-auth.tls-certificate-required'],
    faults: [],
    mtls: { certificateOptional: true },
  },
  {
    name: 'mtls-method-undeclared',
    description: 'The metadata leaves tls_client_auth out of token_endpoint_auth_methods_supported, though the token endpoint accepts it.',
    breaks: ['client-auth.tls-client-auth-declared'],
    faults: [{ kind: 'edit-body', endpoint: 'discovery', op: 'withdraw', member: 'token_endpoint_auth_methods_supported', item: 'tls_client_auth' }],
    mtls: {},
  },
  {
    name: 'mtls-unbound-tokens',
    description: 'Access tokens issued over a connection with the client certificate are not bound to it (no cnf), though the metadata says they are.',
    breaks: ['resource-access.certificate-bound-token'],
    // resource-access.certificate-bound-refused cannot run on it (no bound token to refuse); `blocks` would ask that of
    // the resources whose clients have no certificate too, where it does not apply.
    faults: [],
    mtls: { unboundTokens: true },
  },
  {
    name: 'mtls-binding-ignored',
    description: 'The protected resource accepts a certificate-bound token over a connection that presents no certificate.',
    breaks: ['resource-access.certificate-bound-refused'],
    faults: [{ kind: 'resource', deviation: 'ignore-certificate-binding' }],
    mtls: {},
  },
  {
    name: 'mtls-binding-undeclared',
    description: 'The metadata omits tls_client_certificate_bound_access_tokens, though the tokens are bound.',
    breaks: ['resource-access.certificate-binding-declared'],
    faults: [{ kind: 'edit-body', endpoint: 'discovery', op: 'remove', member: 'tls_client_certificate_bound_access_tokens' }],
    mtls: {},
  },
];
