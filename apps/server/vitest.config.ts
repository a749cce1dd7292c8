import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every response a test app sends must conform to openapi.yaml; a violation fails the test that caused it.
    setupFiles: ['test/support/setup-response-contract.ts'],
    // Building an app compiles the spec's validators and opens PGlite: seconds, not milliseconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
