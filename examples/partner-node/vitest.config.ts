import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The test starts the real server (spec compilation + PGlite migrations): seconds, not milliseconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
