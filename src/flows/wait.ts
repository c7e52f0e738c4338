import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpOptions } from '../http/client.js';
import { Blocked } from './blocked.js';

/** Waits, unless the run's deadline comes first: then the probe that waits cannot run, and says why. */
export async function wait(http: HttpOptions, seconds: number): Promise<void> {
  const deadline = http.deadlineAt;
  if (deadline !== undefined && Date.now() + seconds * 1000 > deadline) throw new Blocked(`waiting ${seconds} s would pass the run's deadline (--deadline)`);
  await sleep(seconds * 1000);
}
