/** One thing wrong with a suite or the run's configuration, located so a user can go straight to it. */
export interface Problem {
  file?: string;
  line?: number;
  column?: number;
  /** Dotted path inside the suite, e.g. grants.user.code.strategy */
  path?: string;
  message: string;
  fix: string;
  /** Set when the problem is this required variable having no value: in a default run the suite is "not configured" rather than broken. */
  unsetVariable?: string;
}

/** Stops the run with exit code 2; the message lists every problem found, not just the first. */
export class ConfigError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[] | Problem) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = list;
  }
}

function formatProblem(p: Problem): string {
  const place = [p.file, p.line, p.column].filter((x) => x !== undefined).join(':');
  const head = [place, p.path].filter(Boolean).join(' ');
  return `${head ? `${head}: ` : ''}${p.message}\n  fix: ${p.fix}`;
}
