import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every response a test app sends must conform to openapi.yaml; a violation fails the test that caused it.
    // Every test also runs in a hostile shell (PORT=1, PUBLIC_URL elsewhere, …): each sets what it needs.
    setupFiles: ['test/support/setup-response-contract.ts', '@reminderit/testkit/setup-hostile-shell'],
    // A migrated PGlite dump made once per run, loaded by every suite's in-memory databases.
    globalSetup: ['test/support/global-setup.ts'],
    // Building an app opens PGlite and a browser starts in seconds alone, several times that with the whole
    // run sharing 2 cores. Waits on processes fail at once when they exit (@reminderit/testkit), so these
    // only bound a hang.
    testTimeout: 60_000,
    // One worker per core (vitest's default leaves one idle): this suite is the long pole of ./run test and
    // runs alone once the other packages are done. Suites are independent (own ports, databases, key prefixes).
    maxWorkers: '100%',
    hookTimeout: 120_000,
    // expect.poll waits on real state (a page rendered, a callback hit); its 1 s default is less than one page
    // load in a browser sharing 2 cores with the whole run. A poll still ends as soon as its condition holds.
    expect: { poll: { timeout: 15_000 } },
  },
});
