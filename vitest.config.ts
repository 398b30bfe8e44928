import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  // Same constant tsup injects, so tests run src/ exactly as it will be built.
  define: { __TICKETFLOW_VERSION__: JSON.stringify(version) },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'sdk',
          include: ['test/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          root: 'examples/server',
          // Relative to the project root above.
          include: ['test/**/*.test.ts'],
          environment: 'node',
          // PGlite needs ~3 s to start and migrate per instance.
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          // Fails a full run when an operation of the contract was never exercised.
          globalSetup: ['test/support/contract-coverage-check.ts'],
        },
      },
    ],
  },
});
