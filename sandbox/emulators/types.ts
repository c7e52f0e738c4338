import type { RunningTarget, Target, TargetProfile } from '../target.js';

/** A vendor emulator variant: conformant to the vendor's documentation, or breaking exactly one rule. */
export interface EmulatorProfile extends TargetProfile {
  /** The vendor version whose documented behaviour it plays (it then breaks nothing). */
  version?: string;
}

export interface Emulator extends RunningTarget {
  name: string;
}

/** An emulator of one vendor: its profiles (the first is the documented behaviour), its suite and how to start it. */
export type EmulatorDefinition = Target<EmulatorProfile, Emulator>;

/** A profile that changes some of an emulator's facts (the vendor's documented behaviour, as data). */
export interface FactsProfile<Facts> extends EmulatorProfile {
  facts?: Partial<Facts>;
}
