import { Blocked } from '../../flows/blocked.js';
import { jwks } from '../../flows/discovery.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import { jsonOf } from '../../http/exchange.js';
import type { ExchangeEvidence } from '../types.js';

/** What jwks_uri answered with 200, parsed when it is JSON (jwks.schema judges a body that is not). */
export async function jwksAnswer(run: SuiteRun): Promise<ExchangeEvidence & { document?: unknown; notJson?: string }> {
  const { exchange, response } = await jwks(run);
  if (!response) throw new Blocked(`JWKS request failed: ${exchange.error}`, [exchange]);
  if (response.status !== 200) throw new Blocked(`jwks_uri answered ${response.status}, not 200`, [exchange]);
  const body = jsonOf(exchange);
  return { exchanges: [exchange], exchange, ...(body.ok ? { document: body.value } : { notJson: body.reason }) };
}

/** The JWK Set as JSON: checks of its keys cannot judge anything else. */
export async function jwksDocument(run: SuiteRun): Promise<ExchangeEvidence & { document: unknown }> {
  const evidence = await jwksAnswer(run);
  if (!('document' in evidence)) throw new Blocked('jwks_uri did not answer JSON (see jwks.schema)', evidence.exchanges);
  return { ...evidence, document: evidence.document };
}
