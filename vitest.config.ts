import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: integration tests must pass on a loaded 2-core machine (a hang still fails, later).
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Integration tests start real HTTP servers and ffmpeg; two cores do not gain from more workers.
    pool: 'forks',
    maxWorkers: 2,
  },
});
