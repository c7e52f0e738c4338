import { Blocked } from '../../flows/blocked.js';
import type { ResourceProbe } from '../../flows/flow-keys.js';
import { usesDpop } from '../../flows/dpop.js';
import { answeredAfterExpiry, liveAccessToken, token } from '../../flows/grant-tokens.js';
import { callResource, resource as callResourceAs } from '../../flows/resources.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { describeExchange, judgedByServer, type Exchange } from '../../http/exchange.js';
import { parseJsonBody } from '../../http/json.js';
import type { Resource } from '../../suite/suite.types.js';
import type { ExchangeEvidence } from '../types.js';

export interface ResourceEvidence extends ExchangeEvidence {
  resource: Resource;
  /** Whether the resource's tokens are DPoP-bound (presented with the DPoP scheme, RFC 9449 §7.1). */
  dpop: boolean;
  /** The scope the token response says was granted, when it says. */
  grantedScope?: string;
}

/**
 * The control of a probe that varies one thing about a request the resource accepts: the grant's own token. If the
 * resource accepts not even that, a refusal proves nothing.
 */
export async function resourceAcceptsToken(run: SuiteRun, resource: Resource): Promise<void> {
  const { exchange } = await callResourceAs(run, resource, 'bearer');
  const status = exchange.response?.status ?? 0;
  if (status < 200 || status >= 300)
    throw new Blocked(`the resource refuses the grant's token even as "Bearer" (see resource-access.bearer-accepted)`, [exchange]);
}

/** A gather: the resource called as the probe says, after its control where it has one. */
export function resourceProbe(probe: ResourceProbe) {
  return async (run: SuiteRun, name: string): Promise<ResourceEvidence> => {
    const resource = run.suite.resource(name);
    if (probe !== 'none' && probe !== 'bearer') await resourceAcceptsToken(run, resource);
    const [{ exchange, presented }, beside] = await Promise.all([
      callResourceAs(run, resource, probe),
      probe === 'lowercase' ? controlBeside(run, resource) : undefined,
    ]);
    if (!judgedByServer(exchange)) throw new Blocked(`the resource did not judge the request: ${describeExchange(exchange)}`, [exchange]);
    if (presented && !isSuccess(exchange.response?.status) && answeredAfterExpiry(presented, exchange)) {
      throw new Blocked(
        `the token sent may have expired before the resource answered (expires_in ${String(presented.issued?.expires_in)} s): the refusal proves nothing`,
        [presented.token.exchange, exchange],
      );
    }
    if (beside && !isSuccess(exchange.response?.status) && !isSuccess(beside.response?.status)) {
      throw new Blocked(`the resource refuses the grant's token as "Bearer" too, sent at the same time (expired or revoked?): the refusal proves nothing`, [
        exchange,
        beside,
      ]);
    }
    const dpop = resource.grant !== undefined && usesDpop(run.suite.grant(resource.grant));
    if (probe === 'none' || !resource.grant) return { exchanges: [exchange], exchange, resource, dpop };
    // The token response of the token sent (a renewal, or the insufficient grant's), else the grant's own.
    const result = presented ?? (await token(run, resource.grant));
    return { exchanges: [result.token.exchange, exchange], exchange, resource, dpop, grantedScope: grantedScope(result.token.response?.body) };
  };
}

const isSuccess = (status: number | undefined) => status !== undefined && status >= 200 && status < 300;

/**
 * For a probe the resource should accept: the grant's token as "Bearer" sent at the same moment, so a refusal of the
 * probe is judged against an acceptance of the same token at the same time (a token may expire between two requests).
 */
async function controlBeside(run: SuiteRun, resource: Resource): Promise<Exchange> {
  const token = await liveAccessToken(run, resource.grant);
  return (await callResource(run, resource, `resource ${resource.name} (bearer, beside the probe)`, token)).exchange;
}

function grantedScope(body: string | undefined): string | undefined {
  try {
    const scope = (parseJsonBody(body ?? '') as { scope?: unknown } | null)?.scope;
    return typeof scope === 'string' ? scope : undefined;
  } catch {
    return undefined;
  }
}
