/**
 * GET /v1/tickets: what each role sees, every filter, every sort, and keyset pagination through
 * all pages. Expected results are computed here in TypeScript from the rows as written, not by
 * asking the database the same question twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type Client } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

const PRIORITIES = ['urgent', 'high', 'medium', 'low'] as const;
/** How to reach each status from `new` through the workflow. */
const PATHS: Record<string, string[]> = {
  new: [],
  open: ['open'],
  in_progress: ['open', 'in_progress'],
  pending: ['open', 'in_progress', 'pending'],
  resolved: ['open', 'in_progress', 'resolved'],
  closed: ['open', 'in_progress', 'resolved', 'closed'],
};
const STATUSES = Object.keys(PATHS);
const BATCH = 24;

/** What the batch tickets are, as written, with sort keys in microseconds. */
interface Row {
  id: string;
  ticket_number: string;
  title: string;
  description: string;
  status: string;
  priority: string;
  assignee_id: string | null;
  department_id: string | null;
  team_id: string | null;
  category_id: string | null;
  escalation_level: number;
  tags: string[];
  created: bigint;
  updated: bigint;
  due: bigint | null;
}

const compareBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const compareId = (a: Row, b: Row) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The documented orders, ties broken by id in the same direction. */
const ORDERS: Record<string, (a: Row, b: Row) => number> = {
  created_at: (a, b) => compareBig(a.created, b.created) || compareId(a, b),
  updated_at: (a, b) => compareBig(a.updated, b.updated) || compareId(a, b),
  priority: (a, b) => PRIORITIES.indexOf(a.priority as never) - PRIORITIES.indexOf(b.priority as never) || compareBig(a.created, b.created) || compareId(a, b),
  due: (a, b) => {
    if (a.due === null && b.due === null) return compareId(a, b);
    if (a.due === null) return 1;
    if (b.due === null) return -1;
    return compareBig(a.due, b.due) || compareId(a, b);
  },
};

const expectedOrder = (rows: Row[], sort: string) => {
  const order = ORDERS[sort.replace(/^-/, '')]!;
  const sorted = [...rows].sort(order);
  return (sort.startsWith('-') ? sorted.reverse() : sorted).map((row) => row.id);
};

