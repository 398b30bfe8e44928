import { expect, it } from 'vitest';

// What test/setup.ts promises: a request nothing mocks fails, it never reaches the network. msw
// 2 rejects the fetch with its error, msw 3 with a TypeError caused by it. (With msw 3 and only
// `onUnhandledRequest: 'error'`, this request would go out and fail on DNS instead.)
it('refuses a request to a host nothing mocks', async () => {
  const error: unknown = await fetch('https://status.example.com/health').then(
    () => undefined,
    (reason: unknown) => reason,
  );

  const messages = [error, error instanceof Error ? error.cause : undefined].map((item) => (item instanceof Error ? item.message : ''));
  expect(messages.join('\n')).toMatch(/\[MSW\] Cannot bypass a request when using the "error" strategy/);
});
