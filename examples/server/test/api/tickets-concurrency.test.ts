/**
 * Concurrent writers on PostgreSQL: If-Match lets exactly one of many identical conditional
 * writes through, and one Idempotency-Key creates exactly one ticket however many retries race.
 *
 * PGlite is one connection that runs requests one after another, so it cannot race; these run on
 * PostgreSQL only, whenever TEST_DATABASE_URL provides one (CI does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';

const racingEngines = engines.filter((engine) => engine === 'postgres');
const WRITERS = 50;

it('races on PostgreSQL exactly when a PostgreSQL database is configured', () => {
  expect(racingEngines).toEqual(process.env.TEST_DATABASE_URL ? ['postgres'] : []);
});

describe.each(racingEngines)('concurrent ticket writes (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine, { maxConnections: 20 });
  });
  afterAll(() => api.close());

  const fresh = async () => {
    const created = await api.as('customer').post('/v1/tickets', { title: 'Contended', department_id: api.world.ids.support });
    expect(created.status).toBe(201);
    return created.body as { id: string; version: number };
  };

  it.each(['current', 'stale'])(`lets at most one of ${WRITERS} PATCHes with the same %s If-Match through`, async (which) => {
    const ticket = await fresh();
    const etag = which === 'current' ? `"${ticket.version}"` : `"${ticket.version + 7}"`;
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        api.as('admin').patch(`/v1/tickets/${ticket.id}`, { description: `writer ${i}` }, { headers: { 'if-match': etag } }),
      ),
    );
    const statuses = results.map((res) => res.status);
    const winners = results.filter((res) => res.status === 200);
    const { rows } = await api.db.query<{ version: number; description: string }>('select version, description from tickets where id = $1', [ticket.id]);
    if (which === 'current') {
      expect(winners).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(WRITERS - 1);
      expect(rows[0]).toEqual({ version: ticket.version + 1, description: winners[0]!.body.description });
      expect(winners[0]!.headers.get('etag')).toBe(`"${ticket.version + 1}"`);
    } else {
      expect(statuses.filter((s) => s === 412)).toHaveLength(WRITERS);
      expect(rows[0]).toEqual({ version: ticket.version, description: '' });
    }
    const history = await api.db.query('select 1 from ticket_history where ticket_id = $1 and field = $2', [ticket.id, 'description']);
    expect(history.rows).toHaveLength(winners.length);
  });

  it('lets one of many racing transitions with the same If-Match move the ticket', async () => {
    const ticket = await fresh();
    const results = await Promise.all(
      Array.from({ length: WRITERS }, () =>
        api.as('admin').request('POST', `/v1/tickets/${ticket.id}/start`, { headers: { 'if-match': `"${ticket.version}"` } }),
      ),
    );
    expect(results.filter((res) => res.status === 200)).toHaveLength(1);
    expect(results.filter((res) => res.status === 412)).toHaveLength(WRITERS - 1);
    const moves = await api.db.query("select 1 from ticket_history where ticket_id = $1 and field = 'status'", [ticket.id]);
    expect(moves.rows).toHaveLength(2);
  });

  it(`creates one ticket for ${WRITERS} racing POSTs with one Idempotency-Key`, async () => {
    const key = `race-${Date.now()}`;
    const body = { title: 'Created exactly once', priority: 'high' };
    const results = await Promise.all(
      Array.from({ length: WRITERS }, () => api.as('customer2').post('/v1/tickets', body, { headers: { 'idempotency-key': key } })),
    );
    expect(results.map((res) => res.status)).toEqual(Array.from({ length: WRITERS }, () => 201));
    const ticketIds = new Set(results.map((res) => res.body.id as string));
    expect(ticketIds.size).toBe(1);
    const [ticketId] = [...ticketIds];
    expect(results.filter((res) => res.headers.get('idempotent-replayed') === 'true')).toHaveLength(WRITERS - 1);
    for (const res of results) {
      expect(res.headers.get('location')).toBe(`/v1/tickets/${ticketId}`);
      expect(res.body).toEqual(results[0]!.body);
    }
    const { rows } = await api.db.query<{ count: string }>(
      "select count(*)::text as count from tickets where requester_id = $1 and title = 'Created exactly once'",
      [api.world.users.customer2],
    );
    expect(rows[0]!.count).toBe('1');

    const reused = await api.as('customer2').post('/v1/tickets', { ...body, priority: 'low' }, { headers: { 'idempotency-key': key } });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
  });

  it('numbers tickets created at once without a duplicate', async () => {
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) => api.as('customer').post('/v1/tickets', { title: `Burst ${i}` })),
    );
    expect(results.every((res) => res.status === 201)).toBe(true);
    const numbers = results.map((res) => res.body.ticket_number as string);
    expect(new Set(numbers).size).toBe(WRITERS);
  });
});
