import { issuedToken, judgedByServer, listed, type Exchange } from '../../http/exchange.js';
import { metadata } from '../../flows/discovery.js';
import type { ForeignRefresh, TokenEndpointProbe } from '../../flows/flow-keys.js';
import type { SuiteRun } from '../../flows/suite-run.js';
import type { TokenResult } from '../../flows/token.js';
import { codeReplay, redirectMismatchAtToken } from '../authorization-code/probes.js';
import { verifierProbe } from '../pkce/probes.js';
import { refreshByOtherClients, refreshReplay } from '../refresh/probes.js';
import { refreshAfterRevocation } from '../revocation/probes.js';
import { tokenEndpointProbe } from './probes.js';

/**
 * Every token request of a run that a conforming server refuses, with the error code RFC 6749 §5.2 (or the rule
 * cited) names for its case: the error response checks judge them all, not only the dedicated probes.
 */
export interface Refusal {
  /** What the request got wrong, for messages. */
  case: string;
  exchange: Exchange;
  /** The error codes the rule names for this case. */
  expected: readonly string[];
  /** Where that code is named. */
  cite: string;
  /** The check that judges this case's code on its own (with a stricter rule), if one does. */
  ownCheck?: string;
}

type Source = (run: SuiteRun) => Promise<Refusal[]>;

function probed(probe: TokenEndpointProbe, refusal: Omit<Refusal, 'exchange'>): Source {
  return async (run) => [{ ...refusal, exchange: (await tokenEndpointProbe(run, probe)).exchange }];
}

/** A refusal read off a probe of each authorization_code grant of the suite. */
function perCodeGrant(make: (run: SuiteRun, grant: string) => Promise<TokenResult>, refusal: Omit<Refusal, 'exchange'>): Source {
  return async (run) => {
    const settled = await Promise.allSettled(
      codeGrants(run).map(async (name) => ({ ...refusal, case: `${refusal.case} (grant ${name})`, exchange: (await make(run, name)).token.exchange })),
    );
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  };
}

/** invalid_scope; judged only when the probes' client gets a token without that scope (their control). */
async function unknownScope(run: SuiteRun): Promise<Refusal[]> {
  const [control, refusals] = await Promise.all([
    tokenEndpointProbe(run, 'control'),
    probed('unknown-scope', { case: 'a scope no server defines', expected: ['invalid_scope'], cite: 'RFC 6749 §5.2' })(run),
  ]);
  return issuedToken(control.exchange) ? refusals : [];
}

/**
 * unauthorized_client, where the server declares it supports client_credentials; without that declaration the client
 * cannot tell "not for you" from "not here", so unsupported_grant_type is as right.
 */
async function grantTypeNotAllowed(run: SuiteRun): Promise<Refusal[]> {
  const declared = await metadata(run).then(
    ({ document }) => listed(document, 'grant_types_supported', []).includes('client_credentials'),
    () => false,
  );
  return probed('grant-type-not-allowed', {
    case: 'client_credentials by a client the suite uses only for authorization_code',
    expected: declared ? ['unauthorized_client'] : ['unauthorized_client', 'unsupported_grant_type'],
    cite: 'RFC 6749 §5.2',
  })(run);
}

const SOURCES: Source[] = [
  probed('wrong-secret-basic', {
    case: 'a wrong client secret with Basic',
    expected: ['invalid_client'],
    cite: 'RFC 6749 §5.2',
    ownCheck: 'error-response.invalid-client-basic',
  }),
  probed('wrong-secret-post', {
    case: 'a wrong client_secret in the body',
    expected: ['invalid_client'],
    cite: 'RFC 6749 §5.2',
    ownCheck: 'error-response.invalid-client-post',
  }),
  probed('unknown-grant-type', {
    case: 'an unknown grant_type',
    expected: ['unsupported_grant_type'],
    cite: 'RFC 6749 §5.2',
    ownCheck: 'error-response.unsupported-grant-type',
  }),
  probed('missing-grant-type', { case: 'no grant_type', expected: ['invalid_request'], cite: 'RFC 6749 §5.2', ownCheck: 'error-response.missing-parameter' }),
  probed('duplicate-parameter', { case: 'a parameter sent twice', expected: ['invalid_request'], cite: 'RFC 6749 §3.1, §5.2' }),
  unknownScope,
  grantTypeNotAllowed,
  perCodeGrant(async (run, grant) => (await codeReplay(run, grant)).second, {
    case: 'a code redeemed again',
    expected: ['invalid_grant'],
    cite: 'RFC 6749 §4.1.2, §5.2',
  }),
  perCodeGrant(redirectMismatchAtToken, { case: 'a code redeemed with another redirect_uri', expected: ['invalid_grant'], cite: 'RFC 6749 §4.1.3, §5.2' }),
  perCodeGrant((run, grant) => verifierProbe(run, grant, 'wrong'), { case: 'a wrong code_verifier', expected: ['invalid_grant'], cite: 'RFC 7636 §4.6' }),
  perCodeGrant((run, grant) => verifierProbe(run, grant, 'missing'), {
    case: 'no code_verifier for a code with a challenge',
    expected: ['invalid_grant', 'invalid_request'],
    cite: 'RFC 7636 §4.6, RFC 6749 §5.2',
  }),
  perCodeGrant(async (run, grant) => (await refreshReplay(run, grant)).replay, {
    case: 'a rotated-out refresh token',
    expected: ['invalid_grant'],
    cite: 'RFC 6749 §5.2',
  }),
  perCodeGrant(async (run, grant) => (await refreshAfterRevocation(run, grant)).refreshed, {
    case: 'a revoked refresh token',
    expected: ['invalid_grant'],
    cite: 'RFC 6749 §5.2, RFC 7009 §2.2',
  }),
  refreshesByOthers,
];

/**
 * Each refresh by a client the token was not issued to (invalid_grant, or unauthorized_client when that client may
 * not refresh at all), or with a wrong secret (invalid_client, whose code the invalid-client checks judge).
 */
async function refreshesByOthers(run: SuiteRun): Promise<Refusal[]> {
  const settled = await Promise.allSettled(codeGrants(run).map((grant) => refreshByOtherClients(run, grant)));
  return settled.flatMap((s) => (s.status === 'fulfilled' ? s.value.map(byOther) : []));
}

function byOther({ presenter, wrongSecret, method, refreshed }: ForeignRefresh): Refusal {
  const refusal = { case: `a refresh by ${presenter}`, exchange: refreshed.token.exchange, cite: 'RFC 6749 §5.2' };
  if (!wrongSecret) return { ...refusal, expected: ['invalid_grant', 'unauthorized_client'] };
  return {
    ...refusal,
    expected: ['invalid_client'],
    ownCheck: method === 'client_secret_basic' ? 'error-response.invalid-client-basic' : 'error-response.invalid-client-post',
  };
}

function codeGrants(run: SuiteRun): string[] {
  return run.suite
    .grants()
    .filter(([, g]) => g.type === 'authorization_code')
    .map(([name]) => name);
}

/**
 * The refusals the run's token requests met. A case that does not apply (no such grant, no PKCE, no revocation) or
 * could not be set up is left out; so are answers that are no refusal: a token (judged by the case's own check), a
 * 5xx, a 429 that outlasted the retries, or no answer.
 */
export async function observedRefusals(run: SuiteRun): Promise<Refusal[]> {
  const settled = await Promise.allSettled(SOURCES.map((source) => source(run)));
  return settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : [])).filter((r) => judgedByServer(r.exchange) && !issuedToken(r.exchange));
}
