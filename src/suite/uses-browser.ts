import type { Suite } from './suite.types.js';

/** Whether a suite's logins take a browser (a grant with the `browser` code strategy). */
export function usesBrowser(suite: Pick<Suite, 'grants'>): boolean {
  return Object.values(suite.grants ?? {}).some((g) => g.type === 'authorization_code' && g.code.strategy === 'browser');
}
