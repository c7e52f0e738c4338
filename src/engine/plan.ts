import { catalogue } from '../checks/catalogue.js';
import type { Check } from '../checks/check.js';
import { unmetRequirement } from '../checks/requirements.js';
import { didYouMean } from '../suggest.js';
import { ConfigError } from '../suite/errors.js';
import type { LoadedSuite } from '../suite/loaded-suite.js';

/** One check applied to one subject (the suite, a grant or a resource): one test in the report. */
export interface CheckInstance {
  check: Check;
  suite: LoadedSuite;
  /** Grant or resource name; empty for suite-scoped checks. */
  subject: string;
  /** Why it is skipped: its part of the suite is not configured, or something it requires is missing. */
  skip?: string;
}

/**
 * Expands the catalogue over a suite's grants and resources, keeping what `--only` selects. A grant-scoped check runs
 * on the grant types it requires only; whatever else it requires decides whether it is skipped, and why.
 */
export function planChecks(suite: LoadedSuite, only: string[] = [], options: { long: boolean } = { long: false }): CheckInstance[] {
  return selectChecks(only).flatMap((check) =>
    subjectsOf(check, suite).map(({ subject, disabled }): CheckInstance => {
      const skip = disabled ?? unmetRequirement(check, suite, subject, options);
      return { check, suite, subject, ...(skip !== undefined && { skip }) };
    }),
  );
}

function subjectsOf(check: Check, suite: LoadedSuite): Array<{ subject: string; disabled?: string }> {
  switch (check.scope) {
    case 'suite':
      return [{ subject: '' }];
    case 'grant':
      return Object.entries(suite.grants ?? {})
        .filter(([, grant]) => !check.requires?.grantTypes || check.requires.grantTypes.includes(grant.type))
        .map(([name]) => ({ subject: name, disabled: suite.disabled[`grants.${name}`] }));
    case 'resource':
      return (suite.resources ?? []).map((resource, i) => ({ subject: resource.name, disabled: suite.disabled[`resources[${i}]`] }));
  }
}

/** `--only` takes areas and check ids; an unknown one is a usage error, not an empty run. */
export function selectChecks(only: string[]): Check[] {
  if (only.length === 0) return catalogue;
  const unknown = only.filter((o) => !catalogue.some((c) => c.id === o || c.area === o));
  if (unknown.length) {
    const names = new Set(catalogue.flatMap((c) => [c.id, c.area]));
    throw new ConfigError({
      message: `--only ${unknown.map((o) => `${o}${didYouMean(o, names)}`).join(', ')}: no such area or check`,
      fix: `use an area (${[...new Set(catalogue.map((c) => c.area))].join(', ')}) or a check id from \`conformance list\``,
    });
  }
  return catalogue.filter((c) => only.includes(c.id) || only.includes(c.area));
}

export function testName(instance: Pick<CheckInstance, 'check' | 'subject'>): string {
  return `${instance.check.id}${instance.subject ? ` [${instance.subject}]` : ''}: ${instance.check.title}`;
}
