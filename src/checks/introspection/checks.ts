import { Blocked } from '../../flows/blocked.js';
import type { IntrospectionProbe } from '../../flows/flow-keys.js';
import { answeredAfterExpiry } from '../../flows/grant-tokens.js';
import { claimsOf } from '../../flows/jwt.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import type { TokenResult } from '../../flows/token.js';
import { codeSaid, describeExchange, isObject, jsonOf, type Exchange } from '../../http/exchange.js';
import { defineCheck } from '../check.js';
import { grantedScope } from '../refresh/probes.js';
import { rfc } from '../spec.js';
import { fail, pass, show, type Verdict } from '../types.js';
import { refusedForAnotherReason, unauthenticatedVerdict } from '../verdicts.js';
import { introspection } from './probes.js';

/** Token introspection (RFC 7662), wherever the suite or its metadata names an introspection endpoint. */

const introspectionCheck = { area: 'introspection', scope: 'grant', level: 'MUST' } as const;
const CONTROL = "introspecting the grant's own access token says active true";

/** The members of a token as issued that an introspection response must not contradict (RFC 7662 §2.2). */
export interface Issued {
  clientId: string;
  /** The scope the token response or the JWT states; undefined when neither states one. */
  scope?: string[];
  /** When it expires, in seconds since the epoch, give or take `tolerance` seconds. */
  exp?: number;
  tolerance: number;
}

/** What the server said when it issued the token: the JWT's own exp, else the token response's time plus expires_in. */
function issued(run: SuiteRun, grant: string, token: TokenResult): Issued {
  const own = run.suite.grant(grant);
  const claims = token.accessToken ? claimsOf(token.accessToken) : undefined;
  const scope = grantedScope(token, '');
  const expiresIn = token.issued?.expires_in;
  const { startedAt, durationMs } = token.token.exchange;
  const fromResponse = typeof expiresIn === 'number' ? Math.round(Date.parse(startedAt) / 1000 + expiresIn) : undefined;
  return {
    clientId: run.suite.client(own.client).id,
    scope: scope.length ? scope : undefined,
    exp: typeof claims?.exp === 'number' ? claims.exp : fromResponse,
    // A JWT's exp is exact; expires_in counts from when the server answered, so the clocks' skew and the request's time.
    tolerance: typeof claims?.exp === 'number' ? 0 : Number(run.suite.expect.clock_skew ?? 60) + Math.ceil(durationMs / 1000) + 1,
  };
}

/** The introspection response's JSON object, or why it is none. */
function responseOf(exchange: Exchange): Record<string, unknown> | string {
  if (exchange.response?.status !== 200) return `${describeExchange(exchange)}${codeSaid(exchange)}`;
  const body = jsonOf(exchange);
  if (!body.ok) return body.reason;
  return isObject(body.value) ? body.value : `not a JSON object: ${show(body.value)}`;
}

/** What an introspection response says that contradicts the token as issued; members it leaves out contradict nothing. */
function contradictions(body: Record<string, unknown>, expected: Issued): string[] {
  const found: string[] = [];
  if (body.client_id !== undefined && body.client_id !== expected.clientId) found.push(`client_id ${show(body.client_id)}, issued to "${expected.clientId}"`);
  if (body.scope !== undefined && expected.scope) {
    const said = typeof body.scope === 'string' ? [...new Set(body.scope.split(' ').filter(Boolean))] : [];
    const same = said.length === expected.scope.length && said.every((s) => expected.scope!.includes(s));
    if (!same) found.push(`scope ${show(body.scope)}, granted "${expected.scope.join(' ')}"`);
  }
  if (body.exp !== undefined && expected.exp !== undefined && (typeof body.exp !== 'number' || Math.abs(body.exp - expected.exp) > expected.tolerance))
    found.push(`exp ${show(body.exp)}, issued to expire at ${expected.exp}${expected.tolerance ? ` (± ${expected.tolerance} s)` : ''}`);
  return found;
}

/** RFC 7662 §2.2: active true, and client_id, scope and exp, where present, as the token was issued. */
export function activeVerdict(exchange: Exchange, expected: Issued): Verdict {
  const rule = 'an active token is introspected as active: true, and the members given describe the token as it was issued';
  const body = responseOf(exchange);
  if (typeof body === 'string') return fail({ rule, expected: '200 with a JSON object, active: true', actual: body });
  if (body.active !== true) return fail({ rule, expected: 'active: true', actual: `active: ${show(body.active)}` });
  const wrong = contradictions(body, expected);
  if (wrong.length) return fail({ rule, expected: `client_id "${expected.clientId}", the granted scope and exp`, actual: wrong.join('; ') });
  const absent = ['client_id', 'scope', 'exp'].filter((m) => body[m] === undefined);
  return pass(`active: true${absent.length ? `; ${absent.join(', ')} not given (OPTIONAL)` : ', client_id, scope and exp as issued'}`);
}

