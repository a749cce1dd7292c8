import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The suite starts the real server (spec compilation + PGlite migrations); test/server-process.ts bounds
    // that itself (an early exit fails at once, a hang after 90 s), so the hook only needs to outlast it.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
