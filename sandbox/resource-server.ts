import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessTokenVerifier } from './access-token-verifier.js';
import type { ResourceFaults } from './faults.js';

export const RESOURCE_PATH = '/api/resource';

const REALM = 'sandbox';
// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

interface Reply {
  status: number;
  body: Record<string, unknown>;
  /** Auth-params of the Bearer challenge; none means no WWW-Authenticate header. */
  challenge?: Record<string, string>;
}

export interface ResourceOptions {
  verify: AccessTokenVerifier;
  /** The scope every request needs. */
  scope: string;
  faults: ResourceFaults;
}

/** A protected resource at RESOURCE_PATH that accepts bearer tokens per RFC 6750. */
export function createResourceHandler(options: ResourceOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    decide(req, options).then(
      (reply) => send(res, reply),
      (error: unknown) => send(res, { status: 500, body: { error: 'server_error', error_description: String(error) } }),
    );
  };
}

async function decide(req: IncomingMessage, { verify, scope, faults }: ResourceOptions): Promise<Reply> {
  if (new URL(req.url ?? '/', 'http://resource').pathname !== RESOURCE_PATH) {
    return { status: 404, body: { error: 'not_found' } };
  }
  const authorization = req.headers.authorization;
  if (!authorization || !/^bearer(\s|$)/i.test(authorization)) {
    // §3.1: a request without credentials gets a challenge with no error code.
    return {
      status: 401,
      body: { error_description: 'a bearer token is required' },
      challenge: faults.omitChallenge ? undefined : { realm: REALM },
    };
  }
  const token = BEARER.exec(authorization)?.[1];
  if (!token) return refusal(400, 'invalid_request', 'malformed bearer credentials');
  if (faults.refuseTokens) return refusal(401, 'invalid_token', 'the access token is not accepted');
  const grant = await verify(token);
  if (!grant) return refusal(401, 'invalid_token', 'the access token is invalid, expired or revoked');
  if (!grant.scopes.has(scope)) {
    return refusal(403, 'insufficient_scope', `the access token lacks the ${scope} scope`, { scope });
  }
  return { status: 200, body: { ok: true, sub: grant.sub, client_id: grant.clientId } };
}

function refusal(status: number, error: string, description: string, extra: Record<string, string> = {}): Reply {
  return {
    status,
    body: { error, error_description: description },
    challenge: { realm: REALM, error, error_description: description, ...extra },
  };
}

function send(res: ServerResponse, { status, body, challenge }: Reply): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  if (challenge) {
    const params = Object.entries(challenge).map(([name, value]) => `${name}="${value}"`);
    res.setHeader('WWW-Authenticate', `Bearer ${params.join(', ')}`);
  }
  res.end(JSON.stringify(body));
}
