import { defineConfig } from 'vitest/config';

// Each test lints or diffs whole copies of the spec in child processes: give them room on a busy CI machine.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000 } });
