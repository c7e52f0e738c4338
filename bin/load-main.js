// Loads the CLI's `main` from the TypeScript sources (tsx), so there is no build step to forget.
import { register } from 'tsx/esm/api';
import '../sandbox/silence-provider-notices.js';

/** Whether these arguments ask only for help or `list`, which need neither vitest nor the servers' packages. */
function isLight(args) {
  return args.length === 0 || ['help', '--help', '-h', 'list'].includes(args[0]) || args.includes('--help') || args.includes('-h');
}

/**
 * `main`, for a process that will run these arguments. The heavy packages load before the TypeScript hooks exist:
 * through the hooks every one of their files costs a round trip to the loader thread (vitest's runner: 0.19 s
 * without, 0.68 s with), most of a run's start-up otherwise. Help and `list` start sooner without the preload.
 */
export async function loadMain(args) {
  if (!isLight(args)) {
    await Promise.all(
      ['vitest/node', 'allure-vitest/reporter', 'allure-js-commons', 'oidc-provider', '@peculiar/x509', 'undici', 'ajv/dist/2020.js', 'ajv-formats', 'jose', 'yaml', 'dotenv'].map(
        (m) => import(m),
      ),
    );
  }
  register();
  return (await import('../src/cli/main.ts')).main;
}
