import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { ROLES, unique } from '../support/world.js';
import { collectPages, createApiKey, malformedBodies, MISSING_ID } from './org-kb-support.js';

interface Department {
  id: string;
  name: string;
  description: string | null;
  manager_id: string | null;
  is_active: boolean;
}

describe.each(engines)('departments over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  it('lets every role read departments, paged by name, filtered by q and is_active', async () => {
    const tag = unique('dep').slice(4);
    const names = [`Zebra ${tag}`, `Aardvark ${tag}`, `Mongoose ${tag}`];
    for (const name of names) expect((await api.as('admin').post('/v1/departments', { name })).status).toBe(201);
    await api.as('admin').post('/v1/departments', { name: `Okapi ${tag}`, is_active: false });

    for (const role of ROLES) {
      const all = await collectPages<Department>(api.as(role), '/v1/departments');
      expect(all.map((d) => d.name)).toEqual(expect.arrayContaining(['Support', 'Infrastructure', ...names]));
      const mine = await collectPages<Department>(api.as(role), `/v1/departments?q=${tag.toUpperCase()}`);
      expect(mine.map((d) => d.name)).toEqual([`Aardvark ${tag}`, `Mongoose ${tag}`, `Okapi ${tag}`, `Zebra ${tag}`]);
    }
    const active = await collectPages<Department>(api.as('agent'), `/v1/departments?q=${tag}&is_active=true`);
    expect(active.map((d) => d.name)).not.toContain(`Okapi ${tag}`);
    const inactive = await collectPages<Department>(api.as('agent'), `/v1/departments?q=${tag}&is_active=false`);
    expect(inactive.map((d) => d.name)).toEqual([`Okapi ${tag}`]);
    // The search text is literal: % is not a wildcard.
    expect((await api.as('agent').get('/v1/departments?q=%25')).body.data).toEqual([]);
  });

  it('gets one department as any role, and 404s an unknown id', async () => {
    for (const role of ROLES) {
      const res = await api.as(role).get(`/v1/departments/${api.world.ids.support}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: api.world.ids.support, name: 'Support', is_active: true });
    }
    const missing = await api.as('admin').get(`/v1/departments/${MISSING_ID}`);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
  });

  it('lets an admin create, update and delete a department', async () => {
    const admin = api.as('admin');
    const created = await admin.post('/v1/departments', {
      name: '  Finance  ',
      description: 'Money matters',
      manager_id: api.world.users.manager,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/departments/${created.body.id}`);
    expect(created.body).toMatchObject({
      name: 'Finance',
      description: 'Money matters',
      manager_id: api.world.users.manager,
      is_active: true,
    });

    const updated = await admin.patch(`/v1/departments/${created.body.id}`, { description: null, manager_id: null, is_active: false });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Finance', description: null, manager_id: null, is_active: false });
    expect(Date.parse(updated.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.body.updated_at));
    expect((await api.as('customer').get(`/v1/departments/${created.body.id}`)).body).toEqual(updated.body);

    expect((await admin.delete(`/v1/departments/${created.body.id}`)).status).toBe(204);
    expect((await admin.get(`/v1/departments/${created.body.id}`)).status).toBe(404);
    expect((await admin.delete(`/v1/departments/${created.body.id}`)).status).toBe(404);
  });

  it('refuses every write to non-admins in the database (403), and unknown ids (404)', async () => {
    const support = api.world.ids.support!;
    for (const role of ['customer', 'agent', 'manager'] as const) {
      const created = await api.as(role).post('/v1/departments', { name: `By ${role}` });
      expect(created.status, role).toBe(403);
      expect(created.body.code).toBe('forbidden');
      expect((await api.as(role).patch(`/v1/departments/${support}`, { name: 'Renamed' })).status, role).toBe(403);
      expect((await api.as(role).delete(`/v1/departments/${support}`)).status, role).toBe(403);
    }
    expect((await api.as('admin').get(`/v1/departments/${support}`)).body.name).toBe('Support');
    expect((await api.as('admin').patch(`/v1/departments/${MISSING_ID}`, { name: 'X' })).status).toBe(404);
  });

  it('keeps users, teams and tickets when their department is deleted, without a department', async () => {
    const admin = api.as('admin');
    const department = (await admin.post('/v1/departments', { name: unique('Doomed') })).body as Department;
    const team = (await admin.post('/v1/teams', { name: unique('Doomed team'), department_id: department.id })).body as { id: string };
    const { rows } = await api.db.query<{ id: string }>(
      "insert into users (email, first_name, role, department_id, is_approved) values ($1, 'Dee', 'agent', $2, true) returning id",
      [`${unique('dee')}@world.test`, department.id],
    );
    const userId = rows[0]!.id;
    const ticket = await api.db.query<{ id: string }>(
      'insert into tickets (title, description, requester_id, created_by, department_id) values ($1, $2, $3, $3, $4) returning id',
      [unique('Ticket'), 'Broken', api.world.users.customer, department.id],
    );

    const deleted = await admin.delete(`/v1/departments/${department.id}`);
    expect(deleted.status).toBe(204);
    const after = await api.db.query<{ user_dep: string | null; team_dep: string | null; ticket_dep: string | null }>(
      `select (select department_id from users where id = $1) as user_dep,
              (select department_id from teams where id = $2) as team_dep,
              (select department_id from tickets where id = $3) as ticket_dep`,
      [userId, team.id, ticket.rows[0]!.id],
    );
    expect(after.rows[0]).toEqual({ user_dep: null, team_dep: null, ticket_dep: null });
    expect((await admin.get(`/v1/teams/${team.id}`)).body.department_id).toBeNull();
  });

  it('requires manager_id to be an existing staff member (422) and names to be unique (409)', async () => {
    const admin = api.as('admin');
    const customer = await admin.post('/v1/departments', { name: unique('Cust'), manager_id: api.world.users.customer });
    expect(customer.status).toBe(422);
    expect(customer.body.errors[0]).toMatchObject({ location: 'body', path: 'manager_id' });
    const ghost = await admin.post('/v1/departments', { name: unique('Ghost'), manager_id: MISSING_ID });
    expect(ghost.status).toBe(422);
    expect(ghost.body.code).toBe('unprocessable');
    expect(ghost.body.errors[0]).toMatchObject({ location: 'body', path: 'manager_id' });
    const ghostPatch = await admin.patch(`/v1/departments/${api.world.ids.infra}`, { manager_id: MISSING_ID });
    expect(ghostPatch.status).toBe(422);
    expect(ghostPatch.body.detail).toMatch(/manager_id/);
    const patched = await admin.patch(`/v1/departments/${api.world.ids.infra}`, { manager_id: api.world.users.customer2 });
    expect(patched.status).toBe(422);
    expect((await admin.get(`/v1/departments/${api.world.ids.infra}`)).body.manager_id).toBeNull();
    const agent = await admin.patch(`/v1/departments/${api.world.ids.infra}`, { manager_id: api.world.users.agent2 });
    expect(agent.body.manager_id).toBe(api.world.users.agent2);

    const duplicate = await admin.post('/v1/departments', { name: 'sUPPORT' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('conflict');
    const renamed = await admin.patch(`/v1/departments/${api.world.ids.infra}`, { name: 'support' });
    expect(renamed.status).toBe(409);
  });

  it('answers bad input with 4xx problems naming the field', async () => {
    const admin = api.as('admin');
    const cases: { body: unknown; path: string }[] = [
      { body: {}, path: 'name' },
      { body: { name: '   ' }, path: 'name' },
      { body: { name: 'x'.repeat(101) }, path: 'name' },
      { body: { name: 42 }, path: 'name' },
      { body: { name: 'X', manager_id: 'nobody' }, path: 'manager_id' },
      { body: { name: 'X', is_active: 'yes' }, path: 'is_active' },
      { body: { name: 'X', colour: 'red' }, path: '' },
      { body: ['X'], path: '' },
    ];
    for (const { body, path } of cases) {
      const res = await admin.post('/v1/departments', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    for (const [method, path] of [
      ['POST', '/v1/departments'],
      ['PATCH', `/v1/departments/${api.world.ids.infra}`],
    ] as const) {
      const { malformed, wrongType, noBody } = await malformedBodies(admin, method, path);
      expect(malformed.body.code).toBe('malformed_request');
      expect(wrongType.status).toBe(415);
      expect(noBody.status).toBe(400);
    }
    const emptyPatch = await admin.patch(`/v1/departments/${api.world.ids.infra}`, {});
    expect(emptyPatch.status).toBe(400);
    const unknownPatch = await admin.patch(`/v1/departments/${api.world.ids.infra}`, { manager: null });
    expect(unknownPatch.status).toBe(400);
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await admin.request(method, '/v1/departments/not-a-uuid', method === 'PATCH' ? { json: { name: 'X' } } : {});
      expect(res.status, method).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ location: 'path', path: 'department_id' });
    }
    for (const query of ['limit=0', 'limit=abc', 'is_active=maybe', 'q=', 'sort=name', 'cursor=']) {
      const res = await admin.get(`/v1/departments?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    const garbage = await admin.get('/v1/departments?cursor=not-a-cursor');
    expect(garbage.body.code).toBe('invalid_cursor');
    const first = await admin.get('/v1/departments?limit=1');
    const reused = await admin.get(`/v1/departments?limit=1&q=a&cursor=${first.body.next_cursor}`);
    expect(reused.body.code).toBe('invalid_cursor');
  });

  it('holds API keys to the directory scopes, and refuses anonymous callers', async () => {
    const reader = await createApiKey(api, 'admin', ['directory:read']);
    expect((await api.withToken(reader).get('/v1/departments')).status).toBe(200);
    const refused = await api.withToken(reader).post('/v1/departments', { name: unique('Scoped') });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('insufficient_scope');
    const writer = await createApiKey(api, 'admin', ['directory:write']);
    expect((await api.withToken(writer).post('/v1/departments', { name: unique('Scoped') })).status).toBe(201);
    const other = await createApiKey(api, 'admin', ['kb:write']);
    expect((await api.withToken(other).get('/v1/departments')).body.code).toBe('insufficient_scope');
    expect((await api.anonymous().get('/v1/departments')).status).toBe(401);
  });

  it('replays a create sent again with the same Idempotency-Key', async () => {
    const key = unique('idem');
    const name = unique('Idem');
    const first = await api.as('admin').post('/v1/departments', { name }, { headers: { 'idempotency-key': key } });
    const again = await api.as('admin').post('/v1/departments', { name }, { headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });
});
