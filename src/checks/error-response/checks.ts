import { Blocked, NotApplicable } from '../../flows/blocked.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import type { TokenEndpointProbe } from '../../flows/flow-keys.js';
import { codeSaid, describeExchange, errorCodeOf, isObject, issuedToken, jsonOf, judgedByServer, type Exchange } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { rfc } from '../spec.js';
import { couldNotRun, fail, pass, show, type ExchangeEvidence, type Rule, type Verdict } from '../types.js';
import { isJsonMediaType, refusedForAnotherReason } from '../verdicts.js';
import { tokenEndpointProbe } from './probes.js';
import { observedRefusals, type Refusal } from './refusals.js';

/**
 * Token endpoint errors (RFC 6749 §5.2) and requests it must refuse (§2.3.1, §3.1, §3.2). Every probe sends a
 * request a conforming server refuses; the checks read how.
 */

/** Error codes of RFC 6749 §5.2 and the OAuth Extensions Error Registry that a token endpoint may answer. */
const REGISTERED = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'invalid_dpop_proof',
  'use_dpop_nonce',
  'authorization_pending',
  'slow_down',
  'access_denied',
  'expired_token',
  'invalid_authorization_details',
  'server_error',
  'temporarily_unavailable',
  'unsupported_token_type',
]);

/** A probe's answer; a 5xx, a 429 that outlasted the retries, or no answer at all leaves nothing to judge. */
function probe(name: TokenEndpointProbe) {
  return async (run: SuiteRun): Promise<ExchangeEvidence> => {
    const { exchange } = await tokenEndpointProbe(run, name);
    if (!judgedByServer(exchange)) throw new Blocked(`the token endpoint did not judge the probe: ${describeExchange(exchange)}`, [exchange]);
    return { exchanges: [exchange], exchange };
  };
}

/** The controls the probes declare: what the same client, authenticated right, must get. */
const ACCEPTED = "the probes' client, authenticated right, is not refused as a client";
const ISSUED = "the probes' client, authenticated right, gets a client_credentials token";

/**
 * A probe proves its rule only against a control: the same client, authenticated right, asking for client_credentials.
 * Probes of an error code need the client authenticated (any answer but invalid_client, a 5xx or a 429); probes that
 * only expect a refusal need the control to get a token, or they would pass on a server that refuses everything.
 * A server that does not offer client_credentials to the client leaves the latter nothing to compare with.
 */
function controlled(name: TokenEndpointProbe, need: 'authenticated' | 'token') {
  return async (run: SuiteRun): Promise<ExchangeEvidence> => {
    const { exchange: control } = await tokenEndpointProbe(run, 'control');
    const other = refusedForAnotherReason(control);
    if (other) throw new Blocked(`the control request (the probe's client, authenticated right) failed, so a refusal would prove nothing: ${other}`, [control]);
    if (need === 'token' && !issuedToken(control)) {
      const code = errorCodeOf(control);
      if (code === 'unsupported_grant_type' || code === 'unauthorized_client') {
        throw new NotApplicable(
          `the server does not issue client_credentials tokens to the probes' client (${code}), so no request done right shows what a refusal proves`,
        );
      }
      throw new Blocked(
        `the control request (the probe's client, authenticated right) got no token, so a refusal would prove nothing: ${describeExchange(control)}${codeSaid(control)}`,
        [control],
      );
    }
    const evidence = await probe(name)(run);
    return { exchanges: [control, ...evidence.exchanges], exchange: evidence.exchange };
  };
}

/** The probe's answer and its error code, `undefined` when the body is not a JSON object (which breaks §5.2). */
function errorAnswer(evidence: (run: SuiteRun) => Promise<ExchangeEvidence>) {
  return async (run: SuiteRun): Promise<ExchangeEvidence & { error: unknown }> => {
    const gathered = await evidence(run);
    return { ...gathered, error: errorCodeOf(gathered.exchange) };
  };
}

/**
 * Whether the probes of refusals.ts have something to go with: a client with a secret, or an authorization_code grant.
 * A suite whose clients all sign assertions with a key (SMART Backend Services) has neither.
 */
function makesRefusedRequests(run: SuiteRun): boolean {
  const clients = run.suite.loaded.clients ?? {};
  return run.suite.grants().some(([, g]) => g.type === 'authorization_code' || clients[g.client]?.secret !== undefined);
}

/** Every refusal of the run (refusals.ts); without one, the error response rules cannot be judged. */
async function refusals(run: SuiteRun): Promise<{ exchanges: Exchange[]; refusals: Refusal[] }> {
  const observed = await observedRefusals(run);
  if (observed.length === 0 && !makesRefusedRequests(run)) {
    throw new NotApplicable('the suite has no client with a secret and no authorization_code grant: it makes none of the requests these rules judge');
  }
  if (observed.length === 0) throw new Blocked('the token endpoint refused none of the requests a conforming server refuses');
  return { exchanges: observed.map((r) => r.exchange), refusals: observed };
}

