// vitest's setupFiles (vitest.config.ts): runs before each test file.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { server } from './server.js';

// A request nothing mocks fails instead of reaching the network. msw 2 calls the option
// `onUnhandledRequest`; msw 3 `onUnhandledFrame`, and silently ignores the old name. This project
// runs on both, so it sets both — through a variable, as each major's types know only its own name.
// On one major, write just that one: `server.listen({ onUnhandledRequest: 'error' })` (msw 2).
const strict = { onUnhandledRequest: 'error', onUnhandledFrame: 'error' } as const;
beforeAll(() => server.listen(strict));
// Drops what a test added with server.use(): the mock's handlers and any override.
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
