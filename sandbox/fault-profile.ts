import type { ProviderSettings } from './authorization-server.js';
import type { Fault } from './faults.js';
import type { RequestFault } from './front-door.js';
import type { MtlsFaults } from './mtls.js';
import type { TargetProfile } from './target.js';

/** A sandbox variant that breaks exactly one rule and leaves everything else conformant; or a hostile one. */
export interface FaultProfile extends TargetProfile {
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
  /**
   * The sandbox serves https with a test CA, asks clients for certificates, and has a client authenticated by its
   * certificate whose tokens are bound to it (RFC 8705), broken as these faults say.
   */
  mtls?: MtlsFaults;
}
