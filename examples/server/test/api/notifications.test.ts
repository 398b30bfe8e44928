import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

const MISSING = '7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f';
const TYPES = ['ticket_created', 'ticket_assigned', 'status_changed', 'comment_added', 'escalated', 'sla_warning', 'sla_breach', 'resolution_request', 'ticket_closed'];
const DEFAULTS = { email: true, sms: false, in_app: true, slack: false };

describe.each(engines)('notifications over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let customerNote: string;
  let agentNote: string;
  beforeAll(async () => {
    api = await createApiHarness(engine);
    customerNote = api.world.rows.notifications!.customerNote!.params[0] as string;
    agentNote = api.world.rows.notifications!.agentNote!.params[0] as string;
  });
  afterAll(() => api.close());

  interface NoteFields {
    type?: string;
    channel?: string;
    ticket?: string | null | undefined;
    /** Seconds relative to the app's clock. */
    createdIn?: number;
    expiresIn?: number | null;
    read?: boolean;
  }

  /** Written as the owner, as the notification engine does. */
  async function note(user: UserKey, fields: NoteFields = {}): Promise<string> {
    const now = api.clock.now().getTime();
    const { rows } = await api.db.query<{ id: string }>(
      `insert into notifications (user_id, ticket_id, type, channel, title, body, created_at, expires_at, status, read_at)
       values ($1, $2, $3, $4, 'Title', 'Body', $5, $6, case when $7 then 'read' else 'delivered' end::notification_status, case when $7 then $5::timestamptz end)
       returning id`,
      [
        api.world.users[user], fields.ticket === undefined ? api.world.ids.mine : fields.ticket, fields.type ?? 'comment_added', fields.channel ?? 'in_app',
        new Date(now + (fields.createdIn ?? 0) * 1000), fields.expiresIn == null ? null : new Date(now + fields.expiresIn * 1000), fields.read ?? false,
      ],
    );
    return rows[0]!.id;
  }

  const list = (user: UserKey, query = '') => api.as(user).get(`/v1/notifications${query}`);
  const listIds = async (user: UserKey, query = '') => (await list(user, query)).body.data.map((n: { id: string }) => n.id) as string[];

  it("lists only the caller's own notifications, even for admins", async () => {
    const customer = await list('customer');
    expect(customer.status).toBe(200);
    expect(customer.body.data.map((n: { id: string }) => n.id)).toEqual([customerNote]);
    expect(customer.body.data[0]).toMatchObject({
      id: customerNote, ticket_id: api.world.ids.mine, type: 'comment_added', channel: 'in_app', priority: 'normal',
      title: 'New comment', body: 'Body', status: 'pending', metadata: {}, read_at: null, expires_at: null,
    });
    expect(await listIds('agent')).toEqual([agentNote]);
    // Row-level security lets admins read every notification; an inbox is still one person's.
    const admin = await listIds('admin');
    expect(admin).not.toContain(customerNote);
    expect(admin).not.toContain(agentNote);
  });

  it('lists newest first with a cursor, filters, and hides expired notifications', async () => {
    const user: UserKey = 'agent2';
    const oldest = await note(user, { createdIn: -300, type: 'ticket_assigned' });
    const read = await note(user, { createdIn: -200, read: true, channel: 'email' });
    const other = await note(user, { createdIn: -100, type: 'sla_warning', ticket: api.world.ids.foreign });
    const expiring = await note(user, { createdIn: -50, expiresIn: 60 });
    await note(user, { createdIn: -40, expiresIn: -1 });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(user, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((n: { id: string }) => n.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([expiring, other, read, oldest]);

    expect(await listIds(user, '?unread=true')).toEqual([expiring, other, oldest]);
    expect(await listIds(user, '?unread=false')).toEqual([read]);
    expect(await listIds(user, '?type=sla_warning&type=ticket_assigned')).toEqual([other, oldest]);
    expect(await listIds(user, '?channel=email')).toEqual([read]);
    expect(await listIds(user, `?ticket_id=${api.world.ids.foreign}`)).toEqual([other]);

    api.clock.advance(61);
    expect(await listIds(user)).toEqual([other, read, oldest]);

    const first = await list(user, '?limit=1');
    expect((await list(user, `?limit=1&unread=true&cursor=${first.body.next_cursor}`)).body.code).toBe('invalid_cursor');
    expect((await list(user, '?cursor=abc')).body.code).toBe('invalid_cursor');
  });

  it('marks a notification read once: status read and the first read time kept', async () => {
    const id = await note('manager');
    const readAt = api.clock.now().toISOString();
    const first = await api.as('manager').post(`/v1/notifications/${id}/read`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id, status: 'read', read_at: readAt });
    api.clock.advance(30);
    const again = await api.as('manager').post(`/v1/notifications/${id}/read`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await listIds('manager', '?unread=true')).not.toContain(id);
  });

  it("refuses anyone else's notification (404), for admins too, and expired ones", async () => {
    for (const user of ['agent', 'admin', 'customer2'] as const) {
      const res = await api.as(user).post(`/v1/notifications/${customerNote}/read`);
      expect(res.status, user).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
    expect((await list('customer')).body.data[0]).toMatchObject({ id: customerNote, read_at: null });
    expect((await api.as('customer').post(`/v1/notifications/${MISSING}/read`)).status).toBe(404);
    const expired = await note('customer', { expiresIn: -1 });
    expect((await api.as('customer').post(`/v1/notifications/${expired}/read`)).status).toBe(404);
  });

  it("marks all of the caller's unread, unexpired notifications read and says how many", async () => {
    const user: UserKey = 'spare';
    await note(user);
    await note(user, { type: 'escalated' });
    await note(user, { read: true });
    const expired = await note(user, { expiresIn: -1 });
    const othersBefore = await listIds('agent', '?unread=true');

    const res = await api.as(user).post('/v1/notifications/read-all');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ updated: 2 });
    expect(await listIds(user, '?unread=true')).toEqual([]);
    expect((await list(user)).body.data.every((n: { status: string }) => n.status === 'read')).toBe(true);
    expect((await api.as(user).post('/v1/notifications/read-all')).body).toEqual({ updated: 0 });
    // Someone else's inbox, and the expired notification, are untouched.
    expect(await listIds('agent', '?unread=true')).toEqual(othersBefore);
    const { rows } = await api.db.query<{ read_at: Date | null }>('select read_at from notifications where id = $1', [expired]);
    expect(rows[0]!.read_at).toBeNull();

    await note(user);
    const headers = { 'idempotency-key': 'read-all-1' };
    const first = await api.as(user).post('/v1/notifications/read-all', undefined, { headers });
    const replay = await api.as(user).post('/v1/notifications/read-all', undefined, { headers });
    expect(first.body).toEqual({ updated: 1 });
    expect(replay.body).toEqual({ updated: 1 });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('keeps per-type channel preferences: defaults, replace with PUT, one user at a time', async () => {
    const defaults = await api.as('customer').get('/v1/notifications/preferences');
    expect(defaults.status).toBe(200);
    expect(defaults.body).toEqual(Object.fromEntries(TYPES.map((type) => [type, DEFAULTS])));

    await api.db.query(`update users set preferences = '{"theme": "dark"}' where id = $1`, [api.world.users.customer]);
    const put = await api.as('customer').put('/v1/notifications/preferences', {
      status_changed: { email: false },
      sla_breach: { sms: true, slack: true, in_app: false },
    });
    expect(put.status).toBe(200);
    expect(put.body.status_changed).toEqual({ ...DEFAULTS, email: false });
    expect(put.body.sla_breach).toEqual({ email: true, sms: true, in_app: false, slack: true });
    expect(put.body.comment_added).toEqual(DEFAULTS);
    expect((await api.as('customer').get('/v1/notifications/preferences')).body).toEqual(put.body);
    // Other preferences of the user are left alone, and nobody else's change.
    const { rows } = await api.db.query<{ preferences: { theme?: string } }>('select preferences from users where id = $1', [api.world.users.customer]);
    expect(rows[0]!.preferences.theme).toBe('dark');
    expect((await api.as('customer2').get('/v1/notifications/preferences')).body.status_changed).toEqual(DEFAULTS);

    // PUT replaces: what is left out goes back to its default.
    const replaced = await api.as('customer').put('/v1/notifications/preferences', { escalated: { in_app: false } });
    expect(replaced.body.status_changed).toEqual(DEFAULTS);
    expect(replaced.body.escalated).toEqual({ ...DEFAULTS, in_app: false });
    expect((await api.as('customer').put('/v1/notifications/preferences', {})).body).toEqual(defaults.body);
    for (const role of ['agent', 'manager', 'admin'] as const) {
      const res = await api.as(role).put('/v1/notifications/preferences', { ticket_assigned: { slack: true } });
      expect(res.status, role).toBe(200);
      expect(res.body.ticket_assigned.slack).toBe(true);
    }
  });

  it('answers bad input with 4xx problems naming the field', async () => {
    const customer = api.as('customer');
    const cases: [unknown, string][] = [
      [{ password_reset: { email: false } }, ''],
      [{ comment_added: { pigeon: true } }, 'comment_added'],
      [{ comment_added: { email: 'no' } }, 'comment_added.email'],
      [{ comment_added: true }, 'comment_added'],
      [[], ''],
    ];
    for (const [body, path] of cases) {
      const res = await customer.put('/v1/notifications/preferences', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const json = { 'content-type': 'application/json' };
    expect((await customer.request('PUT', '/v1/notifications/preferences', { raw: '{', headers: json })).body.code).toBe('malformed_request');
    expect((await customer.request('PUT', '/v1/notifications/preferences', { raw: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await customer.request('PUT', '/v1/notifications/preferences')).status).toBe(415);

    const badId = await customer.post('/v1/notifications/not-a-uuid/read');
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0]).toMatchObject({ location: 'path', path: 'notification_id' });
    for (const query of ['unread=yes', 'type=password', 'channel=pigeon', 'ticket_id=x', 'limit=0', 'colour=red']) {
      const res = await list('customer', `?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors[0].location).toBe('query');
    }
  });

  it('needs notification scopes for API keys, and credentials for everyone', async () => {
    const { key, prefix, hash } = generateApiKey();
    await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
      'notes', prefix, hash, api.world.users.agent, ['tickets:write'],
    ]);
    for (const [method, path] of [
      ['GET', '/v1/notifications'],
      ['POST', '/v1/notifications/read-all'],
      ['GET', '/v1/notifications/preferences'],
      ['POST', `/v1/notifications/${agentNote}/read`],
    ] as const) {
      const res = await api.withToken(key).request(method, path);
      expect(res.status, path).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
      expect((await api.anonymous().request(method, path)).status).toBe(401);
    }
  });
});
