/** A vendor emulator variant: conformant to the vendor's documentation, or breaking exactly one rule. */
export interface EmulatorProfile {
  name: string;
  description: string;
  /** Check ids this variant must make fail (or warn); empty for the documented behaviour. */
  breaks: string[];
  /** Its checks only run in `--long` mode. */
  long?: boolean;
  /** The vendor version whose documented behaviour it plays (it then breaks nothing). */
  version?: string;
}

export interface Emulator {
  name: string;
  profile: string;
  /** Values the vendor's suite is interpolated with (the vendor's URLs, credentials of the emulated tenant). */
  variables: Record<string, string>;
  close(): Promise<void>;
}

/** An emulator of one vendor: its profiles (the first is the documented behaviour) and how to start it. */
export interface EmulatorDefinition {
  /** The suite's `emulator:` value, e.g. "medplum". */
  name: string;
  profiles: readonly EmulatorProfile[];
  start(profile: string): Promise<Emulator>;
}

/** A profile that changes some of an emulator's facts (the vendor's documented behaviour, as data). */
export interface FactsProfile<Facts> extends EmulatorProfile {
  facts?: Partial<Facts>;
}
