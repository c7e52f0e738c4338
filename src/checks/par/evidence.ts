import type { Authorization } from '../../flows/authorization-code.js';
import { describeExchange, type Exchange } from '../../http/exchange.js';
import { couldNotRun, fail, pass, type Rule, type Verdict } from '../types.js';

/** How the authorization endpoint answered a request the rule says it must refuse. */
export type AuthorizationAnswer =
  | { kind: 'accepted'; how: string }
  | { kind: 'refused'; how: string }
  /** Neither: no answer, a server error, a page, or a refusal for another reason than the request_uri. */
  | { kind: 'unclear'; how: string };

/** Errors that refuse the request itself (RFC 6749 §4.1.2.1; invalid_request_uri, RFC 9101 §7). */
const REQUEST_ERRORS = ['invalid_request', 'invalid_request_uri'];

/**
 * Reads where an authorization ended: a code is acceptance; an error redirect to redirect_uri with
 * invalid_request(_uri), or an error page (4xx) since a server that cannot trust the request does not redirect,
 * is a refusal. A 5xx, a page, a login on another host or another error code proves nothing.
 */
export function authorizationAnswer(authorization: Authorization): AuthorizationAnswer {
  if (authorization.code) return { kind: 'accepted', how: 'redirected back to redirect_uri with a code' };
  const error = authorization.callback?.searchParams.get('error');
  if (error)
    return REQUEST_ERRORS.includes(error)
      ? { kind: 'refused', how: `redirected back with error=${error}` }
      : { kind: 'unclear', how: `redirected back with error=${error}, not a refusal of the request itself` };
  const last = authorization.exchanges.at(-1);
  const status = last?.response?.status;
  if (last && status !== undefined && status >= 400 && status < 500 && status !== 429)
    return { kind: 'refused', how: `an error page: ${describeExchange(last)}` };
  return { kind: 'unclear', how: authorization.failure ?? 'the authorization ended without a code or an error' };
}

/** What a refusal at the authorization endpoint is judged on: the probe's answer, and whether its control got a code. */
export function refusalEvidence(control: Authorization, probe: Authorization, exchanges: Exchange[] = probe.exchanges) {
  return { exchanges, controlCode: control.code !== undefined, control: control.failure ?? '', answer: authorizationAnswer(probe) };
}

/** Pass when the authorization endpoint refused what the rule forbids, given that the control got a code. */
export function refusedAtAuthorization({
  controlCode,
  control,
  answer,
  ...rule
}: Rule & { controlCode: boolean; control: string; answer: AuthorizationAnswer }): Verdict {
  if (!controlCode) return couldNotRun(`the control got no code, so a refusal proves nothing: ${control}`);
  if (answer.kind === 'accepted') return fail({ ...rule, actual: answer.how });
  return answer.kind === 'refused' ? pass(answer.how) : couldNotRun(answer.how);
}
