import { pathOf, type Change, type Difference } from './diff.js';

/** info: expected churn (key rotation); warn: worth a look; fail: clients will break. */
export type Severity = 'info' | 'warn' | 'fail';

type Judgement = readonly [Severity, (d: Difference) => string];

/** Judges the differences it matches; a change it has no judgement for falls through to the next rule. */
interface Rule extends Partial<Record<Change, Judgement>> {
  matches(d: Difference): boolean;
}

/** Lists whose values clients rely on: losing one breaks them. */
const CLIENT_LISTS = new Map([
  ['grant_types_supported', 'grant type'],
  ['response_types_supported', 'response type'],
  ['token_endpoint_auth_methods_supported', 'token endpoint auth method'],
  ['code_challenge_methods_supported', 'code challenge method'],
  ['scopes_supported', 'scope'],
]);

const ERROR_FIELDS = new Map([
  ['status', 'HTTP status'],
  ['error', 'error code'],
]);

/** First match wins; `otherwise` judges the rest. */
const RULES: Rule[] = [
  {
    matches: (d) => d.area === 'vendor',
    added: ['info', () => 'vendor is new: the baseline does not have it'],
    removed: ['fail', () => 'vendor is missing from this run'],
  },
  {
    matches: (d) => d.area === 'document' && d.at.length === 1,
    added: ['info', (d) => `the ${d.at[0]} document is now published`],
  },
  {
    matches: (d) => d.area === 'document' && d.at.length === 2 && d.at[1] === 'issuer',
    added: ['fail', (d) => `issuer is now declared as ${show(d.after)}`],
    removed: ['fail', (d) => `issuer ${show(d.before)} is no longer declared`],
    changed: ['fail', (d) => `issuer changed from ${show(d.before)} to ${show(d.after)}`],
  },
  {
    matches: (d) => d.area === 'document' && /(_endpoint|^jwks_uri)$/.test(last(d)),
    removed: ['fail', (d) => `${member(d)} ${show(d.before)} is no longer declared`],
    changed: ['fail', (d) => `${member(d)} moved from ${show(d.before)} to ${show(d.after)}`],
  },
  {
    matches: (d) => d.area === 'document' && d.element !== undefined && CLIENT_LISTS.has(last(d)),
    added: ['info', (d) => `${CLIENT_LISTS.get(last(d))} ${d.element} is now declared`],
    removed: ['fail', (d) => `${CLIENT_LISTS.get(last(d))} ${d.element} is no longer declared`],
  },
  {
    matches: (d) => d.area === 'jwks',
    added: ['info', (d) => `key ${d.element} was added to the JWKS (key rotation)`],
    removed: ['info', (d) => `key ${d.element} was removed from the JWKS (key rotation)`],
  },
  {
    matches: (d) => d.area === 'lifetimes',
    changed: ['warn', (d) => `expires_in of grant ${d.at[1]} changed from ${show(d.before)} to ${show(d.after)}`],
  },
  {
    matches: (d) => d.area === 'errors' && d.at.length === 3 && ERROR_FIELDS.has(last(d)),
    added: ['warn', errorChanged],
    removed: ['warn', errorChanged],
    changed: ['warn', errorChanged],
  },
];

const otherwise: Record<Change, Judgement> = {
  added: ['info', (d) => (d.element === undefined ? `${pathOf(d)} was added: ${show(d.after)}` : `${pathOf(d)} was added`)],
  removed: ['warn', (d) => `${pathOf(d)} was removed`],
  changed: ['warn', (d) => `${pathOf(d)} changed from ${show(d.before)} to ${show(d.after)}`],
};

export function judge(d: Difference): { severity: Severity; message: string } {
  const [severity, message] = RULES.find((rule) => rule.matches(d) && rule[d.change])?.[d.change] ?? otherwise[d.change];
  return { severity, message: message(d) };
}

function errorChanged(d: Difference): string {
  return `probe ${d.at[1]}: ${ERROR_FIELDS.get(last(d))} changed from ${show(d.before)} to ${show(d.after)}`;
}

function last(d: Difference): string {
  return d.at[d.at.length - 1] ?? '';
}

/** The member's path inside its document, e.g. "mtls_endpoint_aliases.token_endpoint". */
function member(d: Difference): string {
  return d.at.slice(1).join('.');
}

/** A value short enough for a one-line message. */
function show(value: unknown): string {
  if (value === undefined) return 'none';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