const section52 = { area: 'error-response', level: 'MUST', scope: 'suite', spec: [rfc(6749, '5.2')] } as const;

/** What an error response said, for messages: its status and error code, or that its body is not a JSON error. */
function errorSaid(exchange: Exchange, error: unknown): string {
  const body = jsonOf(exchange);
  return body.ok && isObject(body.value)
    ? `${exchange.response?.status} error ${show(error)}`
    : `${exchange.response?.status}, ${body.ok ? 'a JSON body that is not an object' : body.reason}`;
}

/** The error code the rule names; invalid_client for a request whose client authenticated right means the server judged the client, not the request. */
function errorCode({ code, rule }: { code: string; rule: string }) {
  return ({ exchange, error }: ExchangeEvidence & { error: unknown }): Verdict => {
    if (error === code) return pass(errorSaid(exchange, error));
    if (error === 'invalid_client')
      return couldNotRun(`the probe was refused as invalid_client although its control was accepted: ${describeExchange(exchange)}`);
    return fail({ rule, expected: `error "${code}"`, actual: errorSaid(exchange, error) });
  };
}

export const invalidClientBasic = defineCheck({
  id: 'error-response.invalid-client-basic',
  title: 'a wrong secret sent with Basic gets 401, WWW-Authenticate and invalid_client',
  ...section52,
  gather: errorAnswer(probe('wrong-secret-basic')),
  judge: ({ exchange, error }) => {
    const status = exchange.response?.status;
    const challenge = exchange.response?.headers['www-authenticate'];
    const actual = `${errorSaid(exchange, error)}, ${challenge ? `WWW-Authenticate: ${challenge}` : 'no WWW-Authenticate'}`;
    return status === 401 && challenge !== undefined && error === 'invalid_client'
      ? pass(actual)
      : fail({
          rule: 'a client that authenticated with the Authorization header and failed MUST get 401 with WWW-Authenticate, error invalid_client',
          expected: '401, WWW-Authenticate: Basic …, error "invalid_client"',
          actual,
        });
  },
});

export const invalidClientPost = defineCheck({
  id: 'error-response.invalid-client-post',
  title: 'a wrong client_secret in the body gets invalid_client',
  ...section52,
  gather: errorAnswer(probe('wrong-secret-post')),
  judge: errorCode({ code: 'invalid_client', rule: 'failed client authentication is answered with error invalid_client' }),
});

export const unsupportedGrantType = defineCheck({
  id: 'error-response.unsupported-grant-type',
  title: 'an unknown grant_type gets unsupported_grant_type',
  ...section52,
  requires: { control: ACCEPTED },
  gather: errorAnswer(controlled('unknown-grant-type', 'authenticated')),
  judge: errorCode({ code: 'unsupported_grant_type', rule: 'a grant type the server does not support is answered with error unsupported_grant_type' }),
});

export const missingParameter = defineCheck({
  id: 'error-response.missing-parameter',
  title: 'a request without grant_type gets invalid_request',
  ...section52,
  requires: { control: ACCEPTED },
  gather: errorAnswer(controlled('missing-grant-type', 'authenticated')),
  judge: errorCode({ code: 'invalid_request', rule: 'a request missing a required parameter is answered with error invalid_request' }),
});

export const status = defineCheck({
  id: 'error-response.status',
  title: 'token endpoint errors use 400 (or 401 for client authentication)',
  ...section52,
  gather: refusals,
  judge: ({ refusals }) => {
    // The Basic case has its own, stricter rule (error-response.invalid-client-basic).
    const wrong = refusals.filter((r) => r.ownCheck !== invalidClientBasic.id && ![400, 401].includes(r.exchange.response?.status ?? 0));
    return wrong.length === 0
      ? pass(`${refusals.length} refusals: ${[...new Set(refusals.map((r) => r.exchange.response?.status))].join(', ')}`)
      : fail({
          rule: 'an error response uses 400 Bad Request unless specified otherwise, 401 for failed client authentication',
          expected: '400 or 401',
          actual: wrong.map((r) => `${r.case}: ${describeExchange(r.exchange)}`).join('; '),
        });
  },
});

export const json = defineCheck({
  id: 'error-response.json',
  title: 'token endpoint errors are application/json objects with an error member',
  ...section52,
  gather: refusals,
  judge: ({ refusals }) => {
    const wrong = refusals.filter(
      ({ exchange }) => !isJsonMediaType(exchange.response?.headers['content-type'] ?? '') || typeof errorCodeOf(exchange) !== 'string',
    );
    return wrong.length === 0
      ? pass(`${refusals.length} error responses, all JSON with an error member`)
      : fail({
          rule: 'error parameters are returned in the body as application/json, with an error member',
          expected: 'Content-Type: application/json; {"error": "…"}',
          actual: wrong
            .map((r) => `${r.case}: ${describeExchange(r.exchange)} (${r.exchange.response?.headers['content-type'] ?? 'no Content-Type'})`)
            .join('; '),
        });
  },
});

