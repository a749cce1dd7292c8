import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Runs in a hostile shell (PORT=1, PUBLIC_URL elsewhere, …): the server it starts must get its own env.
    setupFiles: ['@reminderit/testkit/setup-hostile-shell'],
    // The suite starts the real server (spec compilation + PGlite migrations); testkit's startServer bounds
    // that itself (an early exit fails at once, a hang after 90 s), so the hook only needs to outlast it.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
