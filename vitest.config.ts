import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: a test that unlocks many scrypt keys takes 60-90 s on a loaded 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // New key files get a cheap scrypt cost in tests (test/support/fast-scrypt.ts).
    setupFiles: ['./test/support/fast-scrypt.ts'],
    maxWorkers: 2,
    // Tests start real servers on 127.0.0.1; never talk to anything else.
    env: { NO_COLOR: '1' },
  },
});
