import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { ROLES } from '../support/world.js';
import { createApiKey, malformedBodies } from './org-kb-support.js';

describe.each(engines)('company settings over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());
  // Every test starts from the defaults, whatever the one before it changed.
  afterEach(async () => {
    await api.db.query(
      "update company_settings set company_name = 'Ticketflow', ticket_prefix = 'TKT', time_zone = 'UTC', logo_url = null",
    );
  });

  it('shows the settings to every role', async () => {
    for (const role of ROLES) {
      const res = await api.as(role).get('/v1/settings');
      expect(res.status, role).toBe(200);
      expect(res.body).toMatchObject({ company_name: 'Ticketflow', ticket_prefix: 'TKT', time_zone: 'UTC', logo_url: null });
    }
  });

  it('lets an admin change them, and new tickets take the new prefix', async () => {
    const before = (await api.as('admin').get('/v1/settings')).body;
    const res = await api.as('admin').patch('/v1/settings', {
      company_name: '  Acme Corp ',
      ticket_prefix: 'ACME',
      time_zone: 'Europe/Berlin',
      logo_url: 'https://cdn.example.com/logo.svg',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      company_name: 'Acme Corp',
      ticket_prefix: 'ACME',
      time_zone: 'Europe/Berlin',
      logo_url: 'https://cdn.example.com/logo.svg',
    });
    expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(before.updated_at));
    expect((await api.as('customer').get('/v1/settings')).body).toEqual(res.body);

    const ticket = await api.db.query<{ ticket_number: string }>(
      'insert into tickets (title, description, requester_id, created_by) values ($1, $2, $3, $3) returning ticket_number',
      ['Prefix check', 'New prefix?', api.world.users.customer],
    );
    expect(ticket.rows[0]!.ticket_number).toMatch(/^ACME-\d{4}-\d+$/);

    const partial = await api.as('admin').patch('/v1/settings', { logo_url: null });
    expect(partial.body).toMatchObject({ company_name: 'Acme Corp', ticket_prefix: 'ACME', logo_url: null });
  });

  it('refuses changes by anyone but an admin (403)', async () => {
    for (const role of ['customer', 'agent', 'manager'] as const) {
      const res = await api.as(role).patch('/v1/settings', { company_name: `Owned by ${role}` });
      expect(res.status, role).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    expect((await api.as('admin').get('/v1/settings')).body.company_name).toBe('Ticketflow');
  });

  it('refuses an unknown time zone in the database (422) and a malformed prefix (400)', async () => {
    for (const time_zone of ['Mars/Olympus_Mons', 'Europe/Atlantis']) {
      const res = await api.as('admin').patch('/v1/settings', { time_zone });
      expect(res.status, time_zone).toBe(422);
      expect(res.body.code).toBe('unprocessable');
      expect(res.body.errors[0]).toMatchObject({ location: 'body', path: 'time_zone' });
    }
    for (const ticket_prefix of ['T', 'tkt', '1TK', 'TOOLONGPREFIX', 'TK-T', '']) {
      const res = await api.as('admin').patch('/v1/settings', { ticket_prefix });
      expect(res.status, ticket_prefix).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ path: 'ticket_prefix' });
    }
    // A rejected change leaves nothing behind, not even the valid fields sent with it.
    const mixed = await api.as('admin').patch('/v1/settings', { company_name: 'Half', time_zone: 'Nowhere/Never' });
    expect(mixed.status).toBe(422);
    expect((await api.as('admin').get('/v1/settings')).body).toMatchObject({ company_name: 'Ticketflow', time_zone: 'UTC' });
  });

  it('answers bad input with 4xx problems naming the field', async () => {
    const admin = api.as('admin');
    const cases: { body: unknown; path: string }[] = [
      { body: {}, path: '' },
      { body: { company_name: '' }, path: 'company_name' },
      { body: { company_name: 'x'.repeat(256) }, path: 'company_name' },
      { body: { company_name: null }, path: 'company_name' },
      { body: { time_zone: 7 }, path: 'time_zone' },
      { body: { logo_url: 'not a url' }, path: 'logo_url' },
      { body: { logo_url: 'javascript:alert(1)' }, path: 'logo_url' },
      { body: { logo_url: `https://cdn.example.com/${'x'.repeat(500)}` }, path: 'logo_url' },
      { body: { smtp_password: 'secret' }, path: '' },
      { body: { updated_at: '2024-01-01T00:00:00Z' }, path: '' },
    ];
    for (const { body, path } of cases) {
      const res = await admin.patch('/v1/settings', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const { malformed, wrongType, noBody } = await malformedBodies(admin, 'PATCH', '/v1/settings');
    expect(malformed.body.code).toBe('malformed_request');
    expect(wrongType.status).toBe(415);
    expect(noBody.status).toBe(400);
    expect((await admin.get('/v1/settings')).body.company_name).toBe('Ticketflow');
  });

  it('holds API keys to the directory scopes, and refuses anonymous callers', async () => {
    const reader = await createApiKey(api, 'admin', ['directory:read']);
    expect((await api.withToken(reader).get('/v1/settings')).status).toBe(200);
    expect((await api.withToken(reader).patch('/v1/settings', { company_name: 'Keyed' })).body.code).toBe('insufficient_scope');
    const writer = await createApiKey(api, 'admin', ['directory:write']);
    expect((await api.withToken(writer).patch('/v1/settings', { company_name: 'Ticketflow' })).status).toBe(200);
    expect((await api.anonymous().get('/v1/settings')).status).toBe(401);
  });
});
