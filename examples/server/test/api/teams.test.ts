import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { ROLES, unique } from '../support/world.js';
import { collectPages, createApiKey, malformedBodies, MISSING_ID } from './org-kb-support.js';

interface Team {
  id: string;
  name: string;
  department_id: string | null;
  lead_id: string | null;
  is_active: boolean;
}

interface Member {
  team_id: string;
  user_id: string;
  role: 'member' | 'lead';
  joined_at: string;
  user: { email: string; first_name: string; last_name: string; role: string };
}

describe.each(engines)('teams over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let alpha: string;
  let beta: string;
  beforeAll(async () => {
    api = await createApiHarness(engine);
    alpha = api.world.ids.alpha!;
    beta = api.world.ids.beta!;
  });
  afterAll(() => api.close());

  /** A fresh team, created by the admin. */
  const newTeam = async (fields: Record<string, unknown> = {}) => {
    const res = await api.as('admin').post('/v1/teams', { name: unique('Team'), ...fields });
    expect(res.status).toBe(201);
    return res.body as Team;
  };

  describe('teams', () => {
    it('lets every role list and read teams, filtered by department, is_active and q', async () => {
      const tag = unique('t').slice(2);
      await newTeam({ name: `Zulu ${tag}`, department_id: api.world.ids.support });
      await newTeam({ name: `Echo ${tag}`, department_id: api.world.ids.support, is_active: false });
      await newTeam({ name: `Kilo ${tag}`, department_id: api.world.ids.infra });
      for (const role of ROLES) {
        const all = await collectPages<Team>(api.as(role), '/v1/teams');
        expect(all.map((t) => t.name)).toEqual(expect.arrayContaining(['Alpha', 'Beta', `Zulu ${tag}`]));
        const inSupport = await collectPages<Team>(api.as(role), `/v1/teams?department_id=${api.world.ids.support}`);
        expect(inSupport.every((t) => t.department_id === api.world.ids.support)).toBe(true);
        expect(inSupport.map((t) => t.name)).toEqual(expect.arrayContaining(['Alpha', `Echo ${tag}`, `Zulu ${tag}`]));
        const got = await api.as(role).get(`/v1/teams/${alpha}`);
        expect(got.body).toMatchObject({
          id: alpha,
          name: 'Alpha',
          department_id: api.world.ids.support,
          lead_id: api.world.users.manager,
        });
      }
      const mine = await collectPages<Team>(api.as('agent'), `/v1/teams?q=${tag}&is_active=true`);
      expect(mine.map((t) => t.name)).toEqual([`Kilo ${tag}`, `Zulu ${tag}`]);
      expect((await api.as('agent').get(`/v1/teams/${MISSING_ID}`)).status).toBe(404);
    });

    it('lets only admins create and delete teams', async () => {
      for (const role of ['customer', 'agent', 'manager'] as const) {
        const res = await api.as(role).post('/v1/teams', { name: unique(role), department_id: api.world.ids.support });
        expect(res.status, role).toBe(403);
        expect(res.body.code).toBe('forbidden');
        expect((await api.as(role).delete(`/v1/teams/${alpha}`)).status, role).toBe(403);
      }
      const created = await api.as('admin').post('/v1/teams', {
        name: '  Night shift ',
        description: 'After hours',
        department_id: api.world.ids.infra,
        lead_id: api.world.users.agent2,
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/v1/teams/${created.body.id}`);
      expect(created.body).toMatchObject({
        name: 'Night shift',
        description: 'After hours',
        lead_id: api.world.users.agent2,
        is_active: true,
      });
      await api.as('admin').put(`/v1/teams/${created.body.id}/members/${api.world.users.agent2}`, {});
      expect((await api.as('admin').delete(`/v1/teams/${created.body.id}`)).status).toBe(204);
      expect((await api.as('admin').get(`/v1/teams/${created.body.id}`)).status).toBe(404);
      const memberships = await api.db.query('select 1 from team_members where team_id = $1', [created.body.id]);
      expect(memberships.rows).toHaveLength(0);
      expect((await api.as('admin').delete(`/v1/teams/${created.body.id}`)).status).toBe(404);
    });

    it('lets managers edit the teams of their own department only, and never move them out of it', async () => {
      const ours = await newTeam({ department_id: api.world.ids.support });
      const edited = await api
        .as('manager')
        .patch(`/v1/teams/${ours.id}`, { description: 'Edited by the manager', lead_id: api.world.users.agent });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ description: 'Edited by the manager', lead_id: api.world.users.agent });

      const moved = await api.as('manager').patch(`/v1/teams/${ours.id}`, { department_id: api.world.ids.infra });
      expect(moved.status).toBe(403);
      expect((await api.as('admin').get(`/v1/teams/${ours.id}`)).body.department_id).toBe(api.world.ids.support);

      expect((await api.as('manager').patch(`/v1/teams/${beta}`, { description: 'Not mine' })).status).toBe(403);
      for (const role of ['customer', 'agent'] as const) {
        expect((await api.as(role).patch(`/v1/teams/${ours.id}`, { description: 'Nope' })).status, role).toBe(403);
      }
      const byAdmin = await api.as('admin').patch(`/v1/teams/${ours.id}`, { department_id: null, lead_id: null, is_active: false });
      expect(byAdmin.body).toMatchObject({ department_id: null, lead_id: null, is_active: false });
      // Out of every department, the team is no longer any manager's to edit.
      expect((await api.as('manager').patch(`/v1/teams/${ours.id}`, { is_active: true })).status).toBe(403);
      expect((await api.as('admin').patch(`/v1/teams/${MISSING_ID}`, { is_active: true })).status).toBe(404);
    });

    it('requires a staff lead and a known department (422) and unique names (409)', async () => {
      const customerLead = await api.as('admin').post('/v1/teams', { name: unique('T'), lead_id: api.world.users.customer });
      expect(customerLead.status).toBe(422);
      expect(customerLead.body.errors[0]).toMatchObject({ path: 'lead_id' });
      const ghostLead = await api.as('admin').post('/v1/teams', { name: unique('T'), lead_id: MISSING_ID });
      expect(ghostLead.status).toBe(422);
      const ghostDepartment = await api.as('admin').post('/v1/teams', { name: unique('T'), department_id: MISSING_ID });
      expect(ghostDepartment.status).toBe(422);
      expect(ghostDepartment.body.detail).toMatch(/department_id/);
      const patched = await api.as('manager').patch(`/v1/teams/${alpha}`, { lead_id: api.world.users.customer });
      expect(patched.status).toBe(422);
      expect((await api.as('admin').get(`/v1/teams/${alpha}`)).body.lead_id).toBe(api.world.users.manager);
      const duplicate = await api.as('admin').post('/v1/teams', { name: 'ALPHA' });
      expect(duplicate.status).toBe(409);
    });

    it('answers bad input with 4xx problems', async () => {
      const admin = api.as('admin');
      const cases: { body: unknown; path: string }[] = [
        { body: {}, path: 'name' },
        { body: { name: '' }, path: 'name' },
        { body: { name: 'X', department_id: 12 }, path: 'department_id' },
        { body: { name: 'X', lead_id: 'me' }, path: 'lead_id' },
        { body: { name: 'X', members: [] }, path: '' },
        { body: 'X', path: '' },
      ];
      for (const { body, path } of cases) {
        const res = await admin.post('/v1/teams', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      for (const [method, path] of [
        ['POST', '/v1/teams'],
        ['PATCH', `/v1/teams/${alpha}`],
      ] as const) {
        const { malformed, wrongType, noBody } = await malformedBodies(admin, method, path);
        expect(malformed.body.code).toBe('malformed_request');
        expect(wrongType.status).toBe(415);
        expect(noBody.status).toBe(400);
      }
      expect((await admin.patch(`/v1/teams/${alpha}`, {})).status).toBe(400);
      expect((await admin.get('/v1/teams/123')).body.errors[0]).toMatchObject({ location: 'path', path: 'team_id' });
      expect((await admin.delete('/v1/teams/123')).status).toBe(400);
      for (const query of ['department_id=support', 'limit=101', 'is_active=1', 'team=alpha']) {
        expect((await admin.get(`/v1/teams?${query}`)).status, query).toBe(400);
      }
      expect((await admin.get('/v1/teams?cursor=abc')).body.code).toBe('invalid_cursor');
    });
  });

  describe('members', () => {
    it('shows members to staff, with who they are, and an empty list to customers', async () => {
      for (const role of ['agent', 'agent2', 'manager', 'admin'] as const) {
        const res = await api.as(role).get(`/v1/teams/${alpha}/members`);
        expect(res.status, role).toBe(200);
        expect(res.body.data).toEqual([
          expect.objectContaining({
            team_id: alpha,
            user_id: api.world.users.agent,
            role: 'member',
            user: { email: 'agent@world.test', first_name: 'agent', last_name: '', role: 'agent' },
          }),
        ]);
      }
      const asCustomer = await api.as('customer').get(`/v1/teams/${alpha}/members`);
      expect(asCustomer.status).toBe(200);
      expect(asCustomer.body).toEqual({ data: [], next_cursor: null });
      expect((await api.as('customer').get(`/v1/teams/${alpha}/members/${api.world.users.agent}`)).status).toBe(404);
      const one = await api.as('agent2').get(`/v1/teams/${alpha}/members/${api.world.users.agent}`);
      expect(one.body).toMatchObject({ team_id: alpha, user_id: api.world.users.agent, role: 'member' });
      expect((await api.as('admin').get(`/v1/teams/${MISSING_ID}/members`)).status).toBe(404);
      expect((await api.as('admin').get(`/v1/teams/${alpha}/members/${api.world.users.agent2}`)).status).toBe(404);
    });

    it('adds a member (201), changes their role (200) and removes them (204), as the admin', async () => {
      const team = await newTeam({ department_id: api.world.ids.infra });
      const path = `/v1/teams/${team.id}/members/${api.world.users.agent}`;
      const added = await api.as('admin').put(path, {});
      expect(added.status).toBe(201);
      expect(added.headers.get('location')).toBe(path);
      expect(added.body).toMatchObject({ team_id: team.id, user_id: api.world.users.agent, role: 'member' });

      const promoted = await api.as('admin').put(path, { role: 'lead' });
      expect(promoted.status).toBe(200);
      expect(promoted.body).toMatchObject({ role: 'lead', joined_at: added.body.joined_at });
      const again = await api.as('admin').put(path, { role: 'lead' });
      expect(again.status).toBe(200);

      await api.as('admin').put(`/v1/teams/${team.id}/members/${api.world.users.agent2}`, { role: 'member' });
      await api.as('admin').put(`/v1/teams/${team.id}/members/${api.world.users.manager}`, { role: 'member' });
      const all = await collectPages<Member>(api.as('agent'), `/v1/teams/${team.id}/members`, 1);
      expect(all.map((m) => m.user_id)).toEqual([api.world.users.agent, api.world.users.agent2, api.world.users.manager]);
      const leads = await collectPages<Member>(api.as('agent'), `/v1/teams/${team.id}/members?role=lead`);
      expect(leads.map((m) => m.user_id)).toEqual([api.world.users.agent]);

      expect((await api.as('admin').delete(path)).status).toBe(204);
      expect((await api.as('admin').get(path)).status).toBe(404);
      expect((await api.as('admin').delete(path)).status).toBe(404);
    });

    it("lets managers change the members of their department's teams only", async () => {
      const ours = await newTeam({ department_id: api.world.ids.support });
      const path = `/v1/teams/${ours.id}/members/${api.world.users.agent2}`;
      expect((await api.as('manager').put(path, { role: 'lead' })).status).toBe(201);
      expect((await api.as('manager').delete(path)).status).toBe(204);

      const theirs = `/v1/teams/${beta}/members/${api.world.users.agent}`;
      const refused = await api.as('manager').put(theirs, {});
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toMatch(/managers of the team's department/);
      expect((await api.as('manager').delete(`/v1/teams/${beta}/members/${api.world.users.agent2}`)).status).toBe(403);

      for (const role of ['agent', 'customer'] as const) {
        expect((await api.as(role).put(`/v1/teams/${ours.id}/members/${api.world.users.agent}`, {})).status, role).toBe(403);
      }
      expect((await api.as('agent').delete(`/v1/teams/${alpha}/members/${api.world.users.agent}`)).status).toBe(403);
      // Customers cannot see memberships, so one they try to remove does not exist for them.
      expect((await api.as('customer').delete(`/v1/teams/${alpha}/members/${api.world.users.agent}`)).status).toBe(404);
      const still = await api.db.query('select 1 from team_members where team_id = $1 and user_id = $2', [alpha, api.world.users.agent]);
      expect(still.rows).toHaveLength(1);
    });

    it('gives team members and leads the tickets of their team', async () => {
      const team = await newTeam({ department_id: api.world.ids.infra });
      const ticket = await api.db.query<{ id: string }>(
        'insert into tickets (title, description, requester_id, created_by, team_id, department_id) values ($1, $2, $3, $3, $4, $5) returning id',
        [unique('Ticket'), 'Broken', api.world.users.customer2, team.id, api.world.ids.infra],
      );
      await api.db.query("update tickets set assignee_id = $2, status = 'open' where id = $1", [
        ticket.rows[0]!.id,
        api.world.users.agent2,
      ]);
      const visible = async () =>
        (
          await api.db.transaction(async (tx) => {
            await tx.query('set local role ticketflow_app');
            await tx.query('select app.bind_actor($1)', [api.world.users.agent]);
            return tx.query('select 1 from tickets where id = $1', [ticket.rows[0]!.id]);
          })
        ).rows.length;
      expect(await visible()).toBe(0);
      await api.as('admin').put(`/v1/teams/${team.id}/members/${api.world.users.agent}`, {});
      expect(await visible()).toBe(1);
      await api.as('admin').delete(`/v1/teams/${team.id}/members/${api.world.users.agent}`);
      expect(await visible()).toBe(0);
    });

    it('refuses customers as members (422) and unknown teams or users (404)', async () => {
      const customer = await api.as('admin').put(`/v1/teams/${alpha}/members/${api.world.users.customer}`, {});
      expect(customer.status).toBe(422);
      expect(customer.body.errors[0]).toMatchObject({ location: 'path', path: 'user_id' });
      expect((await api.as('admin').put(`/v1/teams/${alpha}/members/${MISSING_ID}`, {})).status).toBe(404);
      expect((await api.as('admin').put(`/v1/teams/${MISSING_ID}/members/${api.world.users.agent}`, {})).status).toBe(404);
      // A manager cannot add a customer either, but learns only that they may not (403) for teams not theirs.
      expect((await api.as('manager').put(`/v1/teams/${beta}/members/${api.world.users.customer}`, {})).status).toBe(403);
      const members = await collectPages<Member>(api.as('admin'), `/v1/teams/${alpha}/members`);
      expect(members.map((m) => m.user_id)).not.toContain(api.world.users.customer);
    });

    it('answers bad input with 4xx problems', async () => {
      const admin = api.as('admin');
      const path = `/v1/teams/${alpha}/members/${api.world.users.agent}`;
      for (const body of [{ role: 'boss' }, { role: null }, { role: 'lead', since: 'now' }, []]) {
        const res = await admin.put(path, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('validation_failed');
      }
      const { malformed, wrongType, noBody } = await malformedBodies(admin, 'PUT', path);
      expect(malformed.body.code).toBe('malformed_request');
      expect(wrongType.status).toBe(415);
      expect(noBody.status).toBe(400);
      expect((await admin.put(`/v1/teams/${alpha}/members/someone`, {})).body.errors[0]).toMatchObject({ path: 'user_id' });
      expect((await admin.get(`/v1/teams/nope/members`)).body.errors[0]).toMatchObject({ path: 'team_id' });
      expect((await admin.delete(`/v1/teams/${alpha}/members/42`)).status).toBe(400);
      for (const query of ['role=owner', 'limit=-1', 'user_id=x']) {
        expect((await admin.get(`/v1/teams/${alpha}/members?${query}`)).status, query).toBe(400);
      }
      const first = await admin.get(`/v1/teams/${alpha}/members?limit=1`);
      expect(first.status).toBe(200);
      const otherTeam = await admin.get(
        `/v1/teams/${beta}/members?cursor=${encodeURIComponent(Buffer.from(JSON.stringify({ f: 'x', k: [] })).toString('base64url'))}`,
      );
      expect(otherTeam.body.code).toBe('invalid_cursor');
      // The role is still what it was: none of the bad requests changed anything.
      expect((await admin.get(path)).body.role).toBe('member');
    });

    it('holds API keys to the directory scopes', async () => {
      const reader = await createApiKey(api, 'admin', ['directory:read']);
      expect((await api.withToken(reader).get(`/v1/teams/${alpha}/members`)).status).toBe(200);
      const refused = await api.withToken(reader).put(`/v1/teams/${alpha}/members/${api.world.users.agent2}`, {});
      expect(refused.body.code).toBe('insufficient_scope');
      const writer = await createApiKey(api, 'admin', ['directory:write']);
      const team = await newTeam();
      expect((await api.withToken(writer).put(`/v1/teams/${team.id}/members/${api.world.users.agent2}`, {})).status).toBe(201);
      expect((await api.withToken(writer).patch(`/v1/teams/${team.id}`, { is_active: false })).status).toBe(200);
    });
  });
});
