/**
 * Which suite variables hold credentials: those marked `secret: true`, and those whose name says so, so that a suite
 * that forgets the mark on MY_API_KEY still never shows its value.
 *
 * A name is split into words on _ and - (case does not matter). It names a credential when its last word is a
 * credential word (…_SECRET, …_TOKEN, …_PASSWORD, …_API_KEY), or is followed only by words that say how the
 * credential is written (…_SECRET_VALUE, …_PRIVATE_KEY_PEM, …_TOKEN_2). A credential word followed by any other word
 * names something about a credential, which a reader of the report needs to see: MEDPLUM_ACCESS_TOKEN_LIFETIME is a
 * number, a TOKEN_URL a URL (fingerprinted, it would garble every request line and error quoting it), a
 * SIGNING_KEY_ID a key identifier that the JWKS publishes anyway, OIDC_LOGIN_PASSWORD_FIELD a CSS selector. A
 * PUBLIC_KEY is public. AUTH and AUTHORIZATION are not credential words: they name a mechanism far more often than a
 * value (ONEUP_AUTH_URL, OIDC_AUTH_CLIENT_ID, REQUIRE_AUTH=true, whose "true" would then be hidden everywhere). A
 * credential named otherwise is marked `secret: true` in its suite.
 */
const CREDENTIAL_WORDS = new Set([
  'SECRET',
  'SECRETS',
  'TOKEN',
  'TOKENS',
  'PASSWORD',
  'PASSWORDS',
  'PASSWD',
  'PWD',
  'PASS',
  'PASSPHRASE',
  'KEY',
  'KEYS',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
  'COOKIE',
]);
/** Words after a credential word that still name the credential itself: its value, its encoding, its version. */
const SPELLING = /^(VALUE|PEM|JWK|JSON|BASE64|B64|HEX|V?\d+)$/;
/** Words before a credential word that make it public. */
const PUBLIC = new Set(['PUBLIC', 'PUBLISHABLE']);

/** Whether a variable of this name holds a credential, whatever its suite says. */
function isSecretVariableName(name: string): boolean {
  const words = name.toUpperCase().split(/[_-]+/).filter(Boolean);
  while (words.length > 1 && SPELLING.test(words.at(-1)!)) words.pop();
  return CREDENTIAL_WORDS.has(words.at(-1) ?? '') && !PUBLIC.has(words.at(-2) ?? '');
}

/** Whether a declared variable's value is redacted from every output. */
export function isSecretVariable(name: string, spec: { secret?: boolean } | null | undefined): boolean {
  return spec?.secret === true || isSecretVariableName(name);
}
