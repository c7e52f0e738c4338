import { defineConfig } from 'vitest/config';

// `npm test`: the product's own tests. Conformance runs use an inline configuration (src/engine/run-vitest.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
