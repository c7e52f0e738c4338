/**
 * What a suite runs against, the reference sandbox or a vendor emulator, and its profiles: each conformant or
 * breaking exactly the rules it names, which is how the fault matrix proves every check able to fail.
 */

export interface TargetProfile {
  name: string;
  description: string;
  /** Ids of the checks this profile must make fail (MUST) or warn (SHOULD); empty for a conformant one. */
  breaks: string[];
  /** Ids of checks whose control this profile takes away: they must say "could not run", never pass or fail. */
  blocks?: string[];
  /** Its checks only run in `--long` mode (they wait out a lifetime), so the fault matrix runs it so. */
  long?: boolean;
  /**
   * It misbehaves at the transport level (hangs, floods, resets…) and breaks no rule: it proves that the engine
   * survives such endpoints, which the fault matrix cannot, so the matrix skips it.
   */
  hostile?: true;
}

/** A target started in one of its profiles. */
export interface RunningTarget {
  profile: string;
  /** Values its suite is interpolated with (its URLs, the credentials of its clients). */
  variables: Record<string, string>;
  /** Certificates (PEM) a client of it is to trust, as a private CA's would be: only on a profile that says so. */
  trustedCertificates?: string[];
  /** Closes its servers and their keep-alive connections. */
  close(): Promise<void>;
}

export interface Target<Profile extends TargetProfile = TargetProfile, Running extends RunningTarget = RunningTarget> {
  /** "sandbox", or the emulator's name: a suite's `emulator:` value. */
  name: string;
  /** The suite that runs against it, relative to the project's root. */
  suite: string;
  /** The first is the conformant one (the vendor's documented behaviour). */
  profiles: readonly Profile[];
  start(profile: string): Promise<Running>;
}

/** The profile of that name, or an error listing the valid ones. */
export function findProfile<T extends { name: string }>(owner: string, profiles: readonly T[], name: string): T {
  const profile = profiles.find((p) => p.name === name);
  if (!profile) throw new Error(`Unknown ${owner} profile "${name}"; valid profiles: ${profiles.map((p) => p.name).join(', ')}`);
  return profile;
}
