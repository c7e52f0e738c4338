import { Blocked } from '../../flows/blocked.js';
import { JWT_METHODS } from '../../flows/client-auth.js';
import type { AssertionProbe } from '../../flows/flow-keys.js';
import { token } from '../../flows/grant-tokens.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import type { TokenResult } from '../../flows/token.js';
import { codeSaid, describeExchange, errorCodeOf, issuedToken, listed, type Exchange } from '../../http/exchange.js';
import { defineCheck, type Requires } from '../check.js';
import { metadataEvidence } from '../discovery/evidence.js';
import { oidcCore, rfc } from '../spec.js';
import { couldNotRun, fail, pass, type Citations, type ExchangeEvidence, type Verdict } from '../types.js';
import { refusedForAnotherReason } from '../verdicts.js';
import { FOREIGN_AUDIENCE, FOREIGN_ISSUER, assertionProbe, assertionReplay } from './probes.js';

/**
 * JWT client assertions (RFC 7521, RFC 7523 §2.2 and §3, OIDC Core §9): a valid one authenticates the client, and one
 * with a defect is refused with invalid_client (RFC 7521 §4.2, RFC 6749 §5.2). Each probe is the grant's own
 * client_credentials request with one defect in its assertion; the grant's own token, requested with a valid one, is
 * its control.
 */

const clientAuthentication = oidcCore('9', 'ClientAuthentication');
const assertionRules = rfc(7523, '3');
const invalidClient = rfc(7521, '4.2');

/** Where these checks run: a client_credentials grant whose client authenticates with a JWT assertion. */
const JWT_GRANT: Requires = { grantTypes: ['client_credentials'], client: 'jwt' };
const CONTROL = "the grant's own token request, with a valid assertion, gets a token";

/** The grant's own token: the request done right that every refusal is compared with. */
async function control(run: SuiteRun, grant: string): Promise<TokenResult> {
  const result = await token(run, grant);
  if (!issuedToken(result.token.exchange)) {
    throw new Blocked(
      `the grant's own request, with a valid assertion, got no token, so a refusal would prove nothing: ${describeExchange(result.token.exchange)}${codeSaid(result.token.exchange)}`,
      result.exchanges,
    );
  }
  return result;
}

export function refusalEvidence(probe: (run: SuiteRun, grant: string) => Promise<TokenResult>) {
  return async (run: SuiteRun, grant: string): Promise<ExchangeEvidence> => {
    // Neither request depends on the other: they go together, and the verdict waits for both.
    const probing = probe(run, grant);
    probing.catch(() => undefined);
    const done = await control(run, grant);
    const probed = await probing;
    return { exchanges: [done.token.exchange, probed.token.exchange], exchange: probed.token.exchange };
  };
}

/**
 * A token fails the rule, and so does a refusal with another error code: the control, the same request with a valid
 * assertion, got a token, so the defect is what was refused, and RFC 7521 §4.2 names invalid_client for it. A 5xx, no
 * answer, or an answer that is no JSON error proves nothing.
 */
function refusedAsInvalidClient(rule: string) {
  return ({ exchange }: ExchangeEvidence): Verdict => {
    if (issuedToken(exchange)) return fail({ rule, expected: 'error "invalid_client", no token', actual: `${describeExchange(exchange)} with a token` });
    const error = errorCodeOf(exchange);
    if (error === 'invalid_client') return pass(`${describeExchange(exchange)} invalid_client`);
    const other = refusedForAnotherReason(exchange);
    if (other || typeof error !== 'string') {
      return couldNotRun(
        other ?? `the assertion was refused with something other than a JSON error, so its code cannot be judged: ${describeExchange(exchange)}`,
      );
    }
    return fail({ rule: `${rule}, with error invalid_client`, expected: 'error "invalid_client"', actual: `${describeExchange(exchange)} ${error}` });
  };
}

/**
 * The grant's own request, and, when its assertion was refused as invalid_client, the same with the issuer as aud:
 * whether the server refuses the token endpoint URL as audience, or the client's key or secret.
 */
async function acceptance(run: SuiteRun, grant: string): Promise<ExchangeEvidence & { issuerAudience?: Exchange; credential: string }> {
  const { exchanges, token: result } = await token(run, grant);
  const credential = run.suite.secretVariable(run.suite.grant(grant).client);
  if (errorCodeOf(result.exchange) !== 'invalid_client') return { exchanges, exchange: result.exchange, credential };
  const issuerAudience = (await assertionProbe(run, grant, 'issuer-audience')).token.exchange;
  return { exchanges: [...exchanges, issuerAudience], exchange: result.exchange, issuerAudience, credential };
}

export const accepted = defineCheck({
  id: 'client-auth.assertion-accepted',
  area: 'client-auth',
  title: "an assertion whose aud is the token endpoint URL authenticates the client (the other assertion checks' control)",
  level: 'MUST',
  scope: 'grant',
  spec: [assertionRules, clientAuthentication, rfc(7523, '2.2')],
  requires: JWT_GRANT,
  gather: acceptance,
  judge: ({ exchange, issuerAudience, credential }) => {
    if (issuedToken(exchange)) return pass(`${describeExchange(exchange)} with a token`);
    if (issuerAudience && issuedToken(issuerAudience)) {
      return fail({
        rule: 'the token endpoint URL identifies the authorization server as the audience of a client assertion as well as its issuer identifier does',
        expected: 'a token for the assertion whose aud is the token endpoint URL',
        actual: `${describeExchange(exchange)} invalid_client; with the issuer as aud: a token`,
      });
    }
    // Refused whatever its aud: the key or secret it was signed with is not the one the server has for the client.
    if (issuerAudience) return couldNotRun(`${credential} is refused: invalid_client (${describeExchange(exchange)}), with the issuer as aud too`);
    return couldNotRun(
      refusedForAnotherReason(exchange) ?? `the request was refused for another reason than its assertion: ${describeExchange(exchange)}${codeSaid(exchange)}`,
    );
  },
});

