import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, SignJWT, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { jsonOf, withForm, type Stage } from '../http-data.js';
import { applyEdits, type MemberEdit } from '../member-edits.js';
import { TOKEN, tokenError, tokenParams, withJson } from './messages.js';

/** RFC 7523 §2.2: the client_assertion_type of a JWT client assertion. */
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** What a JWT client can sign its assertions with: its private key (private_key_jwt) or its secret (client_secret_jwt). */
export interface AssertionSigner {
  key: KeyObject | Uint8Array;
  alg: string;
}

/** The defect of a client assertion (RFC 7523 §3) a laundering front door forgives. */
export type AssertionDefect = 'signature' | 'expiry' | 'audience' | 'issuer' | 'alg-none' | 'replay';

/** Whether an assertion is one whose only fault may be the defect forgiven: a real signature, unless that is the defect. */
async function forgivable(defect: AssertionDefect, assertion: string, header: ProtectedHeaderParameters, signer: AssertionSigner): Promise<boolean> {
  if (defect === 'alg-none') return header.alg === 'none';
  if (defect === 'signature') return header.alg !== 'none';
  // A signature is checked with the public half of a private key.
  const key = signer.key instanceof Uint8Array ? signer.key : createPublicKey(signer.key);
  return compactVerify(assertion, key, { algorithms: [signer.alg] }).then(
    () => true,
    () => false,
  );
}

/** The claims with the defect mended, so the provider sees a valid assertion; every other claim as sent. */
function mended(defect: AssertionDefect, claims: JWTPayload, tokenEndpoint: string): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  switch (defect) {
    case 'expiry':
      return { ...claims, iat: now, exp: now + 60 };
    case 'audience':
      return { ...claims, aud: tokenEndpoint };
    case 'issuer':
      return { ...claims, iss: claims.sub };
    case 'replay':
      return { ...claims, jti: randomUUID() };
    case 'signature':
    case 'alg-none':
      return claims;
  }
}

/**
 * A token endpoint that does not check one property of client assertions: the front door re-signs each assertion
 * that has that defect (and no other it can see) with the client's real key, the defect mended, so oidc-provider
 * accepts what a conforming server refuses. Assertions with any other defect reach the provider as sent.
 */
export function launderAssertion(defect: AssertionDefect, signers: ReadonlyMap<string, AssertionSigner>): Stage {
  return async (request, next) => {
    const params = tokenParams(request);
    const assertion = params?.get('client_assertion');
    if (!params || !assertion) return next(request);
    let header: ProtectedHeaderParameters;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      return next(request);
    }
    const signer = signers.get(String(claims.sub));
    if (!signer || !(await forgivable(defect, assertion, header, signer))) return next(request);
    const laundered = await new SignJWT(mended(defect, claims, new URL(TOKEN, request.url).href))
      .setProtectedHeader({ alg: signer.alg, ...(header.kid && { kid: header.kid }) })
      .sign(signer.key);
    params.set('client_assertion', laundered);
    return next(withForm(request, params));
  };
}

/** A token endpoint that takes only its issuer identifier as a client assertion's aud, not its own URL. */
export function issuerAudienceOnly(): Stage {
  return (request, next) => {
    const assertion = tokenParams(request)?.get('client_assertion');
    let audience: unknown;
    try {
      audience = assertion && decodeJwt(assertion).aud;
    } catch {
      return next(request);
    }
    const named = Array.isArray(audience) ? audience : [audience];
    // The sandbox's issuer is its origin.
    if (!assertion || named.includes(request.url.origin)) return next(request);
    return Promise.resolve(tokenError(401, 'invalid_client', 'aud (JWT audience) must be the issuer identifier'));
  };
}

/** A token endpoint that does not read client_assertion_type: whatever it says, the assertion is taken as RFC 7523's. */
export function ignoreAssertionType(): Stage {
  return (request, next) => {
    const params = tokenParams(request);
    if (!params?.has('client_assertion') || params.get('client_assertion_type') === JWT_BEARER) return next(request);
    params.set('client_assertion_type', JWT_BEARER);
    return next(withForm(request, params));
  };
}

/** Token responses to requests that authenticate by a client assertion, with these members changed. */
export function editAssertionTokenResponse(edits: readonly MemberEdit[]): Stage {
  return async (request, next) => {
    const response = await next(request);
    const body = response.status === 200 && tokenParams(request)?.has('client_assertion') ? jsonOf(response) : undefined;
    return body ? withJson(response, applyEdits(body, edits)) : response;
  };
}
