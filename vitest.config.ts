import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The files that take longest, longest first. Started first, none of them is left to run alone at the end (vitest
// orders by the last run's durations when it has them; a fresh clone has none, and goes by size). The fault matrix
// leads: it is the longest, and started behind the others it ran on alone for a minute and a half.
const LONGEST = ['fault-matrix', 'canaries', 'reliability', 'browser-login', 'cli', 'monitoring', 'proxy', 'browser-cli', 'report-in-browser'].map(
  (name) => `/test/${name}.test.ts`,
);

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const i = LONGEST.findIndex((path) => file.moduleId.endsWith(path));
      return i < 0 ? LONGEST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

// `npm test`: the product's own tests. Conformance runs use an inline configuration (src/engine/run-vitest.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    // Most tests wait on what they started (CLI runs, browsers, servers' delays): a worker more than there are cores
    // keeps the cores busy (vitest's default is one fewer).
    maxWorkers: availableParallelism() + 1,
    // Test files share their worker's modules: each file's imports cost ~0.4 s of CPU otherwise (oidc-provider, the
    // sandbox, vitest's node API), 20 s of a run. Each file cleans up what it started (setup.ts); one that needs a
    // module's fresh state imports it anew (secrets.test.ts).
    isolate: false,
    sequence: { sequencer: LongestFirst },
    // A test's time includes its turn: for a CLI slot (test/cli-process.ts) and for the browser (two logins at a time,
    // src/flows/browser-login.ts), which on a loaded 2-core machine took a minute before the test's own work began.
    testTimeout: 150_000,
    hookTimeout: 60_000,
  },
});
