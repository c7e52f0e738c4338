import { JWT_BEARER_ASSERTION } from '../../flows/client-auth.js';
import { smart } from '../../flows/discovery.js';
import { NotApplicable } from '../../flows/blocked.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { describeExchange, errorCodeOf, isObject, issuedToken, jsonOf, judgedByServer, listed } from '../../http/exchange.js';
import { defineCheck, type Requires } from '../check.js';
import { metadataEvidence } from '../discovery/evidence.js';
import { rfc, smartAppLaunch } from '../spec.js';
import { couldNotRun, fail, pass, type ExchangeEvidence, type Verdict } from '../types.js';
import { refusedForAnotherReason } from '../verdicts.js';
import { refusalEvidence } from './checks.js';
import { UNKNOWN_ASSERTION_TYPE, UNKNOWN_GRANT_TYPE, assertionProbe, smartProbe } from './probes.js';

/**
 * SMART Backend Services (SMART App Launch 2.x): a client_credentials grant declared `smart_backend: true`, whose
 * client authenticates with a JWT assertion signed by its private key (client-confidential-asymmetric). These checks
 * judge the token endpoint's answers to that client; what the success response holds is token-response.smart-backend.
 * The SMART configuration's own required fields are discovery.smart-configuration's.
 */

const request = smartAppLaunch('backend-services', 'Request', 'request-1');
const authentication = smartAppLaunch('client-confidential-asymmetric', 'Authenticating to the Token endpoint', 'authenticating-to-the-token-endpoint');
const SMART_GRANT: Requires = { grantTypes: ['client_credentials'], grantUses: 'smart-backend', client: 'jwt' };
const CONTROL = "the grant's own token request, with a valid assertion, gets a token";
/** The algorithms SMART clients sign assertions with: a server supports at least one. */
const SMART_ALGS = ['RS384', 'ES384'];

