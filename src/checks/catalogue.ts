import * as authorizationCode from './authorization-code/checks.js';
import type { Check } from './check.js';
import * as clientAuth from './client-auth/checks.js';
import * as smartBackend from './client-auth/smart.js';
import * as discovery from './discovery/checks.js';
import * as errorResponse from './error-response/checks.js';
import * as jwks from './jwks/checks.js';
import * as lifetime from './lifetime/checks.js';
import * as par from './par/checks.js';
import * as pkce from './pkce/checks.js';
import * as refresh from './refresh/checks.js';
import * as resourceAccess from './resource-access/checks.js';
import * as tokenResponse from './token-response/checks.js';
import * as smartResponse from './token-response/smart.js';
import * as transport from './transport/checks.js';

/** Every check, in report order: by area, then as a reader would go through the rules. */
export const catalogue: Check[] = [
  discovery.reachable,
  discovery.json,
  discovery.schema,
  discovery.issuerMatch,
  discovery.endpointsHttps,
  discovery.grantTypesDeclared,
  discovery.registeredValues,
  discovery.authMethodsDeclared,
  discovery.pkceS256,
  discovery.smartConfiguration,
  jwks.schema,
  jwks.noPrivateMembers,
  jwks.uniqueKid,
  tokenResponse.schema,
  tokenResponse.tokenType,
  tokenResponse.cacheControl,
  tokenResponse.pragma,
  tokenResponse.jsonContentType,
  tokenResponse.scopeReturned,
  tokenResponse.noRefreshForClientCredentials,
  smartResponse.smartBackend,
  tokenResponse.jwtSignature,
  tokenResponse.jwtIssuer,
  tokenResponse.jwtExpiry,
  tokenResponse.rfc9068Claims,
  tokenResponse.jwtDeclaredClaims,
  tokenResponse.idTokenSignature,
  tokenResponse.idTokenIssuer,
  tokenResponse.idTokenAudience,
  tokenResponse.idTokenExpiry,
  tokenResponse.idTokenIssuedAt,
  tokenResponse.idTokenNonce,
  tokenResponse.idTokenAtHash,
  errorResponse.invalidClientBasic,
  errorResponse.invalidClientPost,
  errorResponse.unsupportedGrantType,
  errorResponse.missingParameter,
  errorResponse.status,
  errorResponse.json,
  errorResponse.registeredCode,
  errorResponse.codeForCase,
  errorResponse.getRefused,
  errorResponse.duplicateParameter,
  errorResponse.queryCredentials,
  errorResponse.formBodyRequired,
  clientAuth.accepted,
  clientAuth.wrongSignature,
  clientAuth.expired,
  clientAuth.wrongAudience,
  clientAuth.issuerNotSubject,
  clientAuth.algNone,
  clientAuth.replayRefused,
  clientAuth.signingAlgsDeclared,
  smartBackend.smartMetadata,
  smartBackend.smartInvalidGrantType,
  smartBackend.smartInvalidAssertionType,
  smartBackend.smartInvalidJwt,
  authorizationCode.stateEchoed,
  authorizationCode.singleUse,
  authorizationCode.parallelRedemption,
  authorizationCode.replayRevokesTokens,
  authorizationCode.redirectUriAtToken,
  authorizationCode.redirectUriAtAuthorize,
  pkce.verifierMismatch,
  pkce.verifierMissing,
  pkce.required,
  refresh.works,
  refresh.rotates,
  refresh.replayRefused,
  refresh.widerScopeRefused,
  refresh.narrowerScope,
  refresh.boundToClient,
  refresh.requiresScope,
  refresh.revokedRefused,
  lifetime.expiresInRange,
  lifetime.jwtExpConsistent,
  lifetime.clockSkew,
  lifetime.expiryEnforced,
  lifetime.codeExpiry,
  resourceAccess.bearerAccepted,
  resourceAccess.noToken401,
  resourceAccess.schemeCaseInsensitive,
  resourceAccess.invalidTokenRefused,
  resourceAccess.invalidTokenError,
  resourceAccess.tamperedJwtRefused,
  resourceAccess.insufficientScope,
  resourceAccess.queryToken,
  resourceAccess.revokedRefused,
  resourceAccess.headerAuthAccepted,
  resourceAccess.headerWriteRefused,
  transport.tls,
  par.pushResponse,
  par.requestUriSingleUse,
  par.requestUriExpiry,
  par.requiredHonoured,
  par.clientAuthentication,
];

// A check defined but left out of the list would never run: the modules' checks must be covered exactly.
const defined = [
  discovery,
  jwks,
  tokenResponse,
  smartResponse,
  errorResponse,
  clientAuth,
  smartBackend,
  authorizationCode,
  pkce,
  refresh,
  lifetime,
  resourceAccess,
  transport,
  par,
]
  .flatMap((m): unknown[] => Object.values(m))
  .filter((v): v is Check => typeof v === 'object' && v !== null && 'judge' in v);
if (defined.length !== catalogue.length || new Set(catalogue.map((c) => c.id)).size !== catalogue.length) {
  throw new Error('the check catalogue must list every defined check exactly once');
}
