/**
 * Reliability under concurrency: many requests at once against one app, as the real roles, through
 * the whole HTTP pipeline. Each test fires a burst with Promise.all and then checks invariants that
 * hold whatever order the requests ran in: no lost update, no duplicate, and a history that replays
 * to the final state.
 *
 * On PostgreSQL the requests really race (a pool of connections, row locks, READ COMMITTED). PGlite
 * is one connection that runs one transaction at a time, so there the same bursts only interleave:
 * the invariants must hold for every interleaving too, and a request must never wait on another
 * request's transaction that cannot finish (a deadlock would hang the burst).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type ApiResponse, type Client } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

type Status = 'new' | 'open' | 'in_progress' | 'pending' | 'resolved' | 'closed';

/** The workflow as the contract states it, written out independently of the trigger. */
const NEXT: Record<Status, Status[]> = {
  new: ['open'],
  open: ['in_progress'],
  in_progress: ['pending', 'resolved'],
  pending: ['in_progress', 'resolved'],
  resolved: ['closed', 'open'],
  closed: ['open'],
};

const MOVES = {
  start: { to: 'in_progress', body: undefined },
  pend: { to: 'pending', body: { reason: 'Waiting for logs' } },
  resolve: { to: 'resolved', body: { resolution_notes: 'Fixed it' } },
  close: { to: 'closed', body: undefined },
  reopen: { to: 'open', body: { reason: 'Broken again' } },
} as const satisfies Record<string, { to: Status; body: object | undefined }>;
type Move = keyof typeof MOVES;

interface HistoryEntry {
  seq: number;
  action: string;
  field: string | null;
  old_value: unknown;
  new_value: unknown;
  is_internal: boolean;
}

