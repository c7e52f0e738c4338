import { Blocked, NotApplicable } from '../../flows/blocked.js';
import type { Presentation, ProofFlaw } from '../../flows/flow-keys.js';
import { accessToken } from '../../flows/grant-tokens.js';
import { claimsOf, looksLikeJwt } from '../../flows/jwt.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { describeExchange, errorCodeOf, isObject, judgedByServer, type Exchange } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { rfc } from '../spec.js';
import { tokenIssued } from '../token-response/evidence.js';
import { couldNotRun, fail, pass, show, type Citations, type Level, type Rule, type SpecRef, type Verdict } from '../types.js';
import { refusedVerdict, tokenTypeVerdict } from '../verdicts.js';
import { flawedProofRequest, grantKey, grantTokenIssued, misusedPresentation, resourceAcceptsDpop } from './probes.js';

/** DPoP (RFC 9449): tokens bound to the key of the proofs a grant sends, and proofs judged as §4.3 says. */

const dpopGrant = { area: 'dpop', scope: 'grant', requires: { grantUses: 'dpop' } } as const;

export const tokenType = defineCheck({
  id: 'dpop.token-type',
  title: 'a token issued to a request with a DPoP proof has token_type DPoP',
  ...dpopGrant,
  level: 'MUST',
  spec: [rfc(9449, '5'), rfc(6749, '7.1')],
  gather: tokenIssued,
  judge: ({ exchange }) =>
    tokenTypeVerdict(exchange, {
      type: 'DPoP',
      rule: 'a token bound to the proof key is issued with token_type DPoP, which tells the client to present it with proofs (a server without DPoP answers Bearer: then the suite should not say dpop: true)',
    }),
});

export const jktBound = defineCheck({
  id: 'dpop.jkt-bound',
  title: "a JWT access token issued with DPoP carries cnf.jkt, the proof key's thumbprint",
  ...dpopGrant,
  level: 'MUST',
  spec: [rfc(9449, '6.1'), rfc(7638, '3')],
  gather: async (run: SuiteRun, grant: string) => {
    const evidence = await tokenIssued(run, grant);
    const key = await grantKey(run, grant);
    const token = await accessToken(run, grant);
    // RFC 9449 §6.2: an opaque token's binding shows only through introspection.
    if (!looksLikeJwt(token)) throw new NotApplicable('the access token is opaque: its key binding is known only to introspection (RFC 9449 §6.2)');
    const cnf = claimsOf(token)?.cnf;
    return { ...evidence, thumbprint: key.thumbprint, jkt: isObject(cnf) ? cnf.jkt : undefined };
  },
  judge: ({ thumbprint, jkt }) =>
    jkt === thumbprint
      ? pass(`cnf.jkt ${show(jkt)} is the thumbprint of the proof key`)
      : fail({
          rule: 'a JWT access token bound with DPoP MUST carry cnf.jkt, the JWK SHA-256 thumbprint of the proof key, so a resource can check the binding',
          expected: `cnf.jkt ${show(thumbprint)}`,
          actual: `cnf.jkt ${show(jkt)}`,
        }),
});

/** A token endpoint probe with a flawed proof; its control is the grant's own request, whose valid proof got a token. */
function flawedProofCheck(flaw: ProofFlaw, check: { title: string; level: Level; spec: Citations; rule: string }) {
  return defineCheck({
    id: `dpop.${flaw}-refused`,
    area: 'dpop',
    scope: 'grant',
    title: check.title,
    level: check.level,
    spec: check.spec,
    requires: { grantTypes: ['client_credentials'], grantUses: 'dpop', control: "the grant's own token request, with a valid proof, gets a token" },
    gather: async (run: SuiteRun, grant: string) => {
      const control = await grantTokenIssued(run, grant);
      const { exchanges, result } = await flawedProofRequest(run, grant, flaw);
      // §8: a server still asking for a nonce refused the proof for that, not for the flaw.
      if (errorCodeOf(result.token.exchange) === 'use_dpop_nonce') {
        throw new Blocked('the server asked for a DPoP nonce again, after a proof with its nonce', exchanges);
      }
      // §4.3 (11): with a server-provided nonce, the nonce rather than iat dates the proof.
      if (flaw === 'stale-iat' && result.accessToken && result.dpopNonce) {
        throw new NotApplicable('the server dates proofs by its DPoP nonce, not by iat (RFC 9449 §4.3, §8)');
      }
      return { exchanges: [control.token.exchange, ...exchanges], result };
    },
    judge: ({ result }) => refusedVerdict(result, { rule: check.rule, expected: 'refused: no token' }),
  });
}

