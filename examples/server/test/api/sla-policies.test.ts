import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';

const MISSING = '7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f';

describe.each(engines)('SLA policies over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let p1: string;
  beforeAll(async () => {
    api = await createApiHarness(engine);
    p1 = api.world.rows.sla_policies!.p1!.params[0] as string;
  });
  afterAll(() => api.close());

  const policy = (overrides: Record<string, unknown> = {}) => ({
    name: 'P3 medium',
    priority: 'medium',
    response_time_minutes: 120,
    resolution_time_minutes: 1440,
    ...overrides,
  });

  async function apiKey(scopes: string[]): Promise<string> {
    const { key, prefix, hash } = generateApiKey();
    await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
      'sla test', prefix, hash, api.world.users.admin, scopes,
    ]);
    return key;
  }

  it('lets staff read policies, while customers see none', async () => {
    for (const role of ['agent', 'manager', 'admin'] as const) {
      const list = await api.as(role).get('/v1/sla-policies');
      expect(list.status).toBe(200);
      expect(list.body.data.map((p: { id: string }) => p.id)).toContain(p1);
      const one = await api.as(role).get(`/v1/sla-policies/${p1}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: p1, name: 'P1', priority: 'urgent', response_time_minutes: 5, resolution_time_minutes: 240 });
    }
    const list = await api.as('customer').get('/v1/sla-policies');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [], next_cursor: null });
    const one = await api.as('customer').get(`/v1/sla-policies/${p1}`);
    expect(one.status).toBe(404);
    expect(one.body.code).toBe('not_found');
  });

  it('creates a policy with every field, and fills in the defaults of a minimal one', async () => {
    const category = api.world.ids.network!;
    const full = {
      name: 'Network outages',
      description: 'Network tickets in Berlin office hours.',
      priority: 'high',
      category_id: category,
      response_time_minutes: 20,
      resolution_time_minutes: 300,
      escalation_threshold_minutes: 10,
      business_hours_only: true,
      business_start_hour: 8,
      business_end_hour: 18,
      include_weekends: true,
      time_zone: 'Europe/Berlin',
      holidays: ['2025-12-26', '2025-04-18', '2025-12-25'],
      is_active: false,
      effective_from: '2025-01-01',
      effective_until: '2025-12-31',
    };
    const created = await api.as('admin').post('/v1/sla-policies', full);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/sla-policies/${created.body.id}`);
    // Holidays come back in date order, however they were sent.
    expect(created.body).toMatchObject({ ...full, holidays: ['2025-04-18', '2025-12-25', '2025-12-26'] });
    expect((await api.as('agent').get(`/v1/sla-policies/${created.body.id}`)).body).toEqual(created.body);

    // "Today" is the policy's own: Kiritimati is 14 hours ahead of UTC.
    const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati' }).format(new Date());
    const before = today();
    const minimal = await api.as('admin').post('/v1/sla-policies', policy({ name: 'Island', time_zone: 'Pacific/Kiritimati' }));
    expect(minimal.status).toBe(201);
    expect(minimal.body).toMatchObject({
      description: null,
      category_id: null,
      escalation_threshold_minutes: null,
      business_hours_only: true,
      business_start_hour: 9,
      business_end_hour: 17,
      include_weekends: false,
      holidays: [],
      is_active: true,
      effective_until: null,
    });
    expect([before, today()]).toContain(minimal.body.effective_from);
    const utc = await api.as('admin').post('/v1/sla-policies', policy({ name: 'Default zone', priority: 'low' }));
    expect(utc.body.time_zone).toBe('UTC');
  });

  it('leaves writes to admins: the database refuses everyone else', async () => {
    for (const role of ['customer', 'agent', 'manager'] as const) {
      const created = await api.as(role).post('/v1/sla-policies', policy({ name: `by ${role}`, effective_from: '2030-01-01' }));
      expect(created.status, role).toBe(403);
      expect(created.body.code).toBe('forbidden');
    }
    for (const role of ['agent', 'manager'] as const) {
      expect((await api.as(role).patch(`/v1/sla-policies/${p1}`, { name: 'Nope' })).status).toBe(403);
      expect((await api.as(role).delete(`/v1/sla-policies/${p1}`)).status).toBe(403);
    }
    // A customer cannot see policies at all, so for them there is nothing to change.
    expect((await api.as('customer').patch(`/v1/sla-policies/${p1}`, { name: 'Nope' })).status).toBe(404);
    expect((await api.as('customer').delete(`/v1/sla-policies/${p1}`)).status).toBe(404);
    expect((await api.as('admin').get(`/v1/sla-policies/${p1}`)).body.name).toBe('P1');
  });

  it('updates only the fields given, clears nullable ones with null, and deletes', async () => {
    const created = await api.as('admin').post(
      '/v1/sla-policies',
      policy({ name: 'Temporary', description: 'x', escalation_threshold_minutes: 30, effective_from: '2026-02-01', effective_until: '2026-03-01' }),
    );
    const id = created.body.id as string;
    const updated = await api.as('admin').patch(`/v1/sla-policies/${id}`, {
      description: null,
      effective_until: null,
      resolution_time_minutes: 600,
      category_id: api.world.ids.network,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({
      ...created.body,
      description: null,
      effective_until: null,
      resolution_time_minutes: 600,
      category_id: api.world.ids.network,
      updated_at: updated.body.updated_at,
    });
    // A list of holidays replaces the one before; other fields keep their values.
    const withHolidays = await api.as('admin').patch(`/v1/sla-policies/${id}`, { holidays: ['2026-02-17', '2026-01-01'] });
    expect(withHolidays.status).toBe(200);
    expect(withHolidays.body).toMatchObject({ holidays: ['2026-01-01', '2026-02-17'], resolution_time_minutes: 600 });
    const replaced = await api.as('admin').patch(`/v1/sla-policies/${id}`, { holidays: ['2026-05-01'] });
    expect(replaced.body.holidays).toEqual(['2026-05-01']);
    expect((await api.as('agent').get(`/v1/sla-policies/${id}`)).body.holidays).toEqual(['2026-05-01']);
    expect((await api.as('admin').patch(`/v1/sla-policies/${id}`, { holidays: [] })).body.holidays).toEqual([]);
    // A whole leap year of holidays is the most a policy takes.
    const leapYear = Array.from({ length: 366 }, (_, i) => new Date(Date.UTC(2028, 0, 1 + i)).toISOString().slice(0, 10));
    const full = await api.as('admin').patch(`/v1/sla-policies/${id}`, { holidays: leapYear });
    expect(full.status).toBe(200);
    expect(full.body.holidays).toEqual(leapYear);
    expect(Date.parse(updated.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.body.updated_at));
    expect((await api.as('admin').delete(`/v1/sla-policies/${id}`)).status).toBe(204);
    expect((await api.as('admin').get(`/v1/sla-policies/${id}`)).status).toBe(404);
    expect((await api.as('admin').delete(`/v1/sla-policies/${id}`)).status).toBe(404);
    expect((await api.as('admin').patch(`/v1/sla-policies/${MISSING}`, { name: 'x' })).status).toBe(404);
  });

  it('answers a broken rule of the table with 422 naming the fields', async () => {
    const admin = api.as('admin');
    const cases: [Record<string, unknown>, RegExp][] = [
      [policy({ response_time_minutes: 60, resolution_time_minutes: 60 }), /resolution_time_minutes must be greater than response_time_minutes/],
      [policy({ business_start_hour: 17, business_end_hour: 9 }), /business_end_hour must be after business_start_hour/],
      [policy({ effective_from: '2025-06-01', effective_until: '2025-05-31' }), /effective_until must not be before effective_from/],
      [policy({ time_zone: 'Mars/Olympus_Mons' }), /time_zone is not a known IANA time zone/],
      // A POSIX zone the database accepts, but no IANA name: business time could not be counted in it.
      [policy({ time_zone: 'UTC+5' }), /time_zone is not a known IANA time zone/],
      [policy({ category_id: MISSING }), /category_id does not refer to an existing category/],
    ];
    for (const [body, message] of cases) {
      const res = await admin.post('/v1/sla-policies', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.code).toBe('unprocessable');
      expect(res.body.detail).toMatch(message);
    }
    // The rules hold for the policy as a whole after a partial update too.
    const shorter = await admin.patch(`/v1/sla-policies/${p1}`, { resolution_time_minutes: 4 });
    expect(shorter.status).toBe(422);
    expect(shorter.body.detail).toMatch(/resolution_time_minutes must be greater/);
    const ends = await admin.patch(`/v1/sla-policies/${p1}`, { business_end_hour: 9 });
    expect(ends.status).toBe(422);
    const posix = await admin.patch(`/v1/sla-policies/${p1}`, { time_zone: 'UTC+5' });
    expect(posix.status).toBe(422);
    expect(posix.body.detail).toMatch(/time_zone is not a known IANA time zone/);
    expect((await admin.get(`/v1/sla-policies/${p1}`)).body.resolution_time_minutes).toBe(240);
  });

  it('refuses a second policy for the same priority, category and start date (409)', async () => {
    const first = await api.as('admin').post('/v1/sla-policies', policy({ name: 'Once', priority: 'low', effective_from: '2027-01-01' }));
    expect(first.status).toBe(201);
    const again = await api.as('admin').post('/v1/sla-policies', policy({ name: 'Twice', priority: 'low', effective_from: '2027-01-01' }));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
    expect(again.body.detail).toMatch(/priority and category/);
    // Another category is another policy.
    const other = await api.as('admin').post(
      '/v1/sla-policies',
      policy({ name: 'Network', priority: 'low', effective_from: '2027-01-01', category_id: api.world.ids.network }),
    );
    expect(other.status).toBe(201);
    const moved = await api.as('admin').patch(`/v1/sla-policies/${other.body.id}`, { category_id: null });
    expect(moved.status).toBe(409);
  });

  it('filters by priority, category and activity, and pages by priority then name', async () => {
    const admin = api.as('admin');
    const made: string[] = [];
    const fresh = [['Zz urgent', 'urgent', '2028-01-01'], ['Aa urgent', 'urgent', '2028-02-01'], ['Mm high', 'high', '2028-01-01']] as const;
    for (const [name, priority, effective_from] of fresh) {
      const res = await admin.post('/v1/sla-policies', policy({ name, priority, effective_from, is_active: priority !== 'high' }));
      expect(res.status).toBe(201);
      made.push(res.body.id);
    }
    const seen: { name: string; priority: string }[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const res = await api.as('agent').get(`/v1/sla-policies${query}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data);
      cursor = res.body.next_cursor;
    } while (cursor);
    const order = ['urgent', 'high', 'medium', 'low'];
    const sorted = [...seen].sort((a, b) => order.indexOf(a.priority) - order.indexOf(b.priority) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    expect(seen).toEqual(sorted);
    expect(new Set(seen.map((p) => JSON.stringify(p))).size).toBe(seen.length);

    const urgent = await api.as('agent').get('/v1/sla-policies?priority=urgent');
    expect(urgent.body.data.every((p: { priority: string }) => p.priority === 'urgent')).toBe(true);
    expect(urgent.body.data.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['P1', 'Aa urgent', 'Zz urgent']));
    const both = await api.as('agent').get('/v1/sla-policies?priority=urgent&priority=high&is_active=false');
    expect(both.body.data.map((p: { id: string }) => p.id)).toContain(made[2]);
    for (const found of both.body.data) expect(found).toMatchObject({ is_active: false, priority: expect.stringMatching(/^(urgent|high)$/) });
    expect(both.body.data.map((p: { id: string }) => p.id)).not.toContain(made[0]);
    const network = await api.as('agent').get(`/v1/sla-policies?category_id=${api.world.ids.network}`);
    expect(network.body.data.length).toBeGreaterThan(0);
    expect(network.body.data.every((p: { category_id: string }) => p.category_id === api.world.ids.network)).toBe(true);

    const first = await api.as('agent').get('/v1/sla-policies?limit=1');
    const reused = await api.as('agent').get(`/v1/sla-policies?limit=1&priority=low&cursor=${first.body.next_cursor}`);
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('invalid_cursor');
    expect((await api.as('agent').get('/v1/sla-policies?cursor=garbage')).body.code).toBe('invalid_cursor');
  });

  it('answers bad input with 400 problems naming the field', async () => {
    const admin = api.as('admin');
    const cases: [unknown, string][] = [
      [{ priority: 'high', response_time_minutes: 1, resolution_time_minutes: 2 }, 'name'],
      [policy({ priority: 'critical' }), 'priority'],
      [policy({ response_time_minutes: '30' }), 'response_time_minutes'],
      [policy({ response_time_minutes: 1.5 }), 'response_time_minutes'],
      [policy({ response_time_minutes: 0 }), 'response_time_minutes'],
      [policy({ resolution_time_minutes: 10_000_000 }), 'resolution_time_minutes'],
      [policy({ business_start_hour: 24 }), 'business_start_hour'],
      [policy({ business_end_hour: 0 }), 'business_end_hour'],
      [policy({ effective_from: '2025-02-30x' }), 'effective_from'],
      [policy({ category_id: 'network' }), 'category_id'],
      [policy({ name: '   ' }), 'name'],
      [policy({ holidays: ['2025-12-25', '2025-12-25'] }), 'holidays'],
      [policy({ holidays: ['2025-12-32'] }), 'holidays.0'],
      [policy({ holidays: '2025-12-25' }), 'holidays'],
      [policy({ holidays: [null] }), 'holidays.0'],
      // 367 distinct dates: one more than a leap year has.
      [policy({ holidays: Array.from({ length: 367 }, (_, i) => new Date(Date.UTC(2030, 0, 1 + i)).toISOString().slice(0, 10)) }), 'holidays'],
      [policy({ colour: 'red' }), ''],
      [[], ''],
    ];
    for (const [body, path] of cases) {
      const res = await admin.post('/v1/sla-policies', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const malformed = await admin.request('POST', '/v1/sla-policies', { raw: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed_request');
    const wrongType = await admin.request('POST', '/v1/sla-policies', { raw: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect(wrongType.status).toBe(415);
    const patchWrongType = await admin.request('PATCH', `/v1/sla-policies/${p1}`, { raw: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect(patchWrongType.status).toBe(415);
    expect((await admin.patch(`/v1/sla-policies/${p1}`, {})).status).toBe(400);
    expect((await admin.patch(`/v1/sla-policies/${p1}`, { is_active: 'yes' })).body.errors[0].path).toBe('is_active');
    expect((await admin.patch(`/v1/sla-policies/${p1}`, { holidays: null })).body.errors[0].path).toBe('holidays');
    expect((await admin.patch(`/v1/sla-policies/${p1}`, { holidays: ['2025-01-01', '2025-01-01'] })).body.errors[0].path).toBe('holidays');
    expect((await admin.patch(`/v1/sla-policies/${p1}`, { id: MISSING })).status).toBe(400);
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const badId = await admin.request(method, '/v1/sla-policies/not-a-uuid', method === 'PATCH' ? { json: { name: 'x' } } : {});
      expect(badId.status, method).toBe(400);
      expect(badId.body.errors[0]).toMatchObject({ location: 'path', path: 'sla_policy_id' });
    }
    for (const query of ['limit=0', 'limit=abc', 'priority=critical', 'is_active=yes', 'category_id=x', 'colour=red']) {
      const res = await admin.get(`/v1/sla-policies?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors[0].location).toBe('query');
    }
  });

  it('needs tickets scopes for API keys, and credentials for everyone', async () => {
    const reader = await apiKey(['tickets:read']);
    expect((await api.withToken(reader).get('/v1/sla-policies')).status).toBe(200);
    const refused = await api.withToken(reader).post('/v1/sla-policies', policy({ name: 'By key', effective_from: '2031-01-01' }));
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('insufficient_scope');
    const kb = await apiKey(['kb:read']);
    expect((await api.withToken(kb).get(`/v1/sla-policies/${p1}`)).body.code).toBe('insufficient_scope');
    const writer = await apiKey(['tickets:write']);
    expect((await api.withToken(writer).post('/v1/sla-policies', policy({ name: 'By key', effective_from: '2031-01-01' }))).status).toBe(201);
    expect((await api.anonymous().get('/v1/sla-policies')).status).toBe(401);
  });

  it('replays a create sent again with the same Idempotency-Key', async () => {
    const body = policy({ name: 'Idempotent', effective_from: '2032-01-01' });
    const headers = { 'idempotency-key': 'sla-create-1' };
    const first = await api.as('admin').post('/v1/sla-policies', body, { headers });
    const second = await api.as('admin').post('/v1/sla-policies', body, { headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
  });
});