/** A small deterministic generator (mulberry32), so a failing burst can be replayed exactly. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every item of a paginated list, following `next_cursor`. */
async function everyItem<T>(client: Client, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page: ApiResponse<{ data: T[]; next_cursor: string | null }> = await client.get(
      `${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(page.status).toBe(200);
    items.push(...page.body.data);
    cursor = page.body.next_cursor;
  } while (cursor);
  return items;
}

const statusesOf = (responses: ApiResponse[]) => responses.map((res) => res.status);
const count = (values: unknown[], value: unknown) => values.filter((each) => each === value).length;

describe.each(engines)('concurrency (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine, { maxConnections: 16 });
  });
  afterAll(() => api.close());

  /** A ticket of `customer` in the support department, so its manager may change it too. */
  async function freshTicket(title = 'Contended'): Promise<{ id: string; version: number }> {
    const created = await api.as('customer').post('/v1/tickets', { title, department_id: api.world.ids.support });
    expect(created.status).toBe(201);
    return created.body as { id: string; version: number };
  }

  const eventCounts = async (ticketId: string): Promise<Record<string, number>> => {
    const { rows } = await api.db.query<{ type: string; n: number }>(
      'select type, count(*)::int as n from events where ticket_id = $1 group by type',
      [ticketId],
    );
    return Object.fromEntries(rows.map((row) => [row.type, row.n]));
  };

  it('numbers 300 tickets created at once uniquely and without a gap, each with its history and event', async () => {
    const CREATES = 300;
    // Customers for themselves, and staff on a customer's behalf: two different policy paths.
    const creators: { user: UserKey; body: (i: number) => object }[] = [
      { user: 'customer', body: (i) => ({ title: `Burst ${i}` }) },
      { user: 'customer2', body: (i) => ({ title: `Burst ${i}`, priority: 'high' }) },
      { user: 'agent', body: (i) => ({ title: `Burst ${i}`, requester_id: api.world.users.customer, department_id: api.world.ids.support }) },
    ];
    const results = await Promise.all(
      Array.from({ length: CREATES }, (_, i) => {
        const creator = creators[i % creators.length]!;
        return api.as(creator.user).post('/v1/tickets', creator.body(i));
      }),
    );
    expect(statusesOf(results)).toEqual(Array.from({ length: CREATES }, () => 201));

    // The contract promises numbers that are never reused. They are also gapless here: the counter
    // row is incremented in the creating transaction, and every one of these transactions committed.
    const numbers = results.map((res) => res.body.ticket_number as string);
    expect(new Set(numbers).size).toBe(CREATES);
    const sequence = numbers.map((number) => Number(/-(\d+)$/.exec(number)![1])).sort((a, b) => a - b);
    expect(sequence.at(-1)! - sequence[0]! + 1).toBe(CREATES);

    const ids = results.map((res) => res.body.id as string);
    const { rows } = await api.db.query<{ id: string; created: number; events: number }>(
      `select t.id,
              (select count(*)::int from ticket_history h where h.ticket_id = t.id and h.action = 'created') as created,
              (select count(*)::int from events e where e.ticket_id = t.id and e.type = 'ticket.created') as events
         from tickets t where t.id = any($1::uuid[])`,
      [ids],
    );
    expect(rows).toHaveLength(CREATES);
    expect(rows.filter((row) => row.created !== 1 || row.events !== 1)).toEqual([]);
  });

  it('lets exactly one of 50 PATCHes with the same If-Match win, and keeps what the winner wrote', async () => {
    const WRITERS = 50;
    const ticket = await freshTicket();
    const writers: UserKey[] = ['admin', 'manager'];
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        api
          .as(writers[i % writers.length]!)
          .patch(`/v1/tickets/${ticket.id}`, { description: `writer ${i}`, priority: i % 2 ? 'low' : 'urgent' }, { headers: { 'if-match': `"${ticket.version}"` } }),
      ),
    );
    const statuses = statusesOf(results);
    expect(count(statuses, 200)).toBe(1);
    expect(count(statuses, 412)).toBe(WRITERS - 1);
    expect(results.filter((res) => res.status === 412).every((res) => res.body.code === 'precondition_failed')).toBe(true);

    const winner = results.find((res) => res.status === 200)!;
    const final = await api.as('admin').get(`/v1/tickets/${ticket.id}`);
    expect(final.body).toMatchObject({ version: ticket.version + 1, description: winner.body.description, priority: winner.body.priority });
    expect(final.headers.get('etag')).toBe(`"${ticket.version + 1}"`);
    const history = await everyItem<HistoryEntry>(api.as('admin'), `/v1/tickets/${ticket.id}/history`);
    const descriptions = history.filter((entry) => entry.field === 'description');
    expect(descriptions.map((entry) => entry.new_value)).toEqual([winner.body.description]);
  });

  it('loses no update when 20 writers retry stale writes until each has won once', async () => {
    const WRITERS = 20;
    const ticket = await freshTicket();
    const admin = api.as('admin');
    const versions: number[] = [];
    // Optimistic concurrency as a client does it: read the ETag, write with If-Match, on 412 read
    // again and retry. Every round has exactly one winner among the writers still trying.
    const writer = async (i: number) => {
      for (let attempt = 0; ; attempt++) {
        const current = await admin.get(`/v1/tickets/${ticket.id}`);
        const etag = current.headers.get('etag')!;
        const res = await admin.patch(`/v1/tickets/${ticket.id}`, { title: `Title by writer ${i}` }, { headers: { 'if-match': etag } });
        if (res.status === 200) {
          versions.push(res.body.version as number);
          return;
        }
        expect(res.status).toBe(412);
        // A writer that never wins would loop forever; WRITERS rounds are always enough.
        expect(attempt).toBeLessThan(WRITERS * 4);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i)));

    const history = await everyItem<HistoryEntry>(admin, `/v1/tickets/${ticket.id}/history`);
    const titles = history.filter((entry) => entry.field === 'title').map((entry) => entry.new_value as string);
    // Each writer's title was applied exactly once, and each change was made from the title before it.
    expect([...titles].sort()).toEqual(Array.from({ length: WRITERS }, (_, i) => `Title by writer ${i}`).sort());
    const chain = history.filter((entry) => entry.field === 'title');
    chain.slice(1).forEach((entry, i) => expect(entry.old_value).toBe(chain[i]!.new_value));
    const final = await admin.get(`/v1/tickets/${ticket.id}`);
    expect(final.body).toMatchObject({ title: titles.at(-1), version: ticket.version + WRITERS });
    // One winner per version: the successful writes took the versions after the first, one each.
    expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: WRITERS }, (_, i) => ticket.version + 1 + i));
  });

  it('creates one ticket for 50 POSTs racing with one Idempotency-Key, and answers them all alike', async () => {
    const REPLAYS = 50;
    const key = `race-${engine}-${Date.now()}`;
    const body = { title: 'Created exactly once', priority: 'high', department_id: api.world.ids.support };
    const results = await Promise.all(
      Array.from({ length: REPLAYS }, () => api.as('customer2').post('/v1/tickets', body, { headers: { 'idempotency-key': key } })),
    );
    // The contract: a retry with the same key and body gets the first response. A replay that
    // arrives while the first is still running waits for it (the key row is claimed first), so no
    // request sees an in-progress refusal.
    expect(statusesOf(results)).toEqual(Array.from({ length: REPLAYS }, () => 201));
    const ids = new Set(results.map((res) => res.body.id as string));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    for (const res of results) {
      expect(res.body).toEqual(results[0]!.body);
      expect(res.headers.get('location')).toBe(`/v1/tickets/${id}`);
      expect(res.headers.get('etag')).toBe(results[0]!.headers.get('etag'));
    }
    expect(results.filter((res) => res.headers.get('idempotent-replayed') === 'true')).toHaveLength(REPLAYS - 1);

    const { rows } = await api.db.query<{ n: number }>(
      "select count(*)::int as n from tickets where requester_id = $1 and title = 'Created exactly once'",
      [api.world.users.customer2],
    );
    expect(rows[0]!.n).toBe(1);
    expect(await eventCounts(id!)).toEqual({ 'ticket.created': 1 });

    // The same for a comment on that ticket: one comment, one history entry, one event.
    const commentKey = `${key}-comment`;
    const comments = await Promise.all(
      Array.from({ length: REPLAYS }, () =>
        api.as('customer2').post(`/v1/tickets/${id}/comments`, { body: 'Said once' }, { headers: { 'idempotency-key': commentKey } }),
      ),
    );
    expect(statusesOf(comments)).toEqual(Array.from({ length: REPLAYS }, () => 201));
    expect(new Set(comments.map((res) => res.body.id as string)).size).toBe(1);
    const listed = await everyItem<{ id: string }>(api.as('customer2'), `/v1/tickets/${id}/comments`);
    expect(listed.map((comment) => comment.id)).toEqual([comments[0]!.body.id]);
    expect(await eventCounts(id!)).toEqual({ 'ticket.created': 1, 'comment.created': 1 });
  });

  it('keeps every comment of a 200-comment storm on one ticket, with counts that agree', async () => {
    const ticket = await freshTicket('Stormy');
    const assigned = await api.as('manager').post(`/v1/tickets/${ticket.id}/assign`, { assignee_id: api.world.users.agent });
    expect(assigned.status).toBe(200);

    const STORM = 200;
    const authors: { user: UserKey; internal: boolean }[] = [
      { user: 'customer', internal: false },
      { user: 'agent', internal: false },
      { user: 'agent', internal: true },
      { user: 'manager', internal: true },
      { user: 'admin', internal: false },
    ];
    const plan = Array.from({ length: STORM }, (_, i) => ({ ...authors[i % authors.length]!, body: `storm ${i}` }));
    const results = await Promise.all(
      plan.map((each) => api.as(each.user).post(`/v1/tickets/${ticket.id}/comments`, { body: each.body, is_internal: each.internal })),
    );
    expect(statusesOf(results)).toEqual(Array.from({ length: STORM }, () => 201));

    const created = new Map(results.map((res) => [res.body.id as string, res.body as { body: string; is_internal: boolean }]));
    expect(created.size).toBe(STORM);
    const staffView = await everyItem<{ id: string; body: string; is_internal: boolean }>(api.as('agent'), `/v1/tickets/${ticket.id}/comments`);
    expect(staffView).toHaveLength(STORM);
    expect(new Set(staffView.map((comment) => comment.id))).toEqual(new Set(created.keys()));
    for (const comment of staffView) expect(comment.body).toBe(created.get(comment.id)!.body);
    const publicCount = plan.filter((each) => !each.internal).length;
    const customerView = await everyItem<{ id: string; is_internal: boolean }>(api.as('customer'), `/v1/tickets/${ticket.id}/comments`);
    expect(customerView).toHaveLength(publicCount);
    expect(customerView.every((comment) => !comment.is_internal)).toBe(true);

    const history = await everyItem<HistoryEntry>(api.as('admin'), `/v1/tickets/${ticket.id}/history`);
    const added = history.filter((entry) => entry.action === 'comment_added');
    expect(added).toHaveLength(STORM);
    expect(added.filter((entry) => !entry.is_internal)).toHaveLength(publicCount);
    // Many staff replies raced to be the first response; exactly one of them recorded it.
    expect(history.filter((entry) => entry.field === 'first_responded_at')).toHaveLength(1);
    const events = await eventCounts(ticket.id);
    expect(events['comment.created']).toBe(STORM);
  });

  it.each([1, 2, 3])('moves a ticket only along legal transitions under 5 bursts of racing moves (seed %i), with a history that replays to the final state', async (seed) => {
    const BURSTS = 5;
    const PER_BURST = 30;
    const next = random(seed);
    const ticket = await freshTicket('Workflow race');
    const moves = Object.keys(MOVES) as Move[];
    // Staff may make any move; the requester may close and reopen their own ticket.
    const staff: UserKey[] = ['admin', 'manager'];
    const wins: { to: Status; version: number; status: Status }[] = [];
    for (let burst = 0; burst < BURSTS; burst++) {
      const plan = Array.from({ length: PER_BURST }, () => {
        const move = moves[Math.floor(next() * moves.length)]!;
        const customer = (move === 'close' || move === 'reopen') && next() < 0.3;
        return { move, user: customer ? ('customer' as const) : staff[Math.floor(next() * staff.length)]! };
      });
      const results = await Promise.all(
        plan.map(({ move, user }) => api.as(user).post(`/v1/tickets/${ticket.id}/${move}`, MOVES[move].body)),
      );
      results.forEach((res, i) => {
        const { move, user } = plan[i]!;
        if (res.status === 200) {
          wins.push({ to: MOVES[move].to, version: res.body.version, status: res.body.status });
          return;
        }
        // A refusal says why: an illegal move from the state the ticket was in, or (for the
        // requester) a move only staff may make.
        const allowed = user === 'customer' ? [409, 403] : [409];
        expect(allowed, `${user} ${move}: ${res.text}`).toContain(res.status);
        if (res.status === 409) expect(res.body.code).toBe('invalid_transition');
      });
    }
    expect(wins.every((win) => win.status === win.to)).toBe(true);

    const final = await api.as('admin').get(`/v1/tickets/${ticket.id}`);
    const history = await everyItem<HistoryEntry>(api.as('admin'), `/v1/tickets/${ticket.id}/history`);
    const moved = history.filter((entry) => entry.field === 'status');
    // Replaying the history: every step starts where the previous one ended and is legal.
    let status: Status = 'new';
    for (const entry of moved) {
      expect(entry.old_value).toBe(status);
      expect(NEXT[status]).toContain(entry.new_value);
      status = entry.new_value as Status;
    }
    expect(final.body.status).toBe(status);
    // Each status change is one UPDATE (a start from `new` is two), and nothing else changed.
    expect(final.body.version).toBe(ticket.version + moved.length);
    expect(final.body.reopen_count).toBe(moved.filter((entry) => entry.action === 'reopened').length);
    // Every successful request made one step, each at a version of its own, except the first
    // start, which opened the `new` ticket on the way (two steps).
    expect(wins.length).toBeGreaterThan(0);
    expect(moved.length).toBe(wins.length + 1);
    expect(new Set(wins.map((win) => win.version)).size).toBe(wins.length);
    const { rows } = await api.db.query<{ n: number }>(
      "select count(*)::int as n from events where ticket_id = $1 and type = 'ticket.updated' and payload->'changes' ? 'status'",
      [ticket.id],
    );
    expect(rows[0]!.n).toBe(moved.length);
  });
});
