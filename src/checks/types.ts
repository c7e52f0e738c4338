import type { Exchange } from '../http/exchange.js';

/** The fixed vocabulary of areas: Allure feature, JUnit classname suffix, and `--only` selector. */
export const AREAS = [
  'discovery',
  'jwks',
  'token-response',
  'error-response',
  'authorization-code',
  'pkce',
  'refresh',
  'lifetime',
  'resource-access',
  'revocation',
  'introspection',
  'userinfo',
  'transport',
  'client-auth',
  'dpop',
  'par',
] as const;
export type Area = (typeof AREAS)[number];

export interface SpecRef {
  /** Short citation shown in reports and as an Allure tag, e.g. "RFC 6749 §5.1". */
  ref: string;
  url: string;
}

/** Every section a rule rests on; the first is the primary citation, shown where only one fits (JUnit's failure type). */
export type Citations = readonly [SpecRef, ...SpecRef[]];

/** MUST violations fail the run; SHOULD violations are warnings. */
export type Level = 'MUST' | 'SHOULD';

/** `blocked`: the answer came for another reason than the rule (a refused client, a 5xx, a 429), so it proves nothing. */
export type Verdict =
  { status: 'pass'; message: string } | { status: 'fail'; message: string; expected: string; actual: string } | { status: 'blocked'; message: string };

/** What a check judges: the exchanges it read (attached to the report) plus values taken from them. */
export interface Evidence {
  exchanges: Exchange[];
  /** What the check observed beyond HTTP exchanges (e.g. TLS handshakes), attached to the report as well. */
  observed?: unknown;
}

/** Evidence of one exchange the judge reads, among those attached. */
export interface ExchangeEvidence extends Evidence {
  exchange: Exchange;
}

/** What a check runs over: once per suite, once per grant, or once per protected resource. */
export type Scope = 'suite' | 'grant' | 'resource';

export function pass(message: string): Verdict {
  return { status: 'pass', message };
}

/** A rule in words, without its citations (they are the check's spec), and what obeying it looks like. */
export interface Rule {
  rule: string;
  expected: string;
}

export function fail({ rule, expected, actual }: Rule & { actual: string }): Verdict {
  return { status: 'fail', message: rule, expected, actual };
}

export function couldNotRun(message: string): Verdict {
  return { status: 'blocked', message };
}

/** A JSON value as a verdict shows it; a member that is missing says so rather than vanishing. */
export function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}
