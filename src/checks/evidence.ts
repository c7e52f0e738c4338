import { Blocked } from '../flows/blocked.js';
import type { ResourceProbe, SuiteFlows } from '../flows/suite-flows.js';
import type { Exchange } from '../http/exchange.js';
import type { Resource } from '../suite/suite.types.js';

/** Evidence gatherers shared by checks: each names the exchanges a judge reads and what it needs from the suite. */

export interface ExchangeEvidence {
  exchanges: Exchange[];
  exchange: Exchange;
}

export async function discoveryExchange(flows: SuiteFlows): Promise<ExchangeEvidence & { url: string }> {
  const { exchange } = await flows.discovery();
  return { exchanges: [exchange], exchange, url: flows.suite.discoveryUrl };
}

/** The discovery answer when it was a 200: judges of its content need nothing less. */
export async function discoveryOk(flows: SuiteFlows): Promise<ExchangeEvidence & { url: string; expectedIssuer: string }> {
  const { exchange } = await flows.discovery();
  if (exchange.response?.status !== 200) throw new Blocked(`discovery did not answer 200 (${exchange.error ?? exchange.response?.status})`, [exchange]);
  return { exchanges: [exchange], exchange, url: flows.suite.discoveryUrl, expectedIssuer: flows.suite.discovery.issuer };
}

export async function metadata(flows: SuiteFlows): Promise<ExchangeEvidence & { document: Record<string, unknown>; url: string; expectedIssuer: string }> {
  const { result, document } = await flows.metadata();
  return { exchanges: [result.exchange], exchange: result.exchange, document, url: flows.suite.discoveryUrl, expectedIssuer: flows.suite.discovery.issuer };
}

export async function jwks(flows: SuiteFlows): Promise<ExchangeEvidence & { document: unknown }> {
  const { exchange, response } = await flows.jwks();
  if (!response) throw new Blocked(`JWKS request failed: ${exchange.error}`, [exchange]);
  if (response.status !== 200) throw new Blocked(`jwks_uri answered ${response.status}, not 200`, [exchange]);
  try {
    return { exchanges: [exchange], exchange, document: JSON.parse(response.body) };
  } catch {
    throw new Blocked('jwks_uri did not answer JSON', [exchange]);
  }
}

/** The token endpoint's answer to a grant, whatever its status. */
export async function tokenExchange(flows: SuiteFlows, grant: string): Promise<ExchangeEvidence & { grant: string }> {
  const result = await flows.token(grant);
  const { exchange } = result.token;
  if (!exchange.response) throw new Blocked(`token request failed: ${exchange.error}`, result.exchanges);
  return { exchanges: result.exchanges, exchange, grant };
}

/** The token endpoint's answer when it issued a token: judges of a success response need nothing less. */
export async function tokenIssued(flows: SuiteFlows, grant: string): Promise<ExchangeEvidence & { grant: string }> {
  const evidence = await tokenExchange(flows, grant);
  if (evidence.exchange.response?.status !== 200) {
    throw new Blocked(`the token endpoint answered ${evidence.exchange.response?.status} to grant ${grant}: ${evidence.exchange.response?.body.slice(0, 200)}`, evidence.exchanges);
  }
  return evidence;
}

export interface ResourceEvidence extends ExchangeEvidence {
  resource: Resource;
  /** The scope the token response says was granted, when it says. */
  grantedScope?: string;
}

export function resourceProbe(probe: ResourceProbe) {
  return async (flows: SuiteFlows, name: string): Promise<ResourceEvidence> => {
    const resource = flows.suite.resources?.find((r) => r.name === name);
    if (!resource) throw new Blocked(`unknown resource ${name}`);
    const { exchange } = await flows.resource(resource, probe);
    if (!exchange.response) throw new Blocked(`resource request failed: ${exchange.error}`, [exchange]);
    if (probe === 'none') return { exchanges: [exchange], exchange, resource };
    const token = await flows.token(resource.grant);
    return { exchanges: [token.token.exchange, exchange], exchange, resource, grantedScope: grantedScope(token.token.response?.body) };
  };
}

function grantedScope(body: string | undefined): string | undefined {
  try {
    const scope = (JSON.parse(body ?? '') as { scope?: unknown }).scope;
    return typeof scope === 'string' ? scope : undefined;
  } catch {
    return undefined;
  }
}
