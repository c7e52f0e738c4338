import type { FaultProfile } from './profiles.js';

/** Profiles whose faults act on requests (the front door) or on the provider's settings. */
export const requestProfiles: FaultProfile[] = [];
