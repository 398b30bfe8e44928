/**
 * Departments, teams and their members, categories, tags and the company settings against the
 * mock through the SDK: who may write what, the server's problem details, the list filters, and
 * what deleting a row does to the tickets and people that refer to it.
 */
import { describe, expect, it } from 'vitest';
import type { Ticketflow } from '../../src/index.js';
import { failure, useMock } from './support.js';

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function history(tf: Ticketflow, ticketId: string) {
  return (await all(tf.history.list(ticketId))).map((entry) => [entry.action, entry.field, entry.old_value, entry.new_value, entry.is_internal]);
}

describe('organisation on the mock', () => {
  const { mock, client } = useMock({ scenario: 'demo' });
  const id = (key: string) => mock().user(key).id;

  describe('departments', () => {
    it('lets admins create, rename and delete departments; everyone else may only read', async () => {
      const admin = client('admin');
      const agent = client('agent');
      const created = await admin.departments.create({ name: '  Field service  ', manager_id: id('manager') });
      expect(created).toMatchObject({ name: 'Field service', manager_id: id('manager'), description: null, is_active: true });
      expect(await agent.departments.get(created.id)).toEqual(created);

      const refused = await failure(agent.departments.create({ name: 'Rogue' }));
      expect([refused.status, refused.problem?.detail]).toEqual([403, 'Only admins may change departments.']);
      expect((await failure(agent.departments.update(created.id, { name: 'Mine' }))).status).toBe(403);
      const duplicate = await failure(admin.departments.create({ name: 'FIELD SERVICE' }));
      expect([duplicate.status, duplicate.problem?.detail]).toEqual([409, 'A record with these values already exists.']);
      const customer = await failure(admin.departments.update(created.id, { manager_id: id('customer') }));
      expect([customer.status, customer.problem?.errors]).toEqual([422, [{ location: 'body', path: 'manager_id', message: 'must be a staff member' }]]);
      const badId = await failure(admin.departments.create({ name: 'X', manager_id: 'nope' }));
      expect(badId.problem?.errors).toEqual([{ location: 'body', path: 'manager_id', message: 'must be a UUID' }]);

      const updated = await admin.departments.update(created.id, { manager_id: null, is_active: false });
      expect(updated).toMatchObject({ manager_id: null, is_active: false });
      expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(created.updated_at));
      expect((await agent.departments.list({ is_active: false })).data.map((each) => each.name)).toEqual(['Field service']);
      expect((await all(agent.departments.list({ q: 'E', limit: 1 }))).map((each) => each.name)).toEqual(['Field service', 'Infrastructure']);

      await admin.departments.delete(created.id);
      expect((await failure(admin.departments.get(created.id))).problem?.detail).toBe('No department with this id.');
    });

    it('leaves its people, teams and tickets in place, without a department, when one is deleted', async () => {
      const admin = client('admin');
      const support = mock().user('agent').department_id!;
      const ticket = mock().seed.ticket({ title: 'Printer', requester: 'customer', department_id: support });
      await admin.departments.delete(support);

      expect(mock().user('agent').department_id).toBeNull();
      expect(mock().db.teams.all().find((team) => team.name === 'Service Desk')?.department_id).toBeNull();
      const after = await admin.tickets.get(ticket.id);
      expect(after).toMatchObject({ department_id: null, version: ticket.version + 1 });
      expect((await history(admin, ticket.id)).at(-1)).toEqual(['field_updated', 'department_id', support, null, true]);
    });
  });

  describe('teams and members', () => {
    it('lets managers edit the teams of their department, and only there', async () => {
      const admin = client('admin');
      const manager = client('manager');
      const support = mock().user('manager').department_id!;
      const infra = mock().user('agent2').department_id!;
      const team = await admin.teams.create({ name: 'Network', department_id: support });
      expect(team).toMatchObject({ name: 'Network', department_id: support, lead_id: null, is_active: true });

      expect(await manager.teams.update(team.id, { lead_id: id('agent') })).toMatchObject({ lead_id: id('agent') });
      const moveOut = await failure(manager.teams.update(team.id, { department_id: infra }));
      expect([moveOut.status, moveOut.problem?.detail]).toEqual([403, "Only admins and the managers of the team's department may change it, within that department."]);
      const platform = mock().db.teams.all().find((each) => each.name === 'Platform')!;
      expect((await failure(manager.teams.update(platform.id, { description: 'Mine' }))).status).toBe(403);
      expect((await failure(manager.teams.create({ name: 'Shadow' }))).problem?.detail).toBe('Only admins may create teams.');
      expect((await failure(admin.teams.update(team.id, { lead_id: id('customer') }))).status).toBe(422);
      const unknownDepartment = await failure(admin.teams.create({ name: 'Nowhere', department_id: '4d2c6c1e-1111-4222-8333-444455556666' }));
      expect([unknownDepartment.status, unknownDepartment.problem?.detail]).toEqual([422, 'department_id does not refer to an existing record.']);

      const listed = await client('customer').teams.list({ department_id: support });
      expect(listed.data.map((each) => each.name)).toEqual(['Network', 'Service Desk']);
    });

    it('keeps when a member joined when their role changes, and shows members to staff only', async () => {
      const admin = client('admin');
      const manager = client('manager');
      const team = await admin.teams.create({ name: 'Desk', department_id: mock().user('manager').department_id });

      const added = await manager.teams.members.add(team.id, id('agent'), { role: 'lead' });
      expect(added).toMatchObject({ role: 'lead', user: { email: 'agent@example.com', role: 'agent' } });
      mock().clock.advance(60_000);
      const reRoled = await manager.teams.members.add(team.id, id('agent'), {});
      expect(reRoled).toMatchObject({ role: 'member', joined_at: added.joined_at });
      expect(mock().calls('teams.members.add').map((call) => call.status)).toEqual([201, 200]);

      expect((await client('customer').teams.members.list(team.id)).data).toEqual([]);
      expect((await failure(client('customer').teams.members.get(team.id, id('agent')))).status).toBe(404);
      const customer = await failure(manager.teams.members.add(team.id, id('customer'), {}));
      expect([customer.status, customer.problem?.errors]).toEqual([422, [{ location: 'path', path: 'user_id', message: 'must be a staff member' }]]);
      const notManaged = await failure(client('agent').teams.members.remove(team.id, id('agent')));
      expect([notManaged.status, notManaged.problem?.detail]).toEqual([403, "Only admins and the managers of the team's department may change its members."]);

      await manager.teams.members.remove(team.id, id('agent'));
      const gone = await failure(manager.teams.members.remove(team.id, id('agent')));
      expect([gone.status, gone.problem?.detail]).toEqual([404, 'This user is not a member of this team, or there is no such team.']);
    });

    it('takes its members with it when a team is deleted, and leaves its tickets without a team', async () => {
      const admin = client('admin');
      const serviceDesk = mock().db.teams.all().find((team) => team.name === 'Service Desk')!;
      const ticket = mock().db.tickets.all().find((row) => row.team_id === serviceDesk.id)!;
      await admin.teams.delete(serviceDesk.id);
      expect(mock().db.teamMembers.where((member) => member.team_id === serviceDesk.id)).toEqual([]);
      expect((await admin.tickets.get(ticket.id)).team_id).toBeNull();
      expect((await history(admin, ticket.id)).at(-1)).toEqual(['field_updated', 'team_id', serviceDesk.id, null, true]);
    });
  });

  describe('categories and tags', () => {
    it('lets managers change categories, with the server’s answers to the others', async () => {
      const manager = client('manager');
      const customer = client('customer');
      const category = await manager.categories.create({ slug: 'hard-ware', name: 'Hard_ware' });
      const refused = await failure(customer.categories.create({ slug: 'mine', name: 'Mine' }));
      expect([refused.status, refused.problem?.detail]).toEqual([403, 'You may not make this change.']);
      expect((await failure(customer.categories.update(category.id, { name: 'Mine' }))).problem?.detail).toBe('Only managers and admins may change categories.');
      expect((await failure(manager.categories.create({ slug: 'hard-ware', name: 'Again' }))).status).toBe(409);
      const badSlug = await failure(manager.categories.create({ slug: 'Hard Ware', name: 'X' }));
      expect(badSlug.problem?.errors).toEqual([{ location: 'body', path: 'slug', message: 'must be lower-case words joined by hyphens' }]);
      // The server matches names and slugs with ILIKE: `_` and `%` are wildcards.
      expect((await customer.categories.list({ q: 'd_ware' })).data.map((each) => each.id)).toEqual([category.id]);
      expect((await customer.categories.list({ q: 'hard%ware' })).data.map((each) => each.id)).toEqual([category.id]);
    });

    it('leaves tickets without the category that was deleted, in their public history', async () => {
      const manager = client('manager');
      const category = mock().db.categories.all().find((row) => row.slug === 'network-issue')!;
      const vpn = mock().db.tickets.all().find((row) => row.category_id === category.id)!;
      await manager.categories.delete(category.id);
      expect((await client('customer').tickets.get(vpn.id)).category_id).toBeNull();
      expect((await history(client('customer'), vpn.id)).at(-1)).toEqual(['field_updated', 'category_id', category.id, null, false]);
    });

    it('lets staff create tags in lower-case colours, managers change them, and takes a deleted tag off its tickets', async () => {
      const agent = client('agent');
      const manager = client('manager');
      const tag = await agent.tags.create({ name: 'billing', color: '#D97706' });
      expect(tag).toMatchObject({ name: 'billing', color: '#d97706', created_by: id('agent'), description: null });
      expect((await agent.tags.create({ name: 'plain' })).color).toBe('#6b7280');
      expect((await failure(agent.tags.create({ name: 'BILLING' }))).status).toBe(409);
      expect((await failure(client('customer').tags.create({ name: 'mine' }))).problem?.detail).toBe('Only staff may create tags.');
      expect((await failure(agent.tags.update(tag.id, { color: '#000000' }))).problem?.detail).toBe('Only managers and admins may change tags.');
      const badColour = await failure(agent.tags.create({ name: 'x', color: 'red' }));
      expect(badColour.problem?.errors).toEqual([{ location: 'body', path: 'color', message: 'must be a hex colour such as #d97706' }]);

      const ticket = mock().seed.ticket({ title: 'Invoice', requester: 'customer', tag_ids: [tag.id] });
      await manager.tags.delete(tag.id);
      expect((await agent.tickets.get(ticket.id)).tag_ids).toEqual([]);
      expect((await history(agent, ticket.id)).at(-1)).toEqual(['field_updated', 'tags', tag.id, null, true]);
      expect(mock().db.events.all().at(-1)).toMatchObject({ type: 'ticket.untagged', ticket_id: ticket.id, actor_id: id('manager') });
    });
  });

  describe('company settings', () => {
    it('lets admins change them, and numbers new tickets with a new prefix', async () => {
      const admin = client('admin');
      const customer = client('customer');
      expect(await customer.settings.get()).toMatchObject({ company_name: 'Ticketflow', ticket_prefix: 'TKT', time_zone: 'UTC' });
      expect((await failure(customer.settings.update({ company_name: 'Hijacked' }))).problem?.detail).toBe('Only admins may change the company settings.');
      const zone = await failure(admin.settings.update({ time_zone: 'Mars/Olympus_Mons' }));
      expect([zone.status, zone.problem?.detail]).toEqual([422, 'Mars/Olympus_Mons is not a known IANA time zone.']);
      const prefix = await failure(admin.settings.update({ ticket_prefix: 'x' }));
      expect(prefix.problem?.errors).toEqual([{ location: 'body', path: 'ticket_prefix', message: 'must be 2 to 10 upper-case letters and digits, starting with a letter' }]);

      const updated = await admin.settings.update({ company_name: ' Acme ', ticket_prefix: 'ACME', time_zone: 'Europe/Berlin' });
      expect(updated).toMatchObject({ company_name: 'Acme', ticket_prefix: 'ACME', time_zone: 'Europe/Berlin', critical_unassigned_minutes: 30 });
      expect((await customer.tickets.create({ title: 'First under the new prefix' })).ticket_number).toBe('ACME-2026-00001');
    });
  });
});
