import { vi } from 'vitest';
import { main } from '../src/cli/main.js';

/**
 * The CLI's `main` run in the test's own process, with what it printed: for what happens before any run starts (the
 * parse, usage errors, `init`). test/cli-process.ts runs the real CLI in a process of its own.
 */
export async function mainSays(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const code = await main(args);
    const text = (spy: typeof out) => spy.mock.calls.map((call) => call.join(' ')).join('\n');
    return { code, out: text(out), err: text(err) };
  } finally {
    vi.restoreAllMocks();
  }
}
