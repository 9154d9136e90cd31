import { defineConfig } from 'vitest/config';

/**
 * Three projects: `unit` (pure code), `db` (platform server tests against a real database —
 * SQLite by default, PostgreSQL when DATABASE_URL=postgres://…), `e2e` (Chromium).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['runtime/**/*.test.ts', 'designer/**/*.test.ts', 'plugins/**/*.test.ts', 'seeds/**/*.test.ts', 'templates/**/*.test.ts', 'platform/shared/**/*.test.ts', 'platform/app/**/*.test.ts'],
          // Plugins' `*.db.test.ts` run in the db project, inside a test platform.
          exclude: ['**/node_modules/**', 'plugins/**/*.db.test.ts'],
        },
      },
      {
        test: {
          name: 'db',
          // A db.read or a nested transaction inside a transaction throws (see database.server.ts).
          env: { TONGGUAN_TX_CHECKS: '1' },
          include: ['platform/server/**/*.test.ts', 'plugins/**/*.db.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          env: { TONGGUAN_TX_CHECKS: '1' },
          include: ['platform/e2e/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
