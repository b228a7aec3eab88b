import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // PGlite boots a whole PostgreSQL in WebAssembly: seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['test/support/build-setup.ts', 'test/support/global-setup.ts'],
  },
});
