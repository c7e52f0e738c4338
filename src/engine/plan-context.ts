import type { BrowserOptions } from '../browser/chromium.js';
import type { HttpOptions } from '../http/client.js';
import type { LeftOut } from '../report/attachments.js';
import type { CheckResult } from '../results.js';
import type { LoadedSuite } from '../suite/loaded-suite.js';

/** What the runner hands to the vitest worker (serialised, never written to disk: it holds secrets). */
export interface Plan {
  suites: LoadedSuite[];
  secrets: string[];
  only: string[];
  strict: boolean;
  long: boolean;
  shard?: { index: number; count: number };
  http: HttpOptions;
  browser: BrowserOptions;
  /** Where the worker writes the run's snapshot (drift/snapshot.ts). */
  snapshot: string;
  /** How many bytes the run's attachments may take (report/attachments.ts). */
  attachmentBudget: number;
  /** Print each request and its answer as it happens (--verbose). */
  verbose: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    conformancePlan: Plan;
  }
}

declare module '@vitest/runner' {
  interface TaskMeta {
    conformance?: CheckResult;
    /** What the attachment budget kept out of this check's report. */
    leftOut?: LeftOut;
    /** Secrets the worker learned up to this check: the runner redacts what it writes with them. */
    learnedSecrets?: string[];
  }
}
