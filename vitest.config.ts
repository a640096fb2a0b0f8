import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'web/test/**/*.test.ts'],
    // PostgreSQL for the store tests: $SAMENZICHT_TEST_DATABASE_URL, else an embedded one per run.
    globalSetup: ['test/store/postgres-global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // DuckDB, HiGHS and Chromium tests are heavy; two cores.
    maxWorkers: 2,
    pool: 'forks',
  },
});
