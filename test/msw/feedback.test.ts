/**
 * Ticket ratings against the mock through the SDK: the requester rates a resolved or closed ticket
 * and may replace the rating while it stays so; nobody else may; staff see the ratings of the
 * tickets they see; the list's filters and validation are the server's.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, PermissionDeniedError } from '../../src/index.js';
import { failure, useMock } from './support.js';

async function all<T>(page: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of page) out.push(item);
  return out;
}

describe('ticket feedback on the mock', () => {
  const { mock, client } = useMock();

  function people() {
    const support = mock().seed.department({ name: 'Support' });
    const infra = mock().seed.department({ name: 'Infrastructure' });
    mock().seed.user({ key: 'customer', role: 'customer' });
    mock().seed.user({ key: 'customer2', role: 'customer' });
    mock().seed.user({ key: 'agent', role: 'agent', department_id: support.id });
    mock().seed.user({ key: 'agent2', role: 'agent', department_id: infra.id });
    return { customer: client('customer'), customer2: client('customer2'), agent: client('agent'), agent2: client('agent2') };
  }

  const resolved = (requester = 'customer') => mock().seed.ticket({ title: 'Printer', requester, assignee: 'agent', status: 'resolved' });

  it('lets the requester rate a resolved ticket once, and replace the rating while it stays resolved', async () => {
    const { customer, customer2, agent } = people();
    const ticket = resolved();
    expect((await failure(customer.feedback.get(ticket.id))).problem?.detail).toBe('This ticket has not been rated.');
    const first = await customer.feedback.rate(ticket.id, { rating: 5, comment: 'Fixed within the hour' }).withResponse();
    expect([first.response.status, first.response.headers.get('location')]).toEqual([201, `/v1/tickets/${ticket.id}/feedback`]);
    expect(first.data).toMatchObject({ ticket_id: ticket.id, customer_id: mock().user('customer').id, rating: 5, comment: 'Fixed within the hour' });
    mock().clock.advance(60_000);
    const second = await customer.feedback.rate(ticket.id, { rating: 3 }).withResponse();
    expect([second.response.status, second.data.id, second.data.comment, second.data.created_at]).toEqual([200, first.data.id, null, first.data.created_at]);
    expect(second.data.updated_at > first.data.updated_at).toBe(true);
    expect(await agent.feedback.get(ticket.id)).toEqual(second.data);

    const byStaff = await failure(agent.feedback.rate(ticket.id, { rating: 1 }));
    expect([byStaff.constructor, byStaff.problem?.detail]).toEqual([PermissionDeniedError, 'Only the requester of a ticket may rate it.']);
    await expect(customer2.feedback.rate(ticket.id, { rating: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(customer2.feedback.get(ticket.id)).rejects.toBeInstanceOf(NotFoundError);

    await customer.tickets.reopen(ticket.id, { reason: 'It broke again' });
    const reopened = await failure(customer.feedback.rate(ticket.id, { rating: 1 }));
    expect([reopened.constructor, reopened.code, reopened.problem?.detail]).toEqual([ConflictError, 'invalid_transition', 'a ticket can be rated once it is resolved, not while it is open']);
    expect((await customer.feedback.get(ticket.id)).rating).toBe(3);
    expect(mock().db.events.where((event) => event.type.startsWith('feedback.')).map((event) => [event.type, event.is_internal, event.payload.rating])).toEqual([
      ['feedback.created', false, 5],
      ['feedback.updated', false, 3],
    ]);
  });

  it('lists ratings newest first: customers their own, staff those of the tickets they see', async () => {
    const { customer, customer2, agent, agent2 } = people();
    const low = resolved();
    mock().clock.advance(1000);
    const high = resolved();
    mock().clock.advance(1000);
    const theirs = resolved('customer2');
    const a = await customer.feedback.rate(low.id, { rating: 2, comment: 'Took two tries' });
    mock().clock.advance(1000);
    const b = await customer.feedback.rate(high.id, { rating: 5 });
    mock().clock.advance(1000);
    const c = await customer2.feedback.rate(theirs.id, { rating: 4 });

    expect((await all(customer.feedback.list({ limit: 1 }))).map((row) => row.id)).toEqual([b.id, a.id]);
    expect((await all(agent.feedback.list())).map((row) => row.id)).toEqual([c.id, b.id, a.id]);
    expect(await all(agent2.feedback.list())).toEqual([]);
    expect((await all(agent.feedback.list({ rating: [1, 2] }))).map((row) => row.id)).toEqual([a.id]);
    expect((await all(agent.feedback.list({ ticket_id: high.id }))).map((row) => row.id)).toEqual([b.id]);
    expect((await all(agent.feedback.list({ created_after: b.created_at }))).map((row) => row.id)).toEqual([c.id, b.id]);
    expect((await all(agent.feedback.list({ created_before: b.created_at }))).map((row) => row.id)).toEqual([a.id]);
    const invalid = await failure(agent.feedback.list({ rating: [6] }));
    expect(invalid.problem?.errors).toEqual([{ location: 'query', path: 'rating', message: 'Too big: expected number to be <=5' }]);
  });

  it('validates a rating as the server does', async () => {
    const { customer } = people();
    const ticket = resolved();
    const invalid = await failure(customer.feedback.rate(ticket.id, { rating: 0, comment: 'x'.repeat(10_001) }));
    expect(invalid.problem?.errors?.map((error) => [error.path, error.message])).toEqual([
      ['rating', 'Too small: expected number to be >=1'],
      ['comment', 'Too big: expected string to have <=10000 characters'],
    ]);
  });

  it('seeds ratings through the triggers’ rules', () => {
    people();
    const ticket = resolved();
    expect(mock().seed.feedback(ticket.id, { rating: 4 })).toMatchObject({ rating: 4, customer_id: mock().user('customer').id });
    const open = mock().seed.ticket({ requester: 'customer' });
    expect(() => mock().seed.feedback(open.id)).toThrow('ticketflow/msw: cannot seed the rating: a ticket can be rated once it is resolved, not while it is new');
    expect(() => mock().seed.feedback(resolved().id, { by: 'agent' })).toThrow('Only the requester of a ticket may rate it.');
  });
});