/** Every page of a list, checking each page's size, and failing on a repeated id. */
async function collect(client: Client, query: string, limit = 5, from: string | null = null): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = from;
  let pages = 0;
  do {
    const separator = query ? '&' : '';
    const url = `/v1/tickets?${query}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await client.get(url);
    expect(res.status, url).toBe(200);
    expect(res.body.data.length).toBeLessThanOrEqual(limit);
    if (res.body.next_cursor) expect(res.body.data.length).toBe(limit);
    ids.push(...res.body.data.map((t: { id: string }) => t.id));
    cursor = res.body.next_cursor;
    expect(++pages).toBeLessThan(200);
  } while (cursor);
  expect(new Set(ids).size).toBe(ids.length);
  return ids;
}

describe.each(engines)('listing tickets over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let ids: Record<string, string>;
  let users: Record<UserKey, string>;
  let batch: Row[];
  /** Admin's view of the batch alone: every batch ticket is requested by `spare`. */
  let scope: string;

  beforeAll(async () => {
    api = await createApiHarness(engine);
    ids = api.world.ids;
    users = api.world.users;
    scope = `requester_id=${users.spare}`;
    batch = await buildBatch();
  });
  afterAll(() => api.close());

  /**
   * 24 tickets of `spare`, written as the owner so created_at can repeat (pairs share one, to
   * exercise the id tie-break) and every attribute varies on its own cycle.
   */
  async function buildBatch(): Promise<Row[]> {
    const base = Date.parse('2025-03-01T12:00:00.000Z');
    const created: string[] = [];
    for (let i = 0; i < BATCH; i++) {
      const { rows } = await api.db.query<{ id: string }>(
        `insert into tickets (title, description, priority, requester_id, created_by, assignee_id, department_id, team_id, category_id, created_at)
         values ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9) returning id`,
        [
          i % 2 === 0 ? `Printer jammed on floor ${i}` : `Network outage in building ${i}`,
          i % 3 === 0 ? 'Paper everywhere' : 'Cables unplugged',
          PRIORITIES[i % 4],
          users.spare,
          i % 5 === 0 ? users.agent : i % 5 === 1 ? users.agent2 : null,
          i % 3 === 0 ? ids.support : i % 3 === 1 ? ids.infra : null,
          i % 4 === 0 ? ids.alpha : null,
          i % 2 === 0 ? ids.network : null,
          new Date(base + Math.floor(i / 2) * 60_000).toISOString(),
        ],
      );
      const ticketId = rows[0]!.id;
      created.push(ticketId);
      for (const status of PATHS[STATUSES[i % 6]!]!) await api.db.query('update tickets set status = $2 where id = $1', [ticketId, status]);
      if (i % 3 !== 2) {
        await api.db.query('update tickets set resolution_due_at = $2 where id = $1', [ticketId, new Date(base + (i % 5) * 3_600_000).toISOString()]);
      }
      if (i % 7 === 0) await api.db.query('update tickets set escalation_level = 2 where id = $1', [ticketId]);
      if (i % 3 === 0) await api.db.query('insert into ticket_tags (ticket_id, tag_id) values ($1, $2)', [ticketId, ids.vip]);
      if (i % 4 === 1) await api.db.query('insert into ticket_tags (ticket_id, tag_id) values ($1, $2)', [ticketId, ids.outage]);
    }
    const micros = (column: string) => `(extract(epoch from ${column}) * 1000000)::bigint::text`;
    const { rows } = await api.db.query<Omit<Row, 'created' | 'updated' | 'due'> & { created: string; updated: string; due: string | null }>(
      `select id, ticket_number, title, description, status, priority, assignee_id, department_id, team_id, category_id, escalation_level,
              array(select tag_id from ticket_tags tt where tt.ticket_id = t.id) as tags,
              ${micros('created_at')} as created, ${micros('updated_at')} as updated, ${micros('resolution_due_at')} as due
         from tickets t where id = any($1::uuid[])`,
      [created],
    );
    return rows.map((row) => ({ ...row, created: BigInt(row.created), updated: BigInt(row.updated), due: row.due === null ? null : BigInt(row.due) }));
  }

  const idsWhere = (predicate: (row: Row) => boolean) => batch.filter(predicate).map((row) => row.id).sort();
  const sorted = (values: string[]) => [...values].sort();

  it('shows each role the world tickets its policies allow', async () => {
    const resolvedMine = api.world.rows.ticket_feedback!.mineFeedback!.params[0] as string;
    const resolvedForeign = api.world.rows.ticket_feedback!.foreignFeedback!.params[0] as string;
    const world = [ids.mine!, ids.queue!, ids.foreign!, resolvedMine, resolvedForeign, ids.resolvedUnrated!];
    const expected: Record<UserKey, string[]> = {
      customer: [ids.mine!, resolvedMine, ids.resolvedUnrated!],
      customer2: [ids.queue!, ids.foreign!, resolvedForeign],
      spare: [],
      agent: [ids.mine!, ids.queue!, resolvedMine, ids.resolvedUnrated!],
      agent2: [ids.queue!, ids.foreign!, resolvedForeign],
      manager: [ids.mine!, ids.queue!, resolvedMine, ids.resolvedUnrated!],
      admin: world,
    };
    for (const [user, visible] of Object.entries(expected) as [UserKey, string[]][]) {
      const listed = await collect(api.as(user), '', 25);
      expect(sorted(listed.filter((id) => world.includes(id))), user).toEqual(sorted(visible));
    }
  });

  it('shows customers only their own tickets, whatever they filter on', async () => {
    const own = await collect(api.as('spare'), '', 7);
    expect(sorted(own)).toEqual(sorted(batch.map((row) => row.id)));
    expect(await collect(api.as('spare'), `requester_id=${users.customer}`)).toEqual([]);
    // Tags are staff-only, so a customer's tag filter finds nothing.
    expect(await collect(api.as('spare'), `tag=${ids.vip}`)).toEqual([]);
  });

  it('shows agents the batch tickets they are assigned, of their department or team, and the queue', async () => {
    const listed = await collect(api.as('agent'), scope);
    const expected = idsWhere(
      (row) =>
        row.assignee_id === users.agent ||
        row.department_id === ids.support ||
        row.team_id === ids.alpha ||
        (row.assignee_id === null && ['new', 'open'].includes(row.status)),
    );
    expect(sorted(listed)).toEqual(expected);
    expect(expected.length).toBeLessThan(BATCH);
  });

  it.each(['-created_at', 'created_at', '-updated_at', 'updated_at', 'priority', '-priority', 'due', '-due'])(
    'sorts by %s through every page, in a total order',
    async (sort) => {
      for (const limit of [1, 4, 7, 100]) {
        const listed = await collect(api.as('admin'), `${scope}&sort=${sort}`, limit);
        expect(listed, `limit ${limit}`).toEqual(expectedOrder(batch, sort));
      }
    },
  );

  it('sorts newest first by default', async () => {
    expect(await collect(api.as('admin'), scope, 6)).toEqual(expectedOrder(batch, '-created_at'));
  });

  it('applies each filter, and several together', async () => {
    const cases: [string, (row: Row) => boolean][] = [
      ['status=open', (row) => row.status === 'open'],
      ['status=open&status=pending&status=closed', (row) => ['open', 'pending', 'closed'].includes(row.status)],
      ['priority=urgent', (row) => row.priority === 'urgent'],
      ['priority=urgent&priority=low', (row) => ['urgent', 'low'].includes(row.priority)],
      [`assignee_id=${users.agent}`, (row) => row.assignee_id === users.agent],
      ['assignee_id=none', (row) => row.assignee_id === null],
      [`team_id=${ids.alpha}`, (row) => row.team_id === ids.alpha],
      [`department_id=${ids.infra}`, (row) => row.department_id === ids.infra],
      [`category_id=${ids.network}`, (row) => row.category_id === ids.network],
      [`tag=${ids.vip}`, (row) => row.tags.includes(ids.vip!)],
      [`tag=${ids.vip}&tag=${ids.outage}`, (row) => row.tags.includes(ids.vip!) || row.tags.includes(ids.outage!)],
      ['escalated=true', (row) => row.escalation_level > 0],
      ['escalated=false', (row) => row.escalation_level === 0],
      ['q=printer', (row) => row.title.startsWith('Printer')],
      ['q=printers%20jammed', (row) => row.title.startsWith('Printer')],
      ['q=%22network%20outage%22%20-paper', (row) => row.title.startsWith('Network') && !row.description.startsWith('Paper')],
      ['q=cables%20or%20jammed', (row) => row.description.startsWith('Cables') || row.title.startsWith('Printer')],
      ['q=kangaroo', () => false],
      [`status=new&priority=urgent&department_id=${ids.support}`, (row) => row.status === 'new' && row.priority === 'urgent' && row.department_id === ids.support],
      [`escalated=true&assignee_id=none&status=new`, (row) => row.escalation_level > 0 && row.assignee_id === null && row.status === 'new'],
    ];
    for (const [query, predicate] of cases) {
      const listed = await collect(api.as('admin'), `${scope}&${query}`);
      expect(sorted(listed), query).toEqual(idsWhere(predicate));
    }
  });

  it('filters by creation and change time (after inclusive, before exclusive)', async () => {
    const iso = (micros: bigint) => new Date(Number(micros / 1000n)).toISOString();
    const pivot = [...batch].sort(ORDERS.created_at)[10]!;
    const after = await collect(api.as('admin'), `${scope}&created_after=${encodeURIComponent(iso(pivot.created))}`);
    expect(sorted(after)).toEqual(idsWhere((row) => row.created >= pivot.created));
    const before = await collect(api.as('admin'), `${scope}&created_before=${encodeURIComponent(iso(pivot.created))}`);
    expect(sorted(before)).toEqual(idsWhere((row) => row.created < pivot.created));
    const both = await collect(
      api.as('admin'),
      `${scope}&created_after=${encodeURIComponent(iso(pivot.created))}&created_before=${encodeURIComponent(iso(pivot.created + 60_000_000n))}`,
    );
    expect(sorted(both)).toEqual(idsWhere((row) => row.created >= pivot.created && row.created < pivot.created + 60_000_000n));
    const changed = [...batch].sort(ORDERS.updated_at)[BATCH - 5]!;
    // Millisecond precision in the query: everything changed in or after that millisecond.
    const cut = (changed.updated / 1000n) * 1000n;
    const updated = await collect(api.as('admin'), `${scope}&updated_after=${encodeURIComponent(iso(changed.updated))}`);
    expect(sorted(updated)).toEqual(idsWhere((row) => row.updated >= cut));
    const offset = await collect(api.as('admin'), `${scope}&created_after=2025-03-01T13:05:00%2B01:00`);
    expect(sorted(offset)).toEqual(idsWhere((row) => row.created >= BigInt(Date.parse('2025-03-01T12:05:00Z')) * 1000n));
  });

  it('finds a ticket by its number, in any case', async () => {
    const target = batch[5]!;
    for (const number of [target.ticket_number, target.ticket_number.toLowerCase()]) {
      const res = await api.as('admin').get(`/v1/tickets?number=${number}`);
      expect(res.body.data.map((t: { id: string }) => t.id)).toEqual([target.id]);
    }
    expect((await api.as('admin').get('/v1/tickets?number=TKT-1999-99999')).body.data).toEqual([]);
    // Someone who cannot see it finds nothing.
    expect((await api.as('customer').get(`/v1/tickets?number=${target.ticket_number}`)).body.data).toEqual([]);
  });

  it('keeps paging stable while tickets are added and changed', async () => {
    const client = api.as('admin');
    const first = await client.get(`/v1/tickets?${scope}&limit=10`);
    const added = await api.as('spare').post('/v1/tickets', { title: 'Arrived mid-list' });
    expect(added.status).toBe(201);
    const rest = await collect(client, scope, 10, first.body.next_cursor);
    const all = [...first.body.data.map((t: { id: string }) => t.id), ...rest];
    expect(all).toEqual(expectedOrder(batch, '-created_at'));
    expect(all).not.toContain(added.body.id);
    await api.as('admin').delete(`/v1/tickets/${added.body.id}`);
  });

  it('binds a cursor to its filters and sort', async () => {
    const client = api.as('admin');
    const first = await client.get(`/v1/tickets?${scope}&status=new&status=open&limit=2`);
    const cursor = encodeURIComponent(first.body.next_cursor);
    // The same filters in another order are the same list.
    const reordered = await client.get(`/v1/tickets?status=open&${scope}&status=new&limit=2&cursor=${cursor}`);
    expect(reordered.status).toBe(200);
    expect(reordered.body.data).toHaveLength(2);
    for (const other of [`${scope}&status=new`, `${scope}&status=new&status=open&sort=priority`, 'status=new&status=open', `${scope}&status=new&status=open&q=printer`]) {
      const res = await client.get(`/v1/tickets?${other}&limit=2&cursor=${cursor}`);
      expect(res.status, other).toBe(400);
      expect(res.body.code).toBe('invalid_cursor');
    }
    const forged = Buffer.from(JSON.stringify({ f: 'x', k: [1] })).toString('base64url');
    for (const bad of ['garbage', forged, '%00', 'x'.repeat(1025)]) {
      const res = await client.get(`/v1/tickets?cursor=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(['invalid_cursor', 'validation_failed']).toContain(res.body.code);
    }
  });

  it('refuses a cursor whose key does not parse as the sort key', async () => {
    // A well-formed cursor for this list, carrying a value that is not a timestamp.
    const first = await api.as('admin').get(`/v1/tickets?${scope}&limit=1`);
    const payload = JSON.parse(Buffer.from(first.body.next_cursor, 'base64url').toString('utf8'));
    const tampered = Buffer.from(JSON.stringify({ ...payload, k: ['not a time', payload.k[1]] })).toString('base64url');
    const res = await api.as('admin').get(`/v1/tickets?${scope}&limit=1&cursor=${tampered}`);
    expect(res.status).toBe(400);
  });

  it('refuses a forged cursor key that no time value can hold, or a year before the common era', async () => {
    const first = await api.as('admin').get(`/v1/tickets?${scope}&limit=1`);
    const payload = JSON.parse(Buffer.from(first.body.next_cursor, 'base64url').toString('utf8'));
    for (const key of [1e300, -62640518400001]) {
      const forged = Buffer.from(JSON.stringify({ ...payload, k: [key, payload.k[1]] })).toString('base64url');
      const res = await api.as('admin').get(`/v1/tickets?${scope}&limit=1&cursor=${forged}`);
      expect(res.status, String(key)).toBe(400);
    }
  });

  it('answers bad parameters with 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['sort=title', 'sort'],
      ['sort=-priority,created_at', 'sort'],
      ['status=done', 'status'],
      ['status=new&status=bogus', 'status'],
      [STATUSES.concat('new').map((s) => `status=${s}`).join('&'), 'status'],
      ['priority=P1', 'priority'],
      ['assignee_id=nobody', 'assignee_id'],
      ['assignee_id=none&assignee_id=none', 'assignee_id'],
      ['requester_id=1', 'requester_id'],
      ['team_id=x', 'team_id'],
      ['department_id=x', 'department_id'],
      ['category_id=x', 'category_id'],
      ['tag=vip', 'tag'],
      ['number=42', 'number'],
      ['created_after=yesterday', 'created_after'],
      ['created_before=2025-01-01', 'created_before'],
      ['updated_after=2025-01-01T00:00:00', 'updated_after'],
      ['escalated=yes', 'escalated'],
      ['q=', 'q'],
      [`q=${'x'.repeat(201)}`, 'q'],
      ['q=%00', 'q'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['colour=red', ''],
    ];
    for (const [query, path] of cases) {
      const res = await api.as('agent').get(`/v1/tickets?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path), query).toContain(path);
    }
  });

  it('needs credentials', async () => {
    expect((await api.anonymous().get('/v1/tickets')).status).toBe(401);
  });
});