/** A check that the assertion with this defect is refused. */
function refusal(probe: AssertionProbe, { title, rule, spec }: { title: string; rule: string; spec: Citations }) {
  return defineCheck({
    id: `client-auth.${probe}-refused`,
    area: 'client-auth',
    title,
    level: 'MUST',
    scope: 'grant',
    spec: [...spec, invalidClient],
    requires: { ...JWT_GRANT, control: CONTROL },
    gather: refusalEvidence((run, grant) => assertionProbe(run, grant, probe)),
    judge: refusedAsInvalidClient(rule),
  });
}

export const wrongSignature = refusal('wrong-signature', {
  title: 'an assertion with a wrong signature is refused with invalid_client',
  rule: 'the authorization server MUST reject JWTs with an invalid signature or MAC',
  spec: [assertionRules, clientAuthentication],
});

export const expired = refusal('expired', {
  title: 'an expired assertion is refused with invalid_client',
  rule: 'the authorization server MUST reject any JWT with an expiration time that has passed, subject to allowable clock skew',
  spec: [assertionRules, clientAuthentication],
});

export const wrongAudience = refusal('wrong-audience', {
  title: 'an assertion whose aud is not the token endpoint or issuer is refused with invalid_client',
  rule: `the authorization server MUST reject any JWT that does not contain its own identity as the intended audience (aud was ${FOREIGN_AUDIENCE})`,
  spec: [assertionRules, clientAuthentication],
});

export const issuerNotSubject = refusal('issuer-not-subject', {
  title: 'an assertion whose iss is not its sub (the client_id) is refused with invalid_client',
  rule: `iss and sub of a client assertion MUST both be the client_id (iss was ${FOREIGN_ISSUER})`,
  spec: [rfc(7523, '2.2'), assertionRules, clientAuthentication],
});

export const algNone = refusal('alg-none', {
  title: 'an unsigned assertion (alg "none") is refused with invalid_client',
  rule: 'a client assertion MUST be digitally signed or MACed; an unsecured JWT (alg "none") proves nothing about its client',
  spec: [assertionRules, clientAuthentication],
});

export const replayRefused = defineCheck({
  id: 'client-auth.replay-refused',
  area: 'client-auth',
  title: 'an assertion used a second time (same jti) is refused with invalid_client',
  // RFC 7523 §3 lets the server reject replays (MAY); OIDC Core §9 says assertions MUST only be used once unless
  // reuse was negotiated: a server that accepts a replay is warned of, not failed.
  level: 'SHOULD',
  scope: 'grant',
  spec: [clientAuthentication, assertionRules, invalidClient],
  requires: { ...JWT_GRANT, control: "the assertion's first use gets a token" },
  gather: async (run, grant): Promise<ExchangeEvidence> => {
    const { first, replay } = await assertionReplay(run, grant);
    if (!issuedToken(first.token.exchange)) {
      throw new Blocked(
        `the assertion's first use got no token, so a refusal of its second proves nothing: ${describeExchange(first.token.exchange)}${codeSaid(first.token.exchange)}`,
        [first.token.exchange],
      );
    }
    return { exchanges: [first.token.exchange, replay.token.exchange], exchange: replay.token.exchange };
  },
  judge: refusedAsInvalidClient('client assertions are to be used only once: a server that keeps the jti values it saw until they expire refuses a replay'),
});

export const signingAlgsDeclared = defineCheck({
  id: 'client-auth.signing-algs-declared',
  area: 'client-auth',
  title: 'token_endpoint_auth_signing_alg_values_supported is declared for the JWT methods, without "none"',
  level: 'MUST',
  scope: 'suite',
  spec: [rfc(8414, '2')],
  requires: { client: 'jwt' },
  gather: metadataEvidence,
  judge: ({ document }) => {
    const methods = listed(document, 'token_endpoint_auth_methods_supported', ['client_secret_basic']).filter((m) =>
      (JWT_METHODS as readonly string[]).includes(m),
    );
    const algs = document.token_endpoint_auth_signing_alg_values_supported;
    const shown = Array.isArray(algs) ? algs.join(', ') : '(absent)';
    const rule = {
      rule: 'token_endpoint_auth_signing_alg_values_supported MUST be present when private_key_jwt or client_secret_jwt is declared, and MUST NOT list "none"',
      actual: `token_endpoint_auth_methods_supported declares ${methods.join(', ') || 'no JWT method'}; token_endpoint_auth_signing_alg_values_supported: ${shown}`,
    };
    if (methods.length > 0 && !Array.isArray(algs))
      return fail({ ...rule, expected: 'the signing algorithms the token endpoint accepts, e.g. ["RS256", "ES256"]' });
    if (Array.isArray(algs) && algs.includes('none')) return fail({ ...rule, expected: 'no "none" among the algorithms' });
    return pass(rule.actual);
  },
});
