// A warm CLI process for the tests (test/cli-process.ts): it loads the CLI as bin/conformance.js does, once, then runs
// one command at a time, each given by message with its own working directory and environment. Its output goes to
// its real stdout and stderr pipes; each command's end is marked on both, with the exit code on stdout.
import { loadMain } from '../bin/load-main.js';

const [end] = process.argv.slice(2);
const main = await loadMain(['run']);
const flushed = (stream, text) => new Promise((done) => stream.write(text, done));

process.on('message', async ({ args, cwd, env }) => {
  process.chdir(cwd);
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, env);
  process.exitCode = undefined;
  // An error main() lets out ends a real CLI process with its stack and exit code 1; here too, and the host goes.
  const code = await main(args).catch((error) => {
    console.error(error);
    return undefined;
  });
  await flushed(process.stderr, `${end}\n`);
  await flushed(process.stdout, `${end} ${code ?? 1}\n`);
  if (code === undefined) process.exit(1);
});
// The test worker that started this host has gone.
process.on('disconnect', () => process.exit(0));
process.send('ready');