/** Where the server declares how clients authenticate: its SMART configuration when the suite names one, else its metadata. */
async function declaration(run: SuiteRun): Promise<ExchangeEvidence & { document: Record<string, unknown>; source: string }> {
  try {
    const { exchange } = await smart(run);
    const body = jsonOf(exchange);
    if (exchange.response?.status === 200 && body.ok && isObject(body.value)) {
      return { exchanges: [exchange], exchange, document: body.value, source: 'the SMART configuration' };
    }
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
  return { ...(await metadataEvidence(run)), source: 'the metadata' };
}

export const smartMetadata = defineCheck({
  id: 'client-auth.smart-metadata',
  area: 'client-auth',
  title: 'the server declares private_key_jwt and RS384 or ES384 for client assertions',
  level: 'MUST',
  scope: 'suite',
  spec: [
    smartAppLaunch('client-confidential-asymmetric', 'Advertising server support for this profile', 'advertising-server-support-for-this-profile'),
    smartAppLaunch('client-confidential-asymmetric', 'Signature Verification', 'signature-verification'),
    rfc(8414, '2'),
  ],
  requires: { grantUses: 'smart-backend' },
  gather: declaration,
  judge: ({ document, source }) => {
    const methods = listed(document, 'token_endpoint_auth_methods_supported', []);
    const algs = listed(document, 'token_endpoint_auth_signing_alg_values_supported', []);
    const actual = `${source}: token_endpoint_auth_methods_supported ${methods.join(', ') || '(absent)'}; token_endpoint_auth_signing_alg_values_supported ${algs.join(', ') || '(absent)'}`;
    const rule =
      'a SMART Backend Services server declares private_key_jwt in token_endpoint_auth_methods_supported and supports RS384 or ES384 for the assertions (token_endpoint_auth_signing_alg_values_supported)';
    if (!methods.includes('private_key_jwt')) return fail({ rule, expected: 'token_endpoint_auth_methods_supported including private_key_jwt', actual });
    if (!SMART_ALGS.some((alg) => algs.includes(alg)))
      return fail({ rule, expected: 'token_endpoint_auth_signing_alg_values_supported including RS384 or ES384', actual });
    return pass(actual);
  },
});

/** Refused with one of these statuses and error codes; a token, or another status or code, breaks the rule. */
function refusedWith(rule: string, statuses: readonly number[], codes?: readonly string[]) {
  return ({ exchange }: ExchangeEvidence): Verdict => {
    const expected = `${statuses.join(' or ')}${codes ? ` with error ${codes.join(' or ')}` : ''}`;
    if (issuedToken(exchange)) return fail({ rule, expected, actual: `${describeExchange(exchange)} with a token` });
    const error = errorCodeOf(exchange);
    const other = refusedForAnotherReason(exchange);
    // No answer, a 5xx or a 429 says nothing of the rule; nor does invalid_client where it is not the refusal sought.
    if (other && (!judgedByServer(exchange) || !codes?.includes(String(error)))) return couldNotRun(other);
    // An answer that is no JSON error has no code to judge.
    if (codes && typeof error !== 'string') return couldNotRun(`the refusal is no JSON error, so its code cannot be judged: ${describeExchange(exchange)}`);
    const actual = `${describeExchange(exchange)}${typeof error === 'string' ? ` ${error}` : ''}`;
    if (!statuses.includes(exchange.response?.status ?? 0) || (codes && !codes.includes(String(error)))) return fail({ rule, expected, actual });
    return pass(actual);
  };
}

export const smartInvalidGrantType = defineCheck({
  id: 'client-auth.smart-invalid-grant-type',
  area: 'client-auth',
  title: 'a SMART backend request with an invalid grant_type is refused with 400',
  level: 'MUST',
  scope: 'grant',
  spec: [request, rfc(6749, '4.4.3'), rfc(6749, '5.2')],
  requires: { ...SMART_GRANT, control: CONTROL },
  gather: refusalEvidence((run, grant) => smartProbe(run, grant, 'grant-type')),
  judge: refusedWith(
    `grant_type is fixed to client_credentials; a request with another (${UNKNOWN_GRANT_TYPE}) is answered with an error response (400)`,
    [400],
  ),
});

export const smartInvalidAssertionType = defineCheck({
  id: 'client-auth.smart-invalid-assertion-type',
  area: 'client-auth',
  title: 'a SMART backend request with an invalid client_assertion_type is refused (400 or 401)',
  level: 'MUST',
  scope: 'grant',
  spec: [request, authentication, rfc(7521, '4.2'), rfc(6749, '5.2')],
  requires: { ...SMART_GRANT, control: CONTROL },
  gather: refusalEvidence((run, grant) => smartProbe(run, grant, 'assertion-type')),
  // SMART answers a failed authentication with invalid_client; an unknown client_assertion_type is also "an
  // unsupported parameter value", RFC 6749 §5.2's invalid_request (what oidc-provider answers): both are right.
  judge: refusedWith(
    `client_assertion_type is fixed to ${JWT_BEARER_ASSERTION}; a request with another (${UNKNOWN_ASSERTION_TYPE}) authenticates no client`,
    [400, 401],
    ['invalid_client', 'invalid_request'],
  ),
});

export const smartInvalidJwt = defineCheck({
  id: 'client-auth.smart-invalid-jwt',
  area: 'client-auth',
  title: 'a SMART backend request whose assertion does not verify is refused with 400 or 401 invalid_client',
  level: 'MUST',
  scope: 'grant',
  spec: [authentication, request, rfc(6749, '5.2')],
  requires: { ...SMART_GRANT, control: CONTROL },
  // The same request as client-auth.wrong-signature-refused; this judges its status as well as its error code.
  gather: refusalEvidence((run, grant) => assertionProbe(run, grant, 'wrong-signature')),
  judge: refusedWith('an assertion that does not verify is answered with an invalid_client error response (400, or 401)', [400, 401], ['invalid_client']),
});
