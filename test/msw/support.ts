/**
 * One msw server per test file, a fresh mock per test: `useMock()` in a describe block gives
 * `mock()` (the current mock) and `client(user)` (an SDK client acting as a seeded user).
 */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { APIError, Ticketflow } from '../../src/index.js';
import { createTicketflowMock, type TicketflowMock, type TicketflowMockOptions, type UserRef } from '../../src/msw/index.js';

export function useMock(options: TicketflowMockOptions = {}) {
  const server = setupServer();
  let current: TicketflowMock | undefined;
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());
  beforeEach(() => {
    current = createTicketflowMock(options);
    server.resetHandlers(...current.handlers);
  });
  const mock = () => {
    if (!current) throw new Error('useMock: no mock before the first test');
    return current;
  };
  return {
    server,
    mock,
    /** An SDK client with an access token of `user`. */
    client: (user: UserRef, extra: { maxRetries?: number } = {}) => new Ticketflow({ baseUrl: mock().baseUrl, accessToken: mock().as(user).accessToken, ...extra }),
  };
}

/** The API error a call rejects with; fails the test if it succeeds or fails otherwise. */
export async function failure(call: PromiseLike<unknown>): Promise<APIError> {
  const outcome = await Promise.resolve(call).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof APIError)) throw new Error(`expected an API error, got ${outcome === undefined ? 'a success' : outcome instanceof Error ? outcome.message : 'something else'}`);
  return outcome;
}
