import { setupServer } from 'msw/node';

/** msw's server for this test run; test/setup.ts starts and stops it, tests add handlers. */
export const server = setupServer();
