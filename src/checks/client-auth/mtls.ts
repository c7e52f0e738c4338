import type { SuiteRun } from '../../flows/suite-run.js';
import { errorCodeOf, listed, type Exchange } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { metadataEvidence } from '../discovery/evidence.js';
import { rfc } from '../spec.js';
import { couldNotRun, fail, pass, show } from '../types.js';
import { outcomeOf, refusedForAnotherReason } from '../verdicts.js';
import { withoutCertificate } from './mtls-probes.js';

/** Mutual-TLS client authentication (RFC 8705 §2): the client is authenticated by the certificate of its connection. */

export const tlsClientAuthDeclared = defineCheck({
  id: 'client-auth.tls-client-auth-declared',
  area: 'client-auth',
  title: 'token_endpoint_auth_methods_supported lists tls_client_auth when a client authenticates by its certificate',
  level: 'SHOULD',
  spec: [rfc(8705, '2.1.1'), rfc(8414, '2')],
  scope: 'suite',
  requires: { client: 'tls_client_auth' },
  gather: metadataEvidence,
  judge: ({ document }) => {
    // RFC 8414 §2: omitted means client_secret_basic alone.
    const declared = listed(document, 'token_endpoint_auth_methods_supported', ['client_secret_basic']);
    return declared.includes('tls_client_auth')
      ? pass(`token_endpoint_auth_methods_supported: ${declared.join(', ')}`)
      : fail({
          rule: 'a server accepting PKI mutual-TLS client authentication declares it by the registered value tls_client_auth',
          expected: 'token_endpoint_auth_methods_supported including tls_client_auth',
          actual: `token_endpoint_auth_methods_supported: ${declared.join(', ')}`,
        });
  },
});

export interface CertificateRefusalEvidence {
  exchanges: Exchange[];
  /** The request without the certificate, and whether it got a token. */
  exchange: Exchange;
  issued: boolean;
  outcome: string;
}

export const tlsCertificateRequired = defineCheck({
  id: 'client-auth.tls-certificate-required',
  area: 'client-auth',
  title: 'a tls_client_auth token request without the client certificate is refused with invalid_client',
  level: 'MUST',
  spec: [rfc(8705, '2'), rfc(8705, '2.1'), rfc(6749, '5.2')],
  scope: 'grant',
  requires: { grantTypes: ['client_credentials'], client: 'tls_client_auth', control: 'the same request with the certificate gets a token' },
  gather: async (run: SuiteRun, grant: string): Promise<CertificateRefusalEvidence> => {
    const { control, probe } = await withoutCertificate(run, grant);
    const exchange = probe.token.exchange;
    return { exchanges: [control.token.exchange, exchange], exchange, issued: Boolean(probe.accessToken), outcome: outcomeOf(probe) };
  },
  judge: ({ exchange, issued, outcome }) => {
    const rule = {
      rule: 'a client registered for tls_client_auth is authenticated by its certificate: without one, authentication fails with invalid_client',
      expected: 'HTTP 400 or 401 with error invalid_client',
    };
    if (issued) return fail({ ...rule, actual: outcome });
    const code = errorCodeOf(exchange);
    if (code === 'invalid_client') return pass(outcome);
    // invalid_client is the refusal sought here, so only a non-answer, a 5xx or a 429 proves nothing.
    const other = refusedForAnotherReason(exchange);
    return other ? couldNotRun(other) : fail({ ...rule, actual: `${outcome} (error ${show(code)})` });
  },
});
