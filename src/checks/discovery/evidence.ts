import { Blocked } from '../../flows/blocked.js';
import { discovery, metadata } from '../../flows/discovery.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import type { ExchangeEvidence } from '../types.js';

/** The metadata request as it went, answered or not. */
export async function discoveryExchange(run: SuiteRun): Promise<ExchangeEvidence & { url: string }> {
  const { exchange } = await discovery(run);
  return { exchanges: [exchange], exchange, url: exchange.request.url };
}

/** The discovery answer when it was a 200: judges of its content need nothing less. */
export async function discoveryOk(run: SuiteRun): Promise<ExchangeEvidence & { url: string; expectedIssuer: string }> {
  const { exchange } = await discovery(run);
  if (exchange.response?.status !== 200) throw new Blocked(`discovery did not answer 200 (${exchange.error ?? exchange.response?.status})`, [exchange]);
  return { exchanges: [exchange], exchange, url: exchange.request.url, expectedIssuer: run.suite.issuer() };
}

/** The metadata as a JSON object, with the issuer the suite expects. */
export async function metadataEvidence(run: SuiteRun): Promise<ExchangeEvidence & { document: Record<string, unknown>; url: string; expectedIssuer: string }> {
  const { result, document } = await metadata(run);
  return { exchanges: [result.exchange], exchange: result.exchange, document, url: result.exchange.request.url, expectedIssuer: run.suite.issuer() };
}
