/**
 * Departments, teams and their members, categories, tags and the company settings, each as the
 * roles allowed to use it and as one that is refused.
 */
import { describe, expect } from 'vitest';
import { ConflictError, NotFoundError, PermissionDeniedError, UnprocessableEntityError } from '../../src/index.js';
import type { Conformance } from './context.js';
import { all, unique } from './helpers.js';

export function organisation(tf: Conformance): void {
  describe('organisation', () => {
    tf.test('creates, reads, lists, updates and deletes a department as admin; others may only read', async () => {
      const admin = tf.as('admin');
      const agent = tf.as('agent');
      const name = unique('Field service');
      const created = await admin.departments.create({ name, description: 'Printers', manager_id: tf.target.users.manager.id });
      expect(created).toMatchObject({ name, description: 'Printers', manager_id: tf.target.users.manager.id, is_active: true });

      expect(await agent.departments.get(created.id)).toMatchObject({ id: created.id, name });
      const found = await agent.departments.list({ q: name });
      expect(found.data.map((department) => department.id)).toEqual([created.id]);
      // One per page: the iteration still reaches every department, the two that were there before included.
      const every = (await all(agent.departments.list({ limit: 1 }))).map((department) => department.id);
      expect(every).toEqual(expect.arrayContaining([tf.target.fixtures.departments.support, tf.target.fixtures.departments.infra, created.id]));

      await expect(agent.departments.create({ name: unique('Rogue') })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(agent.departments.update(created.id, { name: 'Taken over' })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(admin.departments.create({ name })).rejects.toBeInstanceOf(ConflictError);

      const updated = await admin.departments.update(created.id, { description: null, is_active: false });
      expect(updated).toMatchObject({ id: created.id, name, description: null, is_active: false });
      const inactive = await agent.departments.list({ is_active: false });
      expect(inactive.data.map((department) => department.id)).toContain(created.id);

      await expect(agent.departments.delete(created.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      await admin.departments.delete(created.id);
      await expect(admin.departments.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    tf.test('manages a team: admins create and delete, managers edit within their department', async () => {
      const admin = tf.as('admin');
      const manager = tf.as('manager');
      const customer = tf.as('customer');
      const name = unique('Network');
      const team = await admin.teams.create({ name, department_id: tf.target.fixtures.departments.support, description: 'Routers' });
      expect(team).toMatchObject({ name, department_id: tf.target.fixtures.departments.support, description: 'Routers', lead_id: null, is_active: true });

      expect(await customer.teams.get(team.id)).toMatchObject({ id: team.id, name });
      const inSupport = await customer.teams.list({ department_id: tf.target.fixtures.departments.support });
      expect(inSupport.data.map((each) => each.id)).toEqual(expect.arrayContaining([tf.target.fixtures.teams.alpha, team.id]));
      expect(inSupport.data.map((each) => each.id)).not.toContain(tf.target.fixtures.teams.beta);
      const byName = await customer.teams.list({ q: name });
      expect(byName.data.map((each) => each.id)).toEqual([team.id]);

      // The manager runs Support: its teams are theirs to edit, Infrastructure's are not.
      const led = await manager.teams.update(team.id, { lead_id: tf.target.users.agent.id });
      expect(led).toMatchObject({ id: team.id, lead_id: tf.target.users.agent.id });
      await expect(manager.teams.update(tf.target.fixtures.teams.beta, { description: 'Mine now' })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(admin.teams.update(team.id, { lead_id: tf.target.users.customer.id })).rejects.toBeInstanceOf(UnprocessableEntityError);
      await expect(manager.teams.create({ name: unique('Shadow') })).rejects.toBeInstanceOf(PermissionDeniedError);

      await expect(manager.teams.delete(team.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      await admin.teams.delete(team.id);
      await expect(admin.teams.get(team.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    tf.test('adds, lists, reads, re-roles and removes team members', async () => {
      const admin = tf.as('admin');
      const manager = tf.as('manager');
      const agent = tf.as('agent');
      const customer = tf.as('customer');
      const team = await admin.teams.create({ name: unique('Desk'), department_id: tf.target.fixtures.departments.support });

      const added = await manager.teams.members.add(team.id, tf.target.users.agent.id, { role: 'lead' });
      expect(added).toMatchObject({ team_id: team.id, user_id: tf.target.users.agent.id, role: 'lead', user: { email: tf.target.users.agent.email, role: 'agent' } });
      const second = await admin.teams.members.add(team.id, tf.target.users.agent2.id, {});
      expect(second).toMatchObject({ user_id: tf.target.users.agent2.id, role: 'member' });
      // Putting an existing member again sets the role and keeps when they joined.
      const reRoled = await manager.teams.members.add(team.id, tf.target.users.agent.id, { role: 'member' });
      expect(reRoled).toMatchObject({ role: 'member', joined_at: added.joined_at });

      const members = await all(agent.teams.members.list(team.id, { limit: 1 }));
      expect(members.map((member) => member.user_id).sort()).toEqual([tf.target.users.agent.id, tf.target.users.agent2.id].sort());
      const leads = await admin.teams.members.list(team.id, { role: 'lead' });
      expect(leads.data).toEqual([]);
      expect(await agent.teams.members.get(team.id, tf.target.users.agent2.id)).toMatchObject({ team_id: team.id, role: 'member' });
      // Memberships are for staff to read: a customer sees no one.
      expect((await customer.teams.members.list(team.id)).data).toEqual([]);

      await expect(admin.teams.members.add(team.id, tf.target.users.customer.id, {})).rejects.toBeInstanceOf(UnprocessableEntityError);
      await expect(agent.teams.members.add(team.id, tf.target.users.manager.id, {})).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(agent.teams.members.remove(team.id, tf.target.users.agent2.id)).rejects.toBeInstanceOf(PermissionDeniedError);

      await manager.teams.members.remove(team.id, tf.target.users.agent2.id);
      await expect(admin.teams.members.get(team.id, tf.target.users.agent2.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(manager.teams.members.remove(team.id, tf.target.users.agent2.id)).rejects.toBeInstanceOf(NotFoundError);
      expect((await admin.teams.members.list(team.id)).data.map((member) => member.user_id)).toEqual([tf.target.users.agent.id]);
    });

    tf.test('manages categories as manager; customers read them but may not change them', async () => {
      const manager = tf.as('manager');
      const customer = tf.as('customer');
      const slug = unique('hardware');
      const category = await manager.categories.create({ slug, name: 'Hardware', description: 'Things you can kick' });
      expect(category).toMatchObject({ slug, name: 'Hardware', description: 'Things you can kick', is_active: true });

      expect(await customer.categories.get(category.id)).toMatchObject({ id: category.id, slug });
      expect((await customer.categories.list({ q: slug })).data.map((each) => each.id)).toEqual([category.id]);
      await expect(manager.categories.create({ slug, name: 'Again' })).rejects.toBeInstanceOf(ConflictError);
      await expect(customer.categories.create({ slug: `${slug}-x`, name: 'Mine' })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(customer.categories.update(category.id, { name: 'Mine' })).rejects.toBeInstanceOf(PermissionDeniedError);

      const updated = await manager.categories.update(category.id, { name: 'Hardware faults', is_active: false });
      expect(updated).toMatchObject({ id: category.id, name: 'Hardware faults', is_active: false });
      expect((await customer.categories.list({ is_active: false })).data.map((each) => each.id)).toContain(category.id);

      await expect(customer.categories.delete(category.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      await manager.categories.delete(category.id);
      await expect(manager.categories.get(category.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    tf.test('lets staff create tags and managers change them', async () => {
      const agent = tf.as('agent');
      const manager = tf.as('manager');
      const customer = tf.as('customer');
      const name = unique('billing');
      const tag = await agent.tags.create({ name, color: '#D97706' });
      expect(tag).toMatchObject({ name, color: '#d97706' });

      expect(await customer.tags.get(tag.id)).toMatchObject({ id: tag.id, name });
      expect((await customer.tags.list({ q: name })).data.map((each) => each.id)).toEqual([tag.id]);
      const { vip, outage } = tf.target.fixtures.tags;
      expect((await all(customer.tags.list({ limit: 1 }))).map((each) => each.id)).toEqual(expect.arrayContaining([vip, outage, tag.id]));
      await expect(agent.tags.create({ name: name.toUpperCase() })).rejects.toBeInstanceOf(ConflictError);
      await expect(customer.tags.create({ name: unique('mine') })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(agent.tags.update(tag.id, { color: '#000000' })).rejects.toBeInstanceOf(PermissionDeniedError);

      const updated = await manager.tags.update(tag.id, { color: '#16a34a', description: 'Invoices' });
      expect(updated).toMatchObject({ id: tag.id, name, color: '#16a34a', description: 'Invoices' });

      await expect(agent.tags.delete(tag.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      await manager.tags.delete(tag.id);
      await expect(customer.tags.get(tag.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    tf.test('reads the company settings as anyone and changes them as admin', async () => {
      const admin = tf.as('admin');
      const customer = tf.as('customer');
      const before = await customer.settings.get();
      expect(before.company_name).toMatch(/\S/);

      await expect(customer.settings.update({ company_name: 'Hijacked' })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(admin.settings.update({ time_zone: 'Mars/Olympus_Mons' })).rejects.toBeInstanceOf(UnprocessableEntityError);

      const companyName = unique('Acme');
      const updated = await admin.settings.update({ company_name: companyName, time_zone: 'Europe/Berlin', critical_unassigned_minutes: 45 });
      expect(updated).toMatchObject({ company_name: companyName, time_zone: 'Europe/Berlin', critical_unassigned_minutes: 45, ticket_prefix: before.ticket_prefix });
      expect(await customer.settings.get()).toMatchObject({ company_name: companyName, time_zone: 'Europe/Berlin', critical_unassigned_minutes: 45 });
      // The other flows share this target: put back what they may rely on.
      const restored = await admin.settings.update({
        company_name: before.company_name,
        time_zone: before.time_zone,
        critical_unassigned_minutes: before.critical_unassigned_minutes,
      });
      expect(restored).toMatchObject({ company_name: before.company_name, time_zone: before.time_zone });
    });
  });
}