export const registeredCode = defineCheck({
  id: 'error-response.registered-code',
  title: 'token endpoint error codes are registered ones',
  ...section52,
  spec: [rfc(6749, '5.2'), rfc(6749, '11.4')],
  gather: refusals,
  judge: ({ refusals }) => {
    const codes = refusals.map((r) => errorCodeOf(r.exchange)).filter((c): c is string => typeof c === 'string');
    const unknown = codes.filter((c) => !REGISTERED.has(c));
    return unknown.length === 0
      ? pass(`codes: ${[...new Set(codes)].join(', ') || '(none readable)'}`)
      : fail({
          rule: 'error is one of the codes defined for token endpoint errors or registered in the OAuth Extensions Error Registry',
          expected: 'a registered error code',
          actual: [...new Set(unknown)].join(', '),
        });
  },
});

export const codeForCase = defineCheck({
  id: 'error-response.code-for-case',
  title: 'each refusal names the error code its case has (invalid_grant, invalid_scope, unauthorized_client, …)',
  ...section52,
  spec: [rfc(6749, '5.2'), rfc(7636, '4.6')],
  gather: refusals,
  judge: ({ refusals }) => {
    // invalid_client says the client was not authenticated, so the case itself was never judged.
    const judged = refusals.filter((r) => !r.ownCheck && errorCodeOf(r.exchange) !== 'invalid_client');
    if (judged.length === 0) return couldNotRun('no refusal of a case with its own error code was answered for the case itself');
    const said = (r: Refusal) => `${r.case}: ${errorSaid(r.exchange, errorCodeOf(r.exchange))}`;
    const wrong = judged.filter((r) => !r.expected.includes(errorCodeOf(r.exchange) as string));
    return wrong.length === 0
      ? pass(judged.map(said).join('; '))
      : fail({
          rule: 'the error code says what was wrong with the request, as defined for each case',
          // Each case's code is named in a section of its own (refusals.ts), so expected cites it.
          expected: wrong.map((r) => `${r.case}: ${r.expected.join(' or ')} (${r.cite})`).join('; '),
          actual: wrong.map(said).join('; '),
        });
  },
});

/** Requests that must not get a token, whatever the error looks like. */
function refused(rule: Rule) {
  return ({ exchange }: ExchangeEvidence): Verdict =>
    issuedToken(exchange) ? fail({ ...rule, actual: `${describeExchange(exchange)} with a token` }) : pass(describeExchange(exchange));
}

export const getRefused = defineCheck({
  id: 'error-response.get-refused',
  title: 'the token endpoint issues no token to a GET',
  area: 'error-response',
  level: 'SHOULD',
  scope: 'suite',
  spec: [rfc(6749, '3.2')],
  requires: { control: ISSUED },
  gather: controlled('get', 'token'),
  judge: refused({ rule: 'the token endpoint is used with POST; a GET puts credentials and grants into URLs and logs', expected: 'no token for a GET' }),
});

export const duplicateParameter = defineCheck({
  id: 'error-response.duplicate-parameter',
  title: 'a request with a parameter twice gets no token',
  area: 'error-response',
  level: 'MUST',
  scope: 'suite',
  spec: [rfc(6749, '3.1'), rfc(6749, '5.2')],
  requires: { control: ISSUED },
  gather: controlled('duplicate-parameter', 'token'),
  judge: refused({ rule: 'request parameters MUST NOT be included more than once; such a request is invalid_request', expected: 'refused' }),
});

export const formBodyRequired = defineCheck({
  id: 'error-response.form-body-required',
  title: 'a JSON body instead of a form gets no token',
  area: 'error-response',
  level: 'SHOULD',
  scope: 'suite',
  spec: [rfc(6749, '4.4.2'), rfc(6749, '3.2')],
  requires: { control: ISSUED },
  gather: controlled('json-body', 'token'),
  judge: refused({
    rule: 'token requests are application/x-www-form-urlencoded; accepting other bodies invites clients that break elsewhere',
    expected: 'refused',
  }),
});

export const queryCredentials = defineCheck({
  id: 'error-response.query-credentials',
  title: 'client credentials in the query string get no token',
  area: 'error-response',
  level: 'MUST',
  scope: 'suite',
  spec: [rfc(6749, '2.3.1')],
  requires: { control: ISSUED },
  gather: controlled('credentials-in-query', 'token'),
  judge: refused({ rule: 'client credentials can only be transmitted in the request body and MUST NOT be included in the request URI', expected: 'refused' }),
});
