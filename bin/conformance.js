#!/usr/bin/env node
import { loadMain } from './load-main.js';

const args = process.argv.slice(2);
const main = await loadMain(args);
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
