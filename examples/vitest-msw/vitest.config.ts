import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Starts msw's server once per test file; each test gets a fresh mocked helpdesk (test/mock.ts).
    setupFiles: ['./test/setup.ts'],
  },
});
