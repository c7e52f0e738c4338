import type { ProviderSettings } from './authorization-server.js';
import { dpopProfiles } from './dpop-profiles.js';
import type { FaultProfile } from './fault-profile.js';
import { hostileProfiles } from './hostile-profiles.js';
import { mtlsProfiles } from './mtls-profiles.js';
import { parProfiles } from './par-profiles.js';
import { requestProfiles } from './request-profiles.js';

// Lifetimes short enough for --long checks to wait out.
// Tokens live 5 s: a run on a loaded 2-core machine took over 3 s from a token's request to the resource's answer, and
// such an answer proves nothing (the token may have run out on the way).
const SHORT_LIVED: Partial<ProviderSettings> = { accessTokenTtl: 5, codeTtl: 5, parTtl: 5 };

const responseProfiles: FaultProfile[] = [
  {
    name: 'conformant',
    description: 'A conformant authorization server and protected resource.',
    breaks: [],
    faults: [],
  },
  {
    name: 'short-lived',
    description: 'Conformant, with access tokens and codes that expire within seconds.',
    breaks: [],
    faults: [],
    settings: SHORT_LIVED,
    long: true,
  },
  {
    name: 'wrong-password',
    description: "Conformant, but SANDBOX_PASSWORD is not the account's: a browser login fails on the sign-in page (suite local-browser).",
    breaks: [],
    faults: [],
    wrongPassword: true,
  },
  {
    name: 'loading-banner',
    description:
      'Conformant, but the sign-in page sends its form from a script and shows a "Loading..." alert until the answer, 1.5 s later, replaces the page: a browser login still succeeds (suite local-browser).',
    breaks: [],
    faults: [],
    loadingBanner: true,
  },
  {
    name: 'discovery-error',
    // A 500 would say nothing about the document (could not run); a 404 says it is not where RFC 8414 §3 puts it.
    description: 'The discovery document answers HTTP 404 with a JSON error body.',
    breaks: ['discovery.reachable'],
    faults: [
      {
        kind: 'replace-response',
        endpoint: 'discovery',
        status: 404,
        body: { error: 'not_found', error_description: 'no metadata here' },
      },
    ],
  },
  {
    name: 'discovery-not-json',
    description: 'The discovery document is served as text/plain.',
    breaks: ['discovery.json'],
    faults: [{ kind: 'set-header', endpoint: 'discovery', header: 'Content-Type', value: 'text/plain' }],
  },
  {
    name: 'discovery-schema',
    description: 'The discovery document lacks the REQUIRED response_types_supported.',
    breaks: ['discovery.schema'],
    faults: [{ kind: 'edit-body', endpoint: 'discovery', op: 'remove', member: 'response_types_supported' }],
  },
  {
    name: 'metadata-unregistered-values',
    description: 'The discovery document lists a grant type that is neither registered nor a URI ("client-secret").',
    breaks: ['discovery.registered-values'],
    faults: [{ kind: 'edit-body', endpoint: 'discovery', op: 'append', member: 'grant_types_supported', item: 'client-secret' }],
  },
  {
    name: 'issuer-mismatch',
    description: "The discovery document's issuer has a trailing slash the issuer identifier lacks.",
    breaks: ['discovery.issuer-match'],
    faults: [{ kind: 'edit-body', endpoint: 'discovery', op: 'suffix', member: 'issuer', suffix: '/' }],
  },
  {
    name: 'endpoint-plain-http',
    description: 'The discovery document advertises an end_session_endpoint over plain http on a non-loopback host.',
    breaks: ['discovery.endpoints-https'],
    faults: [
      {
        kind: 'edit-body',
        endpoint: 'discovery',
        op: 'set',
        member: 'end_session_endpoint',
        value: 'http://sandbox.example.test/session/end',
      },
    ],
  },
  {
    name: 'grant-types-undeclared',
    description: "The discovery document's grant_types_supported omits client_credentials, which the server grants.",
    breaks: ['discovery.grant-types-declared'],
    faults: [{ kind: 'edit-body', endpoint: 'discovery', op: 'withdraw', member: 'grant_types_supported', item: 'client_credentials' }],
  },
  {
    name: 'auth-methods-undeclared',
    description: 'The discovery document declares private_key_jwt as the only client authentication method.',
    breaks: ['discovery.auth-methods-declared'],
    faults: [{ kind: 'edit-body', endpoint: 'discovery', op: 'set', member: 'token_endpoint_auth_methods_supported', value: ['private_key_jwt'] }],
  },
  {
    name: 'assertion-algs-undeclared',
    description: 'The discovery document declares private_key_jwt and client_secret_jwt but no token_endpoint_auth_signing_alg_values_supported.',
    breaks: ['client-auth.signing-algs-declared'],
    faults: [{ kind: 'edit-body', endpoint: 'discovery', op: 'remove', member: 'token_endpoint_auth_signing_alg_values_supported' }],
  },
  {
    name: 'pkce-undeclared',
    description: 'The discovery document has no code_challenge_methods_supported, though PKCE S256 is required.',
    breaks: ['discovery.pkce-s256'],
    faults: [{ kind: 'edit-body', endpoint: 'discovery', op: 'remove', member: 'code_challenge_methods_supported' }],
  },
  {
    name: 'smart-incomplete',
    description: 'The SMART configuration lacks the REQUIRED capabilities.',
    breaks: ['discovery.smart-configuration'],
    faults: [{ kind: 'edit-body', endpoint: 'smart-configuration', op: 'remove', member: 'capabilities' }],
  },
  {
    name: 'smart-no-private-key-jwt',
    description: 'The SMART configuration does not declare private_key_jwt among its token endpoint authentication methods.',
    breaks: ['client-auth.smart-metadata'],
    faults: [{ kind: 'edit-body', endpoint: 'smart-configuration', op: 'withdraw', member: 'token_endpoint_auth_methods_supported', item: 'private_key_jwt' }],
  },
  {
    name: 'smart-no-384-alg',
    description: 'The SMART configuration declares neither RS384 nor ES384 for client assertions.',
    breaks: ['client-auth.smart-metadata'],
    faults: [
      { kind: 'edit-body', endpoint: 'smart-configuration', op: 'set', member: 'token_endpoint_auth_signing_alg_values_supported', value: ['RS256', 'ES256'] },
    ],
  },

  {
    name: 'jwks-schema',
    description: 'The JWKS contains a key without the REQUIRED kty member.',
    breaks: ['jwks.schema'],
    faults: [{ kind: 'edit-body', endpoint: 'jwks', op: 'append', member: 'keys', item: { kid: 'broken', use: 'sig' } }],
  },
  {
    name: 'jwks-private',
    description: 'The JWKS publishes the signing keys with their private members.',
    breaks: ['jwks.no-private-members'],
    faults: [{ kind: 'publish-private-keys' }],
  },
  {
    name: 'jwks-duplicate-kid',
    description: 'The JWKS gives the ES256 key the kid of the RS256 key (RS256 signatures still resolve by key type).',
    breaks: ['jwks.unique-kid'],
    faults: [{ kind: 'share-kid', alg: 'ES256', kidOf: 'RS256' }],
  },
  {
    name: 'token-schema',
    description: 'Token responses carry expires_in as a string.',
    breaks: ['token-response.schema'],
    faults: [{ kind: 'edit-body', endpoint: 'token', op: 'stringify', member: 'expires_in' }],
  },
  {
    name: 'token-type',
    // Only where a bearer token is issued: a DPoP grant's token_type is judged by dpop.token-type.
    description: 'Token responses to authorization_code requests carry an unknown token_type.',
    breaks: ['token-response.token-type'],
    faults: [{ kind: 'edit-body', endpoint: 'token', grantType: 'authorization_code', op: 'set', member: 'token_type', value: 'N_A' }],
  },
  {
    name: 'token-no-store',
    description: 'Token responses may be cached: no Cache-Control.',
    breaks: ['token-response.cache-control'],
    faults: [{ kind: 'remove-header', endpoint: 'token', header: 'Cache-Control' }],
  },
  {
    name: 'token-no-pragma',
    description: 'Token responses lack Pragma: no-cache.',
    breaks: ['token-response.pragma'],
    faults: [{ kind: 'remove-header', endpoint: 'token', header: 'Pragma' }],
  },
  {
    name: 'token-content-type',
    description: 'Token responses are served as text/plain.',
    breaks: ['token-response.json-content-type'],
    faults: [{ kind: 'set-header', endpoint: 'token', header: 'Content-Type', value: 'text/plain' }],
  },
  {
    name: 'token-scope-omitted',
    description: 'Token responses omit scope, though the granted scope differs from the requested one.',
    // SMART Backend Services wants scope in every token response, as requested or not.
    breaks: ['token-response.scope-returned', 'token-response.smart-backend'],
    faults: [{ kind: 'edit-body', endpoint: 'token', op: 'remove', member: 'scope' }],
  },
  {
    name: 'cc-refresh-token',
    description: 'client_credentials token responses include a refresh_token.',
    breaks: ['token-response.no-refresh-client-credentials'],
    faults: [
      {
        kind: 'edit-body',
        endpoint: 'token',
        grantType: 'client_credentials',
        op: 'set',
        member: 'refresh_token',
        value: 'kR4wq7Jc2mXo9vT1bYzL5sPeN8uGdHfA',
      },
    ],
  },
  {
    name: 'jwt-bad-signature',
    description: 'JWT access tokens carry a signature no key verifies; the resource does not verify signatures.',
    // A resource that takes these tokens takes tampered ones too.
    breaks: ['token-response.jwt-signature', 'resource-access.tampered-jwt-refused'],
    faults: [
      { kind: 'corrupt-jwt-signature', endpoint: 'token', member: 'access_token' },
      { kind: 'resource', deviation: 'ignore-jwt-signature' },
    ],
  },
  {
    name: 'jwt-wrong-iss',
    description: 'JWT access tokens name another issuer; the resource does not check iss.',
    breaks: ['token-response.jwt-iss'],
    faults: [
      { kind: 'edit-jwt', endpoint: 'token', member: 'access_token', claims: [{ op: 'suffix', member: 'iss', suffix: '/other' }] },
      { kind: 'resource', deviation: 'ignore-jwt-issuer' },
    ],
  },
  {
    name: 'jwt-no-exp',
    description: 'JWT access tokens have no exp; the resource does not require it.',
    breaks: ['token-response.jwt-exp'],
    faults: [
      { kind: 'edit-jwt', endpoint: 'token', member: 'access_token', claims: [{ op: 'remove', member: 'exp' }] },
      { kind: 'resource', deviation: 'tolerate-missing-exp' },
    ],
  },
  {
    name: 'jwt-not-rfc9068',
    // Not without jti: two tokens of one client issued in the same second would then be the same string, and
    // revoking one (revocation.access-token-refused) would revoke the other.
    description: 'JWT access tokens are typed "JWT", not "at+jwt" (RFC 9068); the resource does not check typ.',
    breaks: ['token-response.rfc9068-claims'],
    faults: [
      {
        kind: 'edit-jwt',
        endpoint: 'token',
        member: 'access_token',
        header: [{ op: 'set', member: 'typ', value: 'JWT' }],
      },
      { kind: 'resource', deviation: 'ignore-jwt-typ' },
    ],
  },
  {
    name: 'id-token-bad-signature',
    description: 'ID Tokens carry a signature no key verifies.',
    breaks: ['token-response.id-token-signature'],
    faults: [{ kind: 'corrupt-jwt-signature', endpoint: 'token', member: 'id_token' }],
  },
  {
    name: 'id-token-wrong-iss',
    description: 'ID Tokens name another issuer.',
    breaks: ['token-response.id-token-iss'],
    faults: [{ kind: 'edit-jwt', endpoint: 'token', member: 'id_token', claims: [{ op: 'suffix', member: 'iss', suffix: '/other' }] }],
  },
  {
    name: 'id-token-wrong-aud',
    description: 'ID Tokens are addressed to another client.',
    breaks: ['token-response.id-token-aud'],
    faults: [{ kind: 'edit-jwt', endpoint: 'token', member: 'id_token', claims: [{ op: 'set', member: 'aud', value: 'someone-else' }] }],
  },
  {
    name: 'id-token-expired',
    description: 'ID Tokens expired an hour before they were issued.',
    breaks: ['token-response.id-token-exp'],
    faults: [{ kind: 'edit-jwt', endpoint: 'token', member: 'id_token', claims: [{ op: 'shift', member: 'exp', by: -7200 }] }],
  },
  {
    name: 'id-token-future-iat',
    description: 'ID Tokens are issued an hour in the future (and expire an hour later, so only iat is wrong).',
    breaks: ['token-response.id-token-iat'],
    faults: [
      {
        kind: 'edit-jwt',
        endpoint: 'token',
        member: 'id_token',
        claims: [
          { op: 'shift', member: 'iat', by: 3600 },
          { op: 'shift', member: 'exp', by: 3600 },
        ],
      },
    ],
  },
  {
    name: 'id-token-wrong-nonce',
    description: 'ID Tokens carry another nonce than the authorization request sent.',
    breaks: ['token-response.id-token-nonce'],
    faults: [{ kind: 'edit-jwt', endpoint: 'token', member: 'id_token', claims: [{ op: 'set', member: 'nonce', value: 'sandbox-other-nonce' }] }],
  },
  {
    name: 'id-token-bad-at-hash',
    description: 'ID Tokens carry an at_hash that does not match the access token.',
    breaks: ['token-response.id-token-at-hash'],
    faults: [
      {
        kind: 'edit-jwt',
        endpoint: 'token',
        member: 'id_token',
        claims: [{ op: 'set', member: 'at_hash', value: 'AAAAAAAAAAAAAAAAAAAAAA' }],
      },
    ],
  },
  {
    name: 'token-lifetime-too-long',
    description: 'Access tokens live a day, beyond the declared range.',
    breaks: ['lifetime.expires-in-range'],
    faults: [],
    settings: { accessTokenTtl: 86400 },
  },
  {
    name: 'expires-in-inconsistent',
    description: 'Token responses state expires_in 3000 while access tokens live 3600 s (so introspection gives an opaque one a later exp).',
    breaks: ['lifetime.jwt-exp-consistent', 'introspection.active'],
    faults: [{ kind: 'edit-body', endpoint: 'token', op: 'set', member: 'expires_in', value: 3000 }],
  },
  {
    name: 'clock-skew',
    description: "The authorization server's Date headers run ten minutes ahead.",
    breaks: ['lifetime.clock-skew'],
    faults: [{ kind: 'skew-date', seconds: 600 }],
  },
  {
    name: 'expired-accepted',
    description: 'Like short-lived, but the protected resource accepts expired access tokens.',
    breaks: ['lifetime.expiry-enforced'],
    faults: [{ kind: 'resource', deviation: 'accept-expired' }],
    settings: SHORT_LIVED,
    long: true,
  },
  {
    name: 'bearer-refused',
    description: 'The protected resource refuses every valid access token as invalid_token.',
    breaks: ['resource-access.bearer-accepted'],
    blocks: [
      'resource-access.scheme-case-insensitive',
      'resource-access.invalid-token-refused',
      'resource-access.invalid-token-error',
      'resource-access.tampered-jwt-refused',
      'resource-access.insufficient-scope',
      'resource-access.query-token',
      'authorization-code.replay-revokes-tokens',
      'revocation.access-token-refused',
    ],
    faults: [{ kind: 'resource', deviation: 'refuse-tokens' }],
  },
  {
    name: 'no-www-authenticate',
    description: 'The protected resource answers a request without a token with 401 but no WWW-Authenticate.',
    breaks: ['resource-access.no-token-401'],
    faults: [{ kind: 'resource', deviation: 'omit-challenge' }],
  },
  {
    name: 'scheme-case-sensitive',
    description: 'The protected resource takes only the exact spelling "Bearer" as the authorization scheme.',
    breaks: ['resource-access.scheme-case-insensitive'],
    faults: [{ kind: 'resource', deviation: 'case-sensitive-scheme' }],
  },
  {
    name: 'invalid-token-no-error',
    description: 'The protected resource refuses an invalid token with a challenge that lacks error="invalid_token".',
    breaks: ['resource-access.invalid-token-error'],
    faults: [{ kind: 'resource', deviation: 'omit-error-code' }],
  },
  {
    name: 'invalid-token-accepted',
    description: 'The protected resource accepts an opaque token the provider never issued.',
    breaks: ['resource-access.invalid-token-refused'],
    faults: [{ kind: 'resource', deviation: 'accept-unissued-tokens' }],
  },
  {
    name: 'tampered-jwt-accepted',
    description: 'The protected resource reads JWT access tokens without verifying their signature.',
    breaks: ['resource-access.tampered-jwt-refused'],
    faults: [{ kind: 'resource', deviation: 'ignore-jwt-signature' }],
  },
  {
    name: 'alg-none-accepted',
    description: 'The protected resource verifies signed JWT access tokens but takes unsecured ones (alg "none") as they are.',
    breaks: ['resource-access.tampered-jwt-refused'],
    faults: [{ kind: 'resource', deviation: 'accept-alg-none' }],
  },
  {
    name: 'insufficient-scope-401',
    description: 'The protected resource refuses a token lacking its scope with 401 invalid_token, not 403 insufficient_scope.',
    breaks: ['resource-access.insufficient-scope'],
    faults: [{ kind: 'resource', deviation: 'scope-as-invalid-token' }],
  },
  {
    name: 'query-token-accepted',
    description: 'The protected resource accepts an access token in the access_token query parameter.',
    breaks: ['resource-access.query-token'],
    faults: [{ kind: 'resource', deviation: 'accept-query-token' }],
  },
  {
    name: 'revoked-token-accepted',
    description: 'The protected resource keeps accepting access tokens revoked at the revocation endpoint.',
    breaks: ['revocation.access-token-refused'],
    faults: [{ kind: 'resource', deviation: 'miss-revocations' }],
  },
  {
    name: 'introspection-wrong-client',
    description: 'Introspection names another client_id than the one a token was issued to.',
    breaks: ['introspection.active'],
    faults: [{ kind: 'edit-body', endpoint: 'introspection', op: 'set', member: 'client_id', value: 'another-client' }],
  },
  {
    name: 'userinfo-wrong-sub',
    description: "The UserInfo Endpoint answers a sub other than the ID Token's.",
    breaks: ['userinfo.sub-matches'],
    faults: [{ kind: 'edit-body', endpoint: 'userinfo', op: 'suffix', member: 'sub', suffix: '-other' }],
  },
  {
    name: 'tls-untrusted',
    description: 'The discovery document advertises a registration_endpoint whose TLS certificate is self-signed.',
    breaks: ['transport.tls'],
    faults: [{ kind: 'tls-url', endpoint: 'discovery', member: 'registration_endpoint', path: '/register', trusted: false }],
  },
  {
    name: 'tls-trusted',
    description:
      'The discovery document advertises a registration_endpoint served over TLS 1.3 with a certificate issued by a test CA the client is given to trust: transport.tls has an https endpoint to pass on.',
    breaks: [],
    faults: [{ kind: 'tls-url', endpoint: 'discovery', member: 'registration_endpoint', path: '/register', trusted: true }],
  },
];

export const profiles: readonly FaultProfile[] = [
  ...responseProfiles,
  ...requestProfiles,
  ...parProfiles,
  ...dpopProfiles,
  ...mtlsProfiles,
  ...hostileProfiles,
];
