import type { ProviderSettings } from './authorization-server.js';
import type { Fault } from './faults.js';
import type { RequestFault } from './front-door.js';

/** A sandbox variant that breaks exactly one rule and leaves everything else conformant; or a hostile one. */
export interface FaultProfile {
  name: string;
  description: string;
  /** Ids of the checks this profile must make fail. */
  breaks: string[];
  /** Ids of checks whose control this profile takes away: they must say "could not run", never pass or fail. */
  blocks?: string[];
  faults: Fault[];
  /** Faults the front door applies to requests before the provider sees them. */
  requestFaults?: RequestFault[];
  /** Provider knobs this profile turns (defaults: authorization-server.ts). */
  settings?: Partial<ProviderSettings>;
  /** The interactive sandbox hands out a password its sign-in page refuses: a browser login's failure path. */
  wrongPassword?: true;
  /** The interactive sandbox's sign-in page shows the typed password as text when it refuses it. */
  echoPassword?: true;
  /** The interactive sandbox's sign-in page shows a loading banner while its form is sent: a login must not fail on it. */
  loadingBanner?: true;
  /** Every server of the sandbox answers this many milliseconds late: slower than a client's timeout, say. */
  latencyMs?: number;
  /** Its checks only run in `--long` mode (they wait out a lifetime), so the fault matrix runs it so. */
  long?: boolean;
  /**
   * It misbehaves at the transport level (hangs, floods, resets…) and breaks no rule: it proves that the engine
   * survives such endpoints, which the fault matrix cannot, so the matrix skips it.
   */
  hostile?: true;
}
