#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so there is no build step to forget.
import { register } from 'tsx/esm/api';
import '../sandbox/silence-provider-notices.js';

const args = process.argv.slice(2);
// The heavy packages load before the TypeScript hooks exist: through the hooks every one of their files costs a round
// trip to the loader thread (vitest's runner: 0.19 s without, 0.68 s with), most of a run's start-up otherwise. Help
// and `list` need neither vitest nor the servers' packages (oidc-provider), and start sooner without the preload.
const light = args.length === 0 || ['help', '--help', '-h', 'list'].includes(args[0]) || args.includes('--help') || args.includes('-h');
if (!light) {
  await Promise.all(
    ['vitest/node', 'allure-vitest/reporter', 'allure-js-commons', 'oidc-provider', '@peculiar/x509', 'undici', 'ajv/dist/2020.js', 'ajv-formats', 'jose', 'yaml', 'dotenv'].map(
      (m) => import(m),
    ),
  );
}
register();
const { main } = await import('../src/cli/main.ts');
// A reader that stops early (`conformance list | head`) closes the pipe: the rest is not wanted, which is no error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}
const code = await main(args);
// Exit explicitly: pooled keep-alive connections would otherwise hold the process open for seconds. Only once the
// console output is handed over: exit drops what is still queued for a pipe (`conformance list | less` lost its end).
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((flushed) => stream.write('', flushed))));
process.exit(code);
