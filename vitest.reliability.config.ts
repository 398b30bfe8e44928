import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: the reference server's slow reliability suites
 * (examples/server/test/reliability/*.reliability.ts), which start the real server as a child
 * process and push it to its limits for minutes. Kept out of `npm test`; CI runs both. One file at
 * a time, so that one suite's load does not disturb another's measurements.
 */
export default defineConfig({
  test: {
    name: 'reliability',
    root: 'examples/server',
    include: ['test/reliability/**/*.reliability.ts'],
    environment: 'node',
    testTimeout: 900_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
