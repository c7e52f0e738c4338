import { Blocked, NotApplicable } from '../../flows/blocked.js';
import { accessToken, token } from '../../flows/grant-tokens.js';
import { claimsOf, looksLikeJwt } from '../../flows/jwt.js';
import { grantCertificate } from '../../flows/resources.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { describeExchange, errorCodeOf, isObject, type Exchange } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { metadataEvidence } from '../discovery/evidence.js';
import { rfc } from '../spec.js';
import { couldNotRun, fail, pass, show } from '../types.js';
import { refusedForAnotherReason } from '../verdicts.js';
import { resourceAcceptsToken } from './evidence.js';
import { resourceWithoutCertificate } from './probes.js';

/**
 * Certificate-bound access tokens (RFC 8705 §3): a client that presents a certificate gets tokens bound to it, and a
 * resource accepts them only over a connection that presents the same certificate. These are the protected resource's
 * rules (and the token's, which the resource reads), so they live in resource-access.
 */

const bindingCheck = { area: 'resource-access', requires: { client: 'certificate' } } as const;

export const certificateBindingDeclared = defineCheck({
  id: 'resource-access.certificate-binding-declared',
  title: 'the metadata declares tls_client_certificate_bound_access_tokens: true when clients have certificates',
  ...bindingCheck,
  level: 'SHOULD',
  spec: [rfc(8705, '3.3')],
  scope: 'suite',
  gather: metadataEvidence,
  judge: ({ document }) => {
    const declared = document.tls_client_certificate_bound_access_tokens;
    return declared === true
      ? pass('tls_client_certificate_bound_access_tokens: true')
      : fail({
          rule: 'a server that binds access tokens to client certificates says so in its metadata; omitted means false',
          expected: 'tls_client_certificate_bound_access_tokens: true',
          actual:
            declared === undefined
              ? 'tls_client_certificate_bound_access_tokens omitted (false)'
              : `tls_client_certificate_bound_access_tokens: ${show(declared)}`,
        });
  },
});

export interface BoundTokenEvidence {
  exchanges: Exchange[];
  /** The certificate's SHA-256 thumbprint (base64url), and the token's cnf claim: neither is a credential. */
  thumbprint: string;
  cnf: unknown;
}

export const certificateBoundToken = defineCheck({
  id: 'resource-access.certificate-bound-token',
  title: 'a JWT access token issued over a connection with the client certificate carries cnf.x5t#S256, its thumbprint',
  ...bindingCheck,
  level: 'MUST',
  spec: [rfc(8705, '3.1'), rfc(7800, '3.1')],
  scope: 'grant',
  gather: async (run: SuiteRun, grant: string): Promise<BoundTokenEvidence> => {
    const result = await token(run, grant);
    const certificate = grantCertificate(run, grant)!;
    if (!result.accessToken) throw new NotApplicable(`grant ${grant} issued no access token`);
    // An opaque token's binding shows only through introspection (RFC 8705 §3.2).
    if (!looksLikeJwt(result.accessToken)) throw new NotApplicable(`grant ${grant}'s access token is opaque: its cnf claim is not visible`);
    return { exchanges: result.exchanges, thumbprint: certificate.thumbprint, cnf: claimsOf(result.accessToken)?.cnf };
  },
  judge: ({ thumbprint, cnf }) =>
    boundThumbprint(cnf) === thumbprint
      ? pass(`cnf.x5t#S256 ${thumbprint}, the client certificate's`)
      : fail({
          rule: 'a certificate-bound JWT access token names the certificate by its SHA-256 thumbprint in cnf.x5t#S256',
          expected: `cnf: {"x5t#S256": "${thumbprint}"}`,
          actual: cnf === undefined ? 'no cnf claim: the token is not bound' : `cnf: ${show(cnf)}`,
        }),
});

/** The certificate thumbprint a cnf claim binds to (RFC 8705 §3.1), if any. */
function boundThumbprint(cnf: unknown): unknown {
  return isObject(cnf) ? cnf['x5t#S256'] : undefined;
}

export const certificateBoundRefused = defineCheck({
  id: 'resource-access.certificate-bound-refused',
  title: 'a certificate-bound access token presented over a connection without the certificate is refused (401 invalid_token)',
  ...bindingCheck,
  requires: { ...bindingCheck.requires, control: 'the resource accepts the token over a connection with the certificate' },
  level: 'MUST',
  spec: [rfc(8705, '3'), rfc(6750, '3.1')],
  scope: 'resource',
  gather: async (run: SuiteRun, name: string) => {
    const resource = run.suite.resource(name);
    await resourceAcceptsToken(run, resource);
    // A JWT that names no certificate is not bound: nothing for the resource to refuse (certificate-bound-token says so).
    const value = await accessToken(run, resource.grant);
    if (looksLikeJwt(value) && !boundThumbprint(claimsOf(value)?.cnf)) {
      throw new Blocked(
        `grant ${resource.grant}'s access token is not bound to the certificate (no cnf.x5t#S256)`,
        (await token(run, resource.grant!)).exchanges,
      );
    }
    const { exchange } = await resourceWithoutCertificate(run, resource);
    return { exchanges: [exchange], exchange };
  },
  judge: ({ exchange }) => {
    const status = exchange.response?.status ?? 0;
    const rule = {
      rule: 'the resource compares the bound token with the certificate of the connection, and refuses a mismatch with 401 invalid_token',
      expected: '401 with error invalid_token',
    };
    if (status >= 200 && status < 300) return fail({ ...rule, actual: describeExchange(exchange) });
    const challenge = exchange.response?.headers['www-authenticate'] ?? '';
    if (status === 401 && (/error="?invalid_token/.test(challenge) || errorCodeOf(exchange) === 'invalid_token')) return pass(describeExchange(exchange));
    const other = refusedForAnotherReason(exchange);
    return other ? couldNotRun(other) : fail({ ...rule, actual: `${describeExchange(exchange)}${challenge ? `, WWW-Authenticate: ${challenge}` : ''}` });
  },
});
