import { NotApplicable } from '../../flows/blocked.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { describeExchange, isObject, jsonOf } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { rfc } from '../spec.js';
import { couldNotRun, fail, pass, show } from '../types.js';
import { refusalEvidence, refusedAtAuthorization } from './evidence.js';
import { pushedAuthorization, requestUriExpired, requestUriReuse, unauthenticatedPush, withoutPar } from './probes.js';

/** Pushed authorization requests (RFC 9126), where the metadata (or the suite) names the endpoint. */

const parCheck = {
  area: 'par',
  level: 'MUST',
  scope: 'grant',
  requires: { grantTypes: ['authorization_code'], grantUses: 'par', endpoint: 'pushed_authorization_request_endpoint' },
} as const;
const CONTROL = 'a pushed authorization walked with its request_uri at once gets a code';

export const pushResponse = defineCheck({
  id: 'par.push-response',
  title: 'a pushed authorization request is answered 201 with request_uri and a positive expires_in',
  ...parCheck,
  spec: [rfc(9126, '2.2')],
  gather: async (run: SuiteRun, grant: string) => {
    const { result } = (await pushedAuthorization(run, grant)).pushed!;
    const body = jsonOf(result.exchange);
    return {
      exchanges: [result.exchange],
      status: result.response?.status,
      body: body.ok ? body.value : undefined,
      described: describeExchange(result.exchange),
    };
  },
  judge: ({ status, body, described }) => {
    if (status === undefined || status >= 500 || status === 429) return couldNotRun(`the push got no usable answer: ${described}`);
    if (status >= 400) return couldNotRun(`the push was refused, so its success response cannot be judged: ${described}`);
    const rule = {
      rule: 'a successful push is answered 201 Created with a JSON object holding request_uri and expires_in, a positive integer',
      expected: '201 {"request_uri": "…", "expires_in": n > 0}',
    };
    if (status !== 201) return fail({ ...rule, actual: `HTTP ${status}` });
    if (!isObject(body)) return fail({ ...rule, actual: 'a body that is not a JSON object' });
    const { request_uri: requestUri, expires_in: expiresIn } = body;
    if (typeof requestUri !== 'string' || !requestUri) return fail({ ...rule, actual: `request_uri ${show(requestUri)}` });
    if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn <= 0) return fail({ ...rule, actual: `expires_in ${show(expiresIn)}` });
    return pass(`201 with a request_uri, expires_in ${expiresIn}`);
  },
});

export const requestUriSingleUse = defineCheck({
  id: 'par.request-uri-single-use',
  title: 'a request_uri already used is refused at the authorization endpoint',
  ...parCheck,
  level: 'SHOULD',
  spec: [rfc(9126, '4'), rfc(9126, '7.3')],
  requires: { ...parCheck.requires, control: 'the first use of the request_uri gets a code' },
  gather: async (run: SuiteRun, grant: string) => {
    const { first, again } = await requestUriReuse(run, grant);
    return refusalEvidence(first, again, [...first.exchanges, ...again.exchanges]);
  },
  judge: (evidence) =>
    refusedAtAuthorization({
      ...evidence,
      rule: 'authorization servers SHOULD treat request_uri values as one-time use',
      expected: 'the second use refused (invalid_request_uri, or an error page)',
    }),
});

export const requestUriExpiry = defineCheck({
  id: 'par.request-uri-expiry',
  title: 'a request_uri is refused once its expires_in has passed',
  ...parCheck,
  spec: [rfc(9126, '2.2'), rfc(9126, '4')],
  requires: { ...parCheck.requires, long: true, control: CONTROL },
  gather: async (run: SuiteRun, grant: string) => {
    const [control, { pushed, waited, after }] = await Promise.all([pushedAuthorization(run, grant), requestUriExpired(run, grant)]);
    return { ...refusalEvidence(control, after, [...pushed.exchanges, ...after.exchanges]), waited };
  },
  judge: ({ waited, ...evidence }) =>
    refusedAtAuthorization({
      ...evidence,
      rule: `expires_in is the lifetime of the request URI; used ${waited} s after the push, past it, the request URI must be refused`,
      expected: 'refused (invalid_request_uri, or an error page)',
    }),
});

export const requiredHonoured = defineCheck({
  id: 'par.required-honoured',
  title: 'where the metadata says require_pushed_authorization_requests, a request not pushed is refused',
  ...parCheck,
  spec: [rfc(9126, '5'), rfc(9126, '4')],
  requires: { ...parCheck.requires, control: CONTROL },
  gather: async (run: SuiteRun, grant: string) => {
    if ((await run.declared('require_pushed_authorization_requests')) !== true)
      throw new NotApplicable('the metadata does not declare require_pushed_authorization_requests: true');
    const [control, plain] = await Promise.all([pushedAuthorization(run, grant), withoutPar(run, grant)]);
    return refusalEvidence(control, plain);
  },
  judge: (evidence) =>
    refusedAtAuthorization({
      ...evidence,
      rule: 'a server that accepts authorization request data only via PAR refuses, with invalid_request, a request without a request_uri from its PAR endpoint',
      expected: 'refused (invalid_request, or an error page)',
    }),
});

export const clientAuthentication = defineCheck({
  id: 'par.client-authentication',
  title: 'a push without the client authentication of a confidential client is refused',
  ...parCheck,
  spec: [rfc(9126, '2.1'), rfc(9126, '2')],
  requires: { ...parCheck.requires, control: 'the same push, authenticated, gets a request_uri' },
  gather: async (run: SuiteRun, grant: string) => {
    const client = run.client(run.suite.codeGrant(grant).client);
    if (client.auth === 'none' || !client.secret) throw new NotApplicable(`client ${client.id} is public: it has no authentication to leave out`);
    const [control, bare] = await Promise.all([pushedAuthorization(run, grant), unauthenticatedPush(run, grant)]);
    const exchange = bare.result.exchange;
    return {
      exchanges: [control.pushed!.result.exchange, exchange],
      controlOk: control.pushed?.requestUri !== undefined,
      control: describeExchange(control.pushed!.result.exchange),
      status: bare.result.response?.status,
      granted: bare.requestUri !== undefined,
      described: describeExchange(exchange),
    };
  },
  judge: ({ controlOk, control, status, granted, described }) => {
    if (!controlOk) return couldNotRun(`the authenticated push got no request_uri, so a refusal proves nothing: ${control}`);
    if (granted)
      return fail({
        rule: 'the authorization server MUST authenticate the client at the PAR endpoint as at the token endpoint',
        expected: 'refused (401 or 400 invalid_client)',
        actual: `a request_uri: ${described}`,
      });
    return status === 400 || status === 401 ? pass(described) : couldNotRun(`neither a request_uri nor a refusal: ${described}`);
  },
});
