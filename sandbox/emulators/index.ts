import { bwell } from './bwell.js';
import { medplum } from './medplum.js';
import { oneup } from './oneup.js';
import type { EmulatorDefinition } from './types.js';

export type { Emulator, EmulatorDefinition, EmulatorProfile } from './types.js';

/** Every vendor emulator, by the name suites give in `emulator:`. */
export const emulators: readonly EmulatorDefinition[] = [oneup, bwell, medplum];

export function emulatorNamed(name: string): EmulatorDefinition {
  const emulator = emulators.find((e) => e.name === name);
  if (!emulator) throw new Error(`Unknown emulator "${name}"; valid emulators: ${emulators.map((e) => e.name).join(', ')}`);
  return emulator;
}
