// Generated from schemas/results.schema.json by `npm run gen:types`; do not edit.

/**
 * Every result of a conformance run, as `conformance run --json FILE` writes it: for scripts and dashboards. Redacted like every other output.
 */
export interface ResultsFile {
  tool: {
    name: 'oauth-conformance';
    version: string;
  };
  /**
   * When the run started (ISO 8601, UTC).
   */
  startedAt: string;
  /**
   * How long the run took, in milliseconds.
   */
  durationMs: number;
  results: Result[];
  /**
   * By vendor, the embedded server its suite ran against ("embedded sandbox", "medplum emulator"); a vendor not named ran against its own servers.
   */
  targets?: {
    [k: string]: string;
  };
}
/**
 * One check on one subject (a grant, a resource) of one vendor's suite.
 *
 * This interface was referenced by `ResultsFile`'s JSON-Schema
 * via the `definition` "result".
 */
export interface Result {
  /**
   * The check id, as `conformance list` names it.
   */
  id: string;
  vendor: string;
  area: string;
  /**
   * The grant or resource the check judged; absent for a check on the whole suite.
   */
  subject?: string;
  /**
   * pass; fail (a MUST broken); warn (a SHOULD broken); deviation (a rule the suite documents the vendor breaks); blocked (could not run); skipped (does not apply).
   */
  status: 'pass' | 'fail' | 'warn' | 'deviation' | 'blocked' | 'skipped';
  level: 'MUST' | 'SHOULD';
  /**
   * The sections the rule comes from.
   *
   * @minItems 1
   */
  spec: [
    {
      ref: string;
      url: string;
    },
    ...{
      ref: string;
      url: string;
    }[],
  ];
  message: string;
  expected?: string;
  actual?: string;
  /**
   * The suite's documented reason, when it declares a deviation for this check.
   */
  deviation?: string;
  /**
   * How long the requests the check judged took, from the first sent to the last answered, in milliseconds; absent when it judged none.
   */
  durationMs?: number;
  /**
   * Failing in this run and not in the previous one (its snapshot), or failing with no previous run to compare with: what a notification is about.
   */
  new?: true;
}