/** RFC 7662 §2.2: a token that is not active gets a response with active false, not an error. */
export function inactiveVerdict(exchange: Exchange, what: string): Verdict {
  const rule = `the server MUST answer a properly authorized introspection of ${what} with active: false`;
  const body = responseOf(exchange);
  if (typeof body === 'string') return fail({ rule, expected: '200 with a JSON object, active: false', actual: body });
  return body.active === false ? pass('active: false') : fail({ rule, expected: 'active: false', actual: `active: ${show(body.active)}` });
}

/** The introspection of the grant's own token, which the refusals and inactive answers need as their control. */
async function control(run: SuiteRun, grant: string, needActive: boolean): Promise<Exchange> {
  const { exchange } = (await introspection(run, grant, 'active')).introspection;
  const body = responseOf(exchange);
  const works = typeof body !== 'string' && (!needActive || body.active === true);
  if (!works) throw new Blocked(`introspection of the grant's own token does not say it is active (see introspection.active)`, [exchange]);
  return exchange;
}

export const active = defineCheck({
  id: 'introspection.active',
  title: "the grant's access token is active, with the client_id, scope and exp it was issued with",
  ...introspectionCheck,
  spec: [rfc(7662, '2.2')],
  requires: { endpoint: 'introspection_endpoint' },
  gather: async (run: SuiteRun, grant: string) => {
    const { token, introspection: result } = await introspection(run, grant, 'active');
    const other = refusedForAnotherReason(result.exchange);
    if (other) throw new Blocked(other, [result.exchange]);
    if (answeredAfterExpiry(token!, result.exchange))
      throw new Blocked(`the token may have expired before the introspection was answered (expires_in ${String(token!.issued?.expires_in)} s)`, [
        token!.token.exchange,
        result.exchange,
      ]);
    return { exchanges: [token!.token.exchange, result.exchange], exchange: result.exchange, expected: issued(run, grant, token!) };
  },
  judge: ({ exchange, expected }) => activeVerdict(exchange, expected),
});

/** A check that a token of one kind is introspected as not active, with the grant's own token as control. */
function inactiveCheck(probe: Exclude<IntrospectionProbe, 'active' | 'unauthenticated'>, what: string) {
  return async (run: SuiteRun, grant: string) => {
    const [controlled, { introspection: result, before }] = await Promise.all([control(run, grant, true), introspection(run, grant, probe)]);
    const exchanges = [controlled, ...(before ? [before.exchange] : []), result.exchange];
    const other = refusedForAnotherReason(result.exchange);
    if (other) throw new Blocked(other, exchanges);
    return { exchanges, exchange: result.exchange, what };
  };
}

const inactiveRequires = { endpoint: 'introspection_endpoint', control: CONTROL } as const;

export const revokedInactive = defineCheck({
  id: 'introspection.revoked-inactive',
  title: 'a revoked access token is introspected as active: false',
  ...introspectionCheck,
  spec: [rfc(7662, '2.2'), rfc(7009, '2.1')],
  requires: inactiveRequires,
  gather: inactiveCheck('revoked', 'a revoked token'),
  judge: ({ exchange, what }) => inactiveVerdict(exchange, what),
});

export const invalidInactive = defineCheck({
  id: 'introspection.invalid-inactive',
  title: 'a token the server never issued is introspected as active: false',
  ...introspectionCheck,
  spec: [rfc(7662, '2.2')],
  requires: inactiveRequires,
  gather: inactiveCheck('invalid', 'a token that does not exist'),
  judge: ({ exchange, what }) => inactiveVerdict(exchange, what),
});

export const expiredInactive = defineCheck({
  id: 'introspection.expired-inactive',
  title: 'an access token past its expires_in is introspected as active: false (--long)',
  ...introspectionCheck,
  spec: [rfc(7662, '2.2')],
  requires: { ...inactiveRequires, long: true },
  gather: inactiveCheck('expired', 'an expired token'),
  judge: ({ exchange, what }) => inactiveVerdict(exchange, what),
});

export const requiresClientAuth = defineCheck({
  id: 'introspection.requires-client-auth',
  title: "introspection without the client's credentials is refused with 401 invalid_client",
  ...introspectionCheck,
  spec: [rfc(7662, '2.1'), rfc(7662, '2.3'), rfc(6749, '5.2')],
  requires: { endpoint: 'introspection_endpoint', control: "introspection of the same token with the client's credentials answers 200" },
  gather: async (run: SuiteRun, grant: string) => {
    const [controlled, { introspection: result }] = await Promise.all([control(run, grant, false), introspection(run, grant, 'unauthenticated')]);
    return { exchanges: [controlled, result.exchange], exchange: result.exchange };
  },
  judge: ({ exchange }) =>
    unauthenticatedVerdict(exchange, {
      rule: 'the introspection endpoint MUST require authorization, and a request whose client credentials are missing gets 401 invalid_client',
      expected: '401 invalid_client',
      status401: true,
    }),
});
