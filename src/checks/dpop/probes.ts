import { Blocked, NotApplicable } from '../../flows/blocked.js';
import { dpopKey } from '../../flows/dpop.js';
import type { DpopKey, ProofClaims } from '../../flows/dpop-proof.js';
import { FLOWS, type Presentation, type ProofFlaw } from '../../flows/flow-keys.js';
import { liveAccessToken, token } from '../../flows/grant-tokens.js';
import { resource, resourceUrl } from '../../flows/resources.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { redeem, type TokenResult } from '../../flows/token.js';
import { describeExchange, type Exchange } from '../../http/exchange.js';
import type { HttpResult } from '../../http/request.js';

/** A day: outside any window a server may call recent (RFC 9449 §11.1: "seconds or minutes"). */
const STALE_SECONDS = 24 * 3600;

export async function grantKey(run: SuiteRun, grantName: string): Promise<DpopKey> {
  const key = await dpopKey(run, grantName);
  if (!key) throw new NotApplicable(`grant ${grantName} does not use DPoP`);
  return key;
}

/** The control of every proof probe: the grant's own token request, with a valid proof, got a token. */
export async function grantTokenIssued(run: SuiteRun, grantName: string): Promise<TokenResult> {
  const result = await token(run, grantName);
  if (!result.accessToken)
    throw new Blocked(`the grant's own token request with a valid DPoP proof got no token: ${describeExchange(result.token.exchange)}`, result.exchanges);
  return result;
}

/** A client_credentials token request of the grant, its proof flawed as named; the replay sends one jti twice. */
export function flawedProofRequest(run: SuiteRun, grantName: string, flaw: ProofFlaw): Promise<{ exchanges: Exchange[]; result: TokenResult }> {
  return run.memo.once(FLOWS.dpopProofProbe(grantName, flaw), async () => {
    const grant = run.suite.grant(grantName);
    const url = await run.tokenEndpoint(grantName);
    const ask = (label: string, proof: Partial<ProofClaims>) =>
      redeem(
        run,
        grantName,
        run.suite.client(grant.client),
        { grant_type: 'client_credentials', scope: grant.scope },
        [],
        `token (${grantName}, DPoP ${label})`,
        proof,
      );
    if (flaw === 'replayed-jti') {
      // The first use sent again (after a 5xx) carries a new jti, as any request would; the one replayed is the one
      // its answer came to.
      const iat = Math.floor(Date.now() / 1000);
      const first = await ask('proof, first use', { iat });
      if (!first.accessToken) throw new Blocked(`the proof was refused on its first use: ${describeExchange(first.token.exchange)}`, first.exchanges);
      const result = await ask('proof, replayed', { iat, jti: first.dpopJti });
      return { exchanges: [first.token.exchange, result.token.exchange], result };
    }
    const proof: Record<Exclude<ProofFlaw, 'replayed-jti'>, Partial<ProofClaims>> = {
      'wrong-htm': { htm: 'PUT' },
      'wrong-htu': { htu: new URL('/conformance-elsewhere', url).href },
      'stale-iat': { iat: Math.floor(Date.now() / 1000) - STALE_SECONDS },
    };
    const result = await ask(`proof with ${flaw}`, proof[flaw]);
    return { exchanges: [result.token.exchange], result };
  });
}

/** The control of the presentation probes: the resource accepts the token presented right (DPoP scheme and proof). */
export async function resourceAcceptsDpop(run: SuiteRun, resourceName: string): Promise<Exchange> {
  const { exchange } = await resource(run, run.suite.resource(resourceName), 'bearer');
  const status = exchange.response?.status ?? 0;
  if (status < 200 || status >= 300)
    throw new Blocked(`the resource refuses the token even presented right, as DPoP with a proof: ${describeExchange(exchange)}`, [exchange]);
  return exchange;
}

/** The resource called with the grant's DPoP-bound token presented wrongly. */
export function misusedPresentation(run: SuiteRun, resourceName: string, how: Presentation): Promise<HttpResult> {
  return run.memo.once(FLOWS.dpopPresentation(resourceName, how), async () => {
    const target = run.suite.resource(resourceName);
    const bound = await liveAccessToken(run, target.grant);
    return run.send({
      label: `resource ${resourceName} (DPoP-bound token ${how})`,
      method: target.method ?? 'GET',
      url: await resourceUrl(run, target),
      headers: { accept: 'application/json', authorization: `${how === 'as-bearer' ? 'Bearer' : 'DPoP'} ${bound}` },
      secrets: [bound],
    });
  });
}
