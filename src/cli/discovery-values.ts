/**
 * What `conformance init` takes from a discovery document: only the members it knows, and only values of the shape
 * each must have. The server chose them, so anything else is left out, and said so, rather than written to a suite.
 */

/** Members that name an endpoint: RFC 8414 §2, OpenID Connect Discovery §3, RFC 8628, RFC 9126, CIBA, SMART App Launch. */
const ENDPOINT_MEMBERS = [
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'registration_endpoint',
  'revocation_endpoint',
  'introspection_endpoint',
  'end_session_endpoint',
  'device_authorization_endpoint',
  'pushed_authorization_request_endpoint',
  'backchannel_authentication_endpoint',
  'management_endpoint',
];

const LIST_MEMBERS = ['grant_types_supported', 'token_endpoint_auth_methods_supported', 'code_challenge_methods_supported'] as const;
type ListMember = (typeof LIST_MEMBERS)[number];

// Only the characters RFC 3986 §2 allows in a URI: no space, line break, double quote or brace, so a URL never ends a
// comment line and never holds a ${VARIABLE} reference (the suite has no escape for one).
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;
// Registered values of the listed members are words (grant types may be URNs).
const WORD = /^[A-Za-z0-9\-._~:/+]+$/;

export interface Declared {
  /** The issuer, as the document states it. */
  issuer?: string;
  /** Endpoint member → its URL, in the document's order. */
  endpoints: Array<[member: string, url: string]>;
  /** The words each list member holds; empty when it is not stated. */
  lists: Record<ListMember, string[]>;
  /** scopes_supported includes openid: compared, never written, so its other entries may be anything. */
  openidScope: boolean;
  /** What was left out and why. Member names only: a server's text stays out of a note too. */
  notes: string[];
}

export function declaredValues(document: Record<string, unknown>): Declared {
  const notes: string[] = [];
  const url = (member: string): string | undefined => {
    const value = document[member];
    if (value === undefined) return undefined;
    if (isHttpUrl(value)) return value;
    notes.push(`${member} (not an http(s) URL)`);
    return undefined;
  };
  const issuer = url('issuer');
  const endpoints = Object.keys(document)
    .filter((member) => ENDPOINT_MEMBERS.includes(member))
    .flatMap((member) => {
      const value = url(member);
      return value === undefined ? [] : [[member, value] as [string, string]];
    });
  const list = (member: string): string[] => {
    const value = document[member];
    if (!Array.isArray(value)) return [];
    const words = value.filter((item): item is string => typeof item === 'string' && WORD.test(item));
    const left = value.length - words.length;
    if (left > 0) notes.push(`${left} ${left === 1 ? 'value' : 'values'} of ${member} (not a word)`);
    return words;
  };
  const lists = Object.fromEntries(LIST_MEMBERS.map((member) => [member, list(member)])) as Declared['lists'];
  const scopes = document.scopes_supported;
  return { issuer, endpoints, lists, openidScope: Array.isArray(scopes) && scopes.includes('openid'), notes };
}

/** An absolute http: or https: URL written with URI characters only. */
export function isHttpUrl(value: unknown): value is string {
  return typeof value === 'string' && URI_CHARACTERS.test(value) && URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol);
}
