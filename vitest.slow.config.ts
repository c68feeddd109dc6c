import { defineConfig } from 'vitest/config';
import { shared } from './vitest.config.js';

/** The slow tier (`npm run test:slow`): the *.slow.test.ts files that the default tier leaves out. */
export default defineConfig({
  test: {
    ...shared,
    include: ['test/**/*.slow.test.ts'],
    testTimeout: 920_000,
  },
});
