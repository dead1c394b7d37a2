import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{main,shared,server,scripts,preload}/**/*.test.ts'],
    exclude: ['node_modules/**', 'out/**'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
