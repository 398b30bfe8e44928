/** Seeding: the same seed gives the same ids; factories walk the workflow; reset goes back to the start. */
import { describe, expect, it } from 'vitest';
import { createTicketflowMock } from '../../src/msw/index.js';
import { useMock } from './support.js';

function script(seed: string) {
  const mock = createTicketflowMock({ seed, scenario: 'demo' });
  const ticket = mock.seed.ticket({ title: 'Seeded', requester: 'customer', assignee: 'agent', status: 'resolved' });
  const comment = mock.seed.comment(ticket.id, { author: 'agent', body: 'Fixed' });
  return { mock, ids: [...mock.db.users.all(), ...mock.db.tickets.all(), ...mock.db.comments.all(), ...mock.db.history.all()].map((row) => row.id), ticket, comment };
}

describe('seeding the mock', () => {
  it('gives the same ids for the same seed, and other ids for another', () => {
    const a = script('run-1');
    const b = script('run-1');
    const c = script('run-2');
    expect(a.ids).toEqual(b.ids);
    expect(a.ticket).toEqual(b.ticket);
    expect(c.ids[0]).not.toBe(a.ids[0]);
    for (const id of a.ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('walks a seeded ticket through the workflow, with its history', () => {
    const { mock, ticket } = script('walk');
    expect(ticket).toMatchObject({ status: 'resolved', assignee_id: mock.user('agent').id, resolution_notes: 'Resolved.', version: 4 });
    const actions = mock.db.history.where((entry) => entry.ticket_id === ticket.id).map((entry) => `${entry.action}:${entry.field ?? ''}`);
    expect(actions).toEqual(['created:', 'assigned:assignee_id', 'status_changed:status', 'status_changed:status', 'field_updated:resolution_notes', 'status_changed:status', 'comment_added:', 'field_updated:first_responded_at']);
  });

  it('refuses a user it does not know by name', () => {
    const mock = createTicketflowMock();
    expect(() => mock.as('nobody')).toThrow(/no seeded user is "nobody"/);
    expect(() => mock.fail('tickets.create', { times: 2 })).toThrow(/needs a status, networkError or delay/);
  });

  describe('reset', () => {
    const { mock, client } = useMock({ scenario: 'demo', seed: 7 });

    it('goes back to the scenario, the clock and the ids it started with', async () => {
      const firstTicketId = mock().db.tickets.all()[0]!.id;
      const start = mock().clock.now().toISOString();
      await client('customer').tickets.create({ title: 'Gone after reset' });
      mock().clock.advance(60_000);
      mock().fail('tickets.list', { status: 500 });
      mock().reset();
      expect(mock().db.tickets.size).toBe(6);
      expect(mock().db.tickets.all()[0]!.id).toBe(firstTicketId);
      expect(mock().clock.now().toISOString()).toBe(start);
      expect(mock().calls()).toHaveLength(0);
      expect((await client('agent').tickets.list()).data.length).toBeGreaterThan(0);
    });
  });
});
