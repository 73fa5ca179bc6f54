import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks', // DuckDB's native binding, one process per test file
    setupFiles: ['test/setup.ts'], // removes each test file's temp folders
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { TZ: 'UTC', RECOUNT_NOW: '2026-11-15T12:00:00Z', NO_COLOR: '1' },
  },
});
