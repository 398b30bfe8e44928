import { expect, it } from 'vitest';
import { clientAs, useTicketflowMock } from './mock.js';

const mock = useTicketflowMock({ scenario: 'demo' });

it('opens a ticket', async () => {
  const tf = clientAs(mock, 'customer');

  const ticket = await tf.tickets.create({ title: 'Printer on fire' });

  // The demo has six tickets: this is the seventh, and the customer is its requester.
  expect(ticket).toMatchObject({ ticket_number: 'TKT-2026-00007', status: 'new', requester_id: mock.user('customer').id });
  expect(mock.calls('tickets.create').map((call) => call.status)).toEqual([201]);
});
