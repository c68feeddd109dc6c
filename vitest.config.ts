import { defineConfig } from 'vitest/config';

/**
 * The default tier (`npm test`): every test/**\/*.test.ts except the slow tier's *.slow.test.ts, which
 * `npm run test:slow` runs (vitest.slow.config.ts; CI runs it once). A test goes to the slow tier only
 * when it is inherently slow or real-time (the soak campaign, real-pace polling); everything else is
 * made fast instead (fake clocks, the simulator's time scale).
 */
export const shared = {
  // Generous: integration tests must pass on a loaded 2-core machine (a hang still fails, later).
  testTimeout: 90_000,
  hookTimeout: 60_000,
  // Builds dist/ when it is older than its sources, so the CLI tests never run a stale build.
  globalSetup: ['test/global-setup.ts'],
  // Integration tests start real HTTP servers and ffmpeg; two cores do not gain from more workers.
  pool: 'forks' as const,
  maxWorkers: 2,
};

export default defineConfig({
  test: {
    ...shared,
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.slow.test.ts', '**/node_modules/**'],
  },
});
