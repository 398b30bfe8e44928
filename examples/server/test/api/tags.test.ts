import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { ROLES, unique } from '../support/world.js';
import { collectPages, createApiKey, malformedBodies, MISSING_ID } from './org-kb-support.js';

interface Tag {
  id: string;
  name: string;
  color: string;
  description: string | null;
  created_by: string | null;
}

describe.each(engines)('tags over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  it('lets every role read tags, paged by name and filtered by q', async () => {
    const suffix = unique('x').slice(2);
    for (const name of [`zz-${suffix}`, `aa-${suffix}`, `mm-${suffix}`]) {
      expect((await api.as('agent').post('/v1/tags', { name })).status).toBe(201);
    }
    for (const role of ROLES) {
      const all = await collectPages<Tag>(api.as(role), '/v1/tags');
      expect(all.map((t) => t.name)).toEqual(expect.arrayContaining(['vip', 'outage', `aa-${suffix}`]));
      const mine = await collectPages<Tag>(api.as(role), `/v1/tags?q=${suffix.toUpperCase()}`, 1);
      expect(mine.map((t) => t.name)).toEqual([`aa-${suffix}`, `mm-${suffix}`, `zz-${suffix}`]);
      const vip = await api.as(role).get(`/v1/tags/${api.world.ids.vip}`);
      expect(vip.body).toMatchObject({ id: api.world.ids.vip, name: 'vip', color: '#6b7280' });
    }
    expect((await api.as('customer').get(`/v1/tags/${MISSING_ID}`)).status).toBe(404);
  });

  it('lets staff create tags, recorded as theirs, with the colour in lower case', async () => {
    for (const role of ['agent', 'manager', 'admin'] as const) {
      const created = await api.as(role).post('/v1/tags', { name: ` ${role}-made `, color: '#D97706', description: 'Made here' });
      expect(created.status, role).toBe(201);
      expect(created.headers.get('location')).toBe(`/v1/tags/${created.body.id}`);
      expect(created.body).toMatchObject({
        name: `${role}-made`,
        color: '#d97706',
        description: 'Made here',
        created_by: api.world.users[role],
      });
    }
    const plain = await api.as('agent').post('/v1/tags', { name: unique('plain') });
    expect(plain.body).toMatchObject({ color: '#6b7280', description: null });
    const refused = await api.as('customer').post('/v1/tags', { name: 'customer-made' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
    expect((await api.as('agent').get('/v1/tags?q=customer-made')).body.data).toEqual([]);
  });

  it('lets managers and admins edit and delete tags, and nobody else', async () => {
    const tag = (await api.as('agent').post('/v1/tags', { name: unique('editable') })).body as Tag;
    for (const role of ['customer', 'agent'] as const) {
      expect((await api.as(role).patch(`/v1/tags/${tag.id}`, { color: '#000000' })).status, role).toBe(403);
      expect((await api.as(role).delete(`/v1/tags/${tag.id}`)).status, role).toBe(403);
    }
    const byManager = await api
      .as('manager')
      .patch(`/v1/tags/${tag.id}`, { name: `${tag.name}-2`, color: '#ABCDEF', description: 'Renamed' });
    expect(byManager.status).toBe(200);
    expect(byManager.body).toMatchObject({
      name: `${tag.name}-2`,
      color: '#abcdef',
      description: 'Renamed',
      created_by: api.world.users.agent,
    });
    const cleared = await api.as('admin').patch(`/v1/tags/${tag.id}`, { description: null });
    expect(cleared.body).toMatchObject({ description: null, color: '#abcdef' });
    expect((await api.as('manager').delete(`/v1/tags/${tag.id}`)).status).toBe(204);
    expect((await api.as('manager').get(`/v1/tags/${tag.id}`)).status).toBe(404);
    expect((await api.as('admin').patch(`/v1/tags/${tag.id}`, { color: '#000000' })).status).toBe(404);
    expect((await api.as('admin').delete(`/v1/tags/${tag.id}`)).status).toBe(404);
  });

  it("takes a deleted tag off its tickets, and records that in each ticket's history", async () => {
    const tag = (await api.as('agent').post('/v1/tags', { name: unique('short-lived') })).body as Tag;
    await api.db.query('insert into ticket_tags (ticket_id, tag_id) values ($1, $2)', [api.world.ids.mine, tag.id]);
    expect((await api.as('admin').delete(`/v1/tags/${tag.id}`)).status).toBe(204);
    const left = await api.db.query('select 1 from ticket_tags where tag_id = $1', [tag.id]);
    expect(left.rows).toHaveLength(0);
    const history = await api.db.query<{ actor_id: string; old_value: unknown; new_value: unknown }>(
      "select actor_id, old_value, new_value from ticket_history where ticket_id = $1 and action = 'field_updated' and field = 'tags' order by seq desc limit 1",
      [api.world.ids.mine],
    );
    expect(history.rows[0]).toEqual({ actor_id: api.world.users.admin, old_value: tag.id, new_value: null });
  });

  it('refuses a name already taken, in any case (409)', async () => {
    const duplicate = await api.as('agent').post('/v1/tags', { name: 'VIP' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('conflict');
    const renamed = await api.as('admin').patch(`/v1/tags/${api.world.ids.outage}`, { name: 'Vip' });
    expect(renamed.status).toBe(409);
  });

  it('answers bad input with 4xx problems naming the field', async () => {
    const agent = api.as('agent');
    const cases: { body: unknown; path: string }[] = [
      { body: {}, path: 'name' },
      { body: { name: ' ' }, path: 'name' },
      { body: { name: 'x'.repeat(51) }, path: 'name' },
      { body: { name: 'ok', color: 'red' }, path: 'color' },
      { body: { name: 'ok', color: '#12345' }, path: 'color' },
      { body: { name: 'ok', color: '#GGGGGG' }, path: 'color' },
      { body: { name: 'ok', color: null }, path: 'color' },
      { body: { name: 'ok', created_by: api.world.users.admin }, path: '' },
      { body: { name: ['ok'] }, path: 'name' },
    ];
    for (const { body, path } of cases) {
      const res = await agent.post('/v1/tags', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const manager = api.as('manager');
    for (const body of [{}, { color: 'blue' }, { name: '' }, { id: MISSING_ID }]) {
      expect((await manager.patch(`/v1/tags/${api.world.ids.outage}`, body)).status, JSON.stringify(body)).toBe(400);
    }
    for (const [method, path] of [
      ['POST', '/v1/tags'],
      ['PATCH', `/v1/tags/${api.world.ids.outage}`],
    ] as const) {
      const { malformed, wrongType, noBody } = await malformedBodies(manager, method, path);
      expect(malformed.body.code).toBe('malformed_request');
      expect(wrongType.status).toBe(415);
      expect(noBody.status).toBe(400);
    }
    expect((await manager.get('/v1/tags/vip')).body.errors[0]).toMatchObject({ location: 'path', path: 'tag_id' });
    expect((await manager.delete('/v1/tags/vip')).status).toBe(400);
    expect((await manager.patch('/v1/tags/vip', { color: '#000000' })).status).toBe(400);
    for (const query of ['q=' + 'x'.repeat(51), 'limit=1.5', 'color=red']) {
      expect((await manager.get(`/v1/tags?${query}`)).status, query).toBe(400);
    }
    const first = await manager.get('/v1/tags?limit=1');
    expect((await manager.get(`/v1/tags?q=v&cursor=${first.body.next_cursor}`)).body.code).toBe('invalid_cursor');
    expect((await api.as('admin').get(`/v1/tags/${api.world.ids.outage}`)).body).toMatchObject({ name: 'outage', color: '#6b7280' });
  });

  it('holds API keys to the directory scopes', async () => {
    const reader = await createApiKey(api, 'agent', ['directory:read']);
    expect((await api.withToken(reader).get('/v1/tags')).status).toBe(200);
    expect((await api.withToken(reader).post('/v1/tags', { name: unique('k') })).body.code).toBe('insufficient_scope');
    const writer = await createApiKey(api, 'agent', ['directory:write']);
    const created = await api.withToken(writer).post('/v1/tags', { name: unique('k') });
    expect(created.status).toBe(201);
    expect(created.body.created_by).toBe(api.world.users.agent);
    const tickets = await createApiKey(api, 'agent', ['tickets:write']);
    expect((await api.withToken(tickets).get('/v1/tags')).status).toBe(403);
  });
});
