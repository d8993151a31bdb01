import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'collector/**/*.test.ts', 'analyzer/**/*.test.ts', 'rules/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // e2e tests build network namespaces and spawn the CLI; keep them from fighting over the 2 cores
    maxWorkers: 2,
  },
});
