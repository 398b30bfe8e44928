import { beforeEach } from 'vitest';
import { Ticketflow } from 'ticketflow';
import { createTicketflowMock, type TicketflowMock, type TicketflowMockOptions, type UserRef } from 'ticketflow/msw';
import { server } from './server.js';

/** A mocked helpdesk for the tests of a file, back at its scenario before each test. */
export function useTicketflowMock(options: TicketflowMockOptions = {}): TicketflowMock {
  const mock = createTicketflowMock(options);
  beforeEach(() => {
    mock.reset();
    server.use(...mock.handlers);
  });
  return mock;
}

/** An SDK client signed in as a seeded user (a seed key such as 'agent', an email or an id). */
export function clientAs(mock: TicketflowMock, user: UserRef): Ticketflow {
  return new Ticketflow({ baseUrl: mock.baseUrl, accessToken: mock.as(user).accessToken });
}
