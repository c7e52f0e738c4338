// oidc-provider writes advice straight to the console: a "use Node 22" notice when it is first
// imported on Node 20, and "default X function called" hints at run time. None of it concerns
// the sandbox's users and it would garble the suite's output, so drop exactly those lines.
// Imported for its side effect, before the first import of 'oidc-provider'. Plain JavaScript so that the CLI can
// load it before the TypeScript hooks (bin/conformance.js).
const PROVIDER_NOTICE = /oidc-provider (NOTICE|WARNING):/;

for (const level of ['info', 'warn']) {
  const write = console[level];
  console[level] = (...args) => {
    if (typeof args[0] === 'string' && PROVIDER_NOTICE.test(args[0])) return;
    write.apply(console, args);
  };
}