export const wrongHtmRefused = flawedProofCheck('wrong-htm', {
  title: 'a token request whose DPoP proof names another method (htm) is refused',
  level: 'MUST',
  spec: [rfc(9449, '4.3')],
  rule: 'the htm claim of a proof MUST match the method of the request it comes with, or a proof made for one request serves another',
});

export const wrongHtuRefused = flawedProofCheck('wrong-htu', {
  title: 'a token request whose DPoP proof names another URI (htu) is refused',
  level: 'MUST',
  spec: [rfc(9449, '4.3')],
  rule: 'the htu claim of a proof MUST match the URI of the request it comes with (query and fragment aside), or a proof made for one server serves another',
});

export const staleIatRefused = flawedProofCheck('stale-iat', {
  title: 'a token request whose DPoP proof was created a day ago (iat) is refused',
  level: 'MUST',
  spec: [rfc(9449, '4.3'), rfc(9449, '11.1')],
  rule: 'a proof MUST be accepted only within a limited time after its creation (iat), preferably seconds or minutes',
});

export const replayedJtiRefused = flawedProofCheck('replayed-jti', {
  title: 'a DPoP proof sent a second time (same jti) is refused',
  // §11.1 describes jti replay detection as what a server can do (no MUST): a replay accepted is a warning.
  level: 'SHOULD',
  spec: [rfc(9449, '11.1'), rfc(9449, '4.2')],
  rule: 'a server can remember the jti of each proof while it would accept it and decline a request whose jti it has seen, which stops a captured proof from being replayed',
});

/** Judges a request the resource must refuse: refused passes, accepted fails, a 5xx or no answer proves nothing. */
function refusedByResource(exchange: Exchange, rule: Rule): Verdict {
  const status = exchange.response?.status ?? 0;
  if (status >= 200 && status < 300) return fail({ ...rule, actual: describeExchange(exchange) });
  return judgedByServer(exchange) ? pass(describeExchange(exchange)) : couldNotRun(`the resource did not judge the request: ${describeExchange(exchange)}`);
}

function presentationCheck(how: Presentation, check: { id: `dpop.${string}`; title: string; spec: SpecRef; rule: string }) {
  return defineCheck({
    id: check.id,
    area: 'dpop',
    scope: 'resource',
    title: check.title,
    level: 'MUST',
    spec: [check.spec],
    requires: { grantUses: 'dpop', control: 'the resource accepts the token presented as DPoP with a proof' },
    gather: async (run: SuiteRun, name: string) => {
      const control = await resourceAcceptsDpop(run, name);
      const { exchange } = await misusedPresentation(run, name, how);
      return { exchanges: [control, exchange], exchange };
    },
    judge: ({ exchange }) => refusedByResource(exchange, { rule: check.rule, expected: 'refused (401)' }),
  });
}

export const bearerRefused = presentationCheck('as-bearer', {
  id: 'dpop.bearer-refused',
  title: 'the resource refuses a DPoP-bound token presented as a Bearer token',
  spec: rfc(9449, '7.2'),
  rule: 'a resource that takes both schemes MUST refuse a DPoP-bound token presented as a bearer token, or a stolen one works without the key',
});

export const proofRequired = presentationCheck('without-proof', {
  id: 'dpop.proof-required',
  title: 'the resource refuses a DPoP-bound token presented without a DPoP proof',
  spec: rfc(9449, '7.1'),
  rule: 'a resource MUST check that a DPoP-bound token comes with a valid proof of its key',
});
