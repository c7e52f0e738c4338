import type { Endpoint } from '../flows/context.js';
import type { SuiteRun } from '../flows/suite-run.js';
import type { Grant } from '../suite/suite.types.js';
import type { Area, Citations, Evidence, Level, Scope, Verdict } from './types.js';

/** The expectations of a suite a check may need declared (paths under `expect:`). */
export type Expectation =
  'refresh.rotates' | 'refresh.requires_scope' | 'pkce_required' | 'access_token_profile' | 'access_token_claims' | 'lifetimes.access_token' | 'lifetimes.code';

/**
 * What a check needs in order to apply, declared: plan.ts evaluates it before the check runs (its endpoint once the
 * metadata is known) and `conformance list` prints it. What only the vendor's answers tell (an opaque token, a
 * refresh token not issued) is found out by the check itself.
 */
export interface Requires {
  /** The grant types it runs on (grant scope), or one of which the suite must use (suite scope). */
  grantTypes?: ReadonlyArray<Grant['type']>;
  /**
   * What the grant it runs on (a resource's: the grant whose token it is called with) must do: use PKCE, return by a
   * redirect that can carry state, ask for openid, get its code by the redirect strategy without `par: false` (the
   * par probes walk request_uri values themselves), bind its tokens with DPoP, get bearer tokens, or be a SMART
   * Backend Services grant (`smart_backend: true`); a suite-scoped check needs some grant that does.
   */
  grantUses?: 'pkce' | 'redirect' | 'openid' | 'par' | 'dpop' | 'bearer' | 'smart-backend';
  /**
   * What the client of the grant it runs on (resource scope: of the resource's grant; suite scope: some client of the
   * suite) must have: authentication by a JWT assertion (RFC 7523 §2.2) or by its certificate (RFC 8705 §2), or a
   * certificate at all.
   */
  client?: 'jwt' | 'tls_client_auth' | 'certificate';
  /** An endpoint the suite gives or its metadata declares. */
  endpoint?: Endpoint;
  /** An expectation the suite declares about the vendor. */
  expects?: Expectation;
  /** Waits out lifetimes: runs only with --long. */
  long?: true;
  /** The control the verdict needs: the same request done right succeeds, or the check could not run. */
  control?: string;
}

/**
 * A conformance check: `gather` reads what it needs through the suite's memoised flows, `judge` is a pure
 * function of that evidence. `subject` is the grant or resource name for grant- and resource-scoped checks.
 */
export interface Check<E extends Evidence = Evidence> {
  id: string;
  area: Area;
  title: string;
  level: Level;
  spec: Citations;
  scope: Scope;
  requires?: Requires;
  gather(run: SuiteRun, subject: string): Promise<E>;
  judge(evidence: E): Verdict;
}

export function defineCheck<E extends Evidence>(check: Check<E> & { id: `${Area}.${string}` }): Check {
  if (!check.id.startsWith(`${check.area}.`)) throw new Error(`check ${check.id} must start with its area ${check.area}`);
  return check;
}
