#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
// Exit explicitly: pooled keep-alive connections would otherwise hold the process open for seconds.
process.exit(await main(process.argv.slice(2)));
