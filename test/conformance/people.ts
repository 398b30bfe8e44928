/**
 * `tf.users`, `tf.invitations` and `tf.apiKeys`. Anonymous operations must reach the server without
 * an `Authorization` header, which the recording fetch checks.
 */
import { describe, expect } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  UnprocessableEntityError,
} from '../../src/index.js';
import type { Conformance } from './context.js';
import { createAccount, newEmail, unique } from './helpers.js';

export function people(tf: Conformance): void {
  describe('users, invitations and API keys', () => {
    describe('tf.users', () => {
      tf.test('lists with filters and paging, and customers see only themselves and the staff', async () => {
        const admin = tf.as('admin');
        const agents: { id: string; role: string }[] = [];
        for await (const user of admin.users.list({ role: ['agent'], limit: 1 })) agents.push(user);
        expect(agents.every((u) => u.role === 'agent')).toBe(true);
        expect(agents.map((u) => u.id)).toEqual(expect.arrayContaining([tf.target.users.agent.id, tf.target.users.agent2.id]));

        const department = await admin.departments.create({ name: unique('Staffed') });
        const staff = [await createAccount(tf, { role: 'agent', department_id: department.id }), await createAccount(tf, { role: 'manager', department_id: department.id })];
        const byEmailDescending = [...staff].sort((a, b) => (a.email < b.email ? 1 : -1)).map((account) => account.id);
        const inDepartment = await admin.users.list({ department_id: department.id, sort: '-email' });
        expect(inDepartment.data.map((u) => u.id)).toEqual(byEmailDescending);

        const seenByCustomer: string[] = [];
        for await (const user of tf.as('customer').users.list({ limit: 2 })) seenByCustomer.push(user.id);
        expect(seenByCustomer).toEqual(expect.arrayContaining([tf.target.users.customer.id, tf.target.users.admin.id, tf.target.users.agent.id]));
        expect(seenByCustomer).not.toContain(tf.target.users.customer2.id);
      });

      tf.test('lets admins create users whose password works, and refuses everyone else', async () => {
        const admin = tf.as('admin');
        const email = newEmail();
        const password = 'a sufficiently long password';
        const created = await admin.users.create({ email, first_name: 'Grace', last_name: 'Hopper', role: 'agent', password });
        expect(created).toMatchObject({ email, first_name: 'Grace', last_name: 'Hopper', role: 'agent', is_active: true });
        expect((await tf.stranger().auth.login({ email, password })).user.id).toBe(created.id);

        await expect(admin.users.create({ email })).rejects.toBeInstanceOf(ConflictError);
        await expect(tf.as('manager').users.create({ email: newEmail() })).rejects.toBeInstanceOf(PermissionDeniedError);
      });

      tf.test('gets the users the caller may see, and 404s the others', async () => {
        const agent = tf.as('agent');
        expect(await agent.users.get(tf.target.users.customer2.id)).toMatchObject({ id: tf.target.users.customer2.id, email: tf.target.users.customer2.email });
        const customer = tf.as('customer');
        expect((await customer.users.get(tf.target.users.agent.id)).id).toBe(tf.target.users.agent.id);
        await expect(customer.users.get(tf.target.users.customer2.id)).rejects.toBeInstanceOf(NotFoundError);
      });

      tf.test('lets admins change anything and others only their own profile', async () => {
        const account = await createAccount(tf, { role: 'customer' });
        const admin = tf.as('admin');
        const promoted = await admin.users.update(account.id, { role: 'agent', department_id: tf.target.fixtures.departments.support });
        expect(promoted).toMatchObject({ id: account.id, role: 'agent', department_id: tf.target.fixtures.departments.support });
        expect((await admin.users.get(account.id)).role).toBe('agent');

        const self = tf.signIn(account);
        expect(await self.users.update(account.id, { first_name: 'Renamed', phone_number: '+44 20 7946 0000' })).toMatchObject({
          first_name: 'Renamed',
          phone_number: '+44 20 7946 0000',
        });
        await expect(self.users.update(account.id, { role: 'admin' })).rejects.toBeInstanceOf(PermissionDeniedError);
        expect((await admin.users.get(account.id)).role).toBe('agent');
      });
    });

    describe('tf.invitations', () => {
      tf.test('lets a manager invite into their department, lists it for them only, and the invitee accepts without credentials', async () => {
        const mailTo = tf.need('mailTo');
        const manager = tf.as('manager');
        const email = newEmail();
        const invitation = await manager.invitations.create({ email, role: 'agent' });
        expect(invitation).toMatchObject({ email, role: 'agent', department_id: tf.target.fixtures.departments.support, invited_by: tf.target.users.manager.id, status: 'pending' });
        expect(invitation.token).toBe((await mailTo(email)).at(-1)?.token);

        const listed = await manager.invitations.list({ email, status: 'pending' });
        expect(listed.data.map((i) => i.id)).toEqual([invitation.id]);
        expect((await tf.as('agent').invitations.list()).data).toEqual([]);

        const from = tf.sent.length;
        const tokens = await tf.stranger().invitations.accept({ token: invitation.token, password: 'my chosen password', first_name: 'Ada', last_name: 'Lovelace' });
        expect(tf.authorizationsTo('/v1/invitations/accept', from)).toEqual([null]);
        expect(tokens.user).toMatchObject({ email, role: 'agent', department_id: tf.target.fixtures.departments.support, first_name: 'Ada', last_name: 'Lovelace' });
        expect((await tf.withToken(tokens.access_token).auth.me()).id).toBe(tokens.user.id);
        expect((await manager.invitations.list({ email })).data[0]).toMatchObject({ id: invitation.id, status: 'accepted' });

        await expect(tf.stranger().invitations.accept({ token: invitation.token, password: 'my chosen password', first_name: 'Ada', last_name: 'L' })).rejects.toBeInstanceOf(
          UnprocessableEntityError,
        );
      });

      tf.test('lets the sender cancel a pending invitation once; others cannot see it', async () => {
        const manager = tf.as('manager');
        const invitation = await manager.invitations.create({ email: newEmail(), role: 'customer' });
        await expect(tf.as('agent').invitations.cancel(invitation.id)).rejects.toBeInstanceOf(NotFoundError);
        expect(await manager.invitations.cancel(invitation.id)).toMatchObject({ id: invitation.id, status: 'cancelled' });
        await expect(manager.invitations.cancel(invitation.id)).rejects.toBeInstanceOf(ConflictError);
        await expect(
          tf.stranger().invitations.accept({ token: invitation.token, password: 'my chosen password', first_name: 'Too', last_name: 'Late' }),
        ).rejects.toBeInstanceOf(UnprocessableEntityError);
      });
    });

    describe('tf.apiKeys', () => {
      tf.test('creates a key that acts as its user, lists and gets it, and revokes it for good', async () => {
        const agent = tf.as('agent');
        const created = await agent.apiKeys.create({ name: 'SDK bot', scopes: ['tickets:read'] });
        expect(created).toMatchObject({ name: 'SDK bot', scopes: ['tickets:read'], user_id: tf.target.users.agent.id, revoked_at: null });
        expect(created.key.startsWith(created.prefix)).toBe(true);
        const asKey = tf.withApiKey(created.key);
        expect((await asKey.auth.me()).id).toBe(tf.target.users.agent.id);

        const mine: string[] = [];
        for await (const key of agent.apiKeys.list({ user_id: tf.target.users.agent.id, limit: 1 })) mine.push(key.id);
        expect(mine).toContain(created.id);
        const got = await agent.apiKeys.get(created.id);
        expect(got).toMatchObject({ id: created.id, name: 'SDK bot', prefix: created.prefix });
        expect(got).not.toHaveProperty('key');
        expect((await tf.as('customer').apiKeys.list()).data).toEqual([]);
        await expect(tf.as('customer').apiKeys.get(created.id)).rejects.toBeInstanceOf(NotFoundError);

        await agent.apiKeys.revoke(created.id);
        await expect(asKey.auth.me()).rejects.toBeInstanceOf(AuthenticationError);
        expect((await agent.apiKeys.get(created.id)).revoked_at).not.toBeNull();
        expect((await agent.apiKeys.list({ is_revoked: true, user_id: tf.target.users.agent.id })).data.map((k) => k.id)).toContain(created.id);
        await expect(agent.apiKeys.revoke(created.id)).resolves.toBeUndefined();
      });

      tf.test('refuses keys to customers and revoking what the caller may only see', async () => {
        await expect(tf.as('customer').apiKeys.create({ name: 'nope', scopes: ['kb:read'] })).rejects.toBeInstanceOf(PermissionDeniedError);
        const forAgent = await tf.as('admin').apiKeys.create({ name: 'issued to agent', scopes: ['kb:read'], user_id: tf.target.users.agent.id });
        await expect(tf.as('agent').apiKeys.revoke(forAgent.id)).rejects.toBeInstanceOf(PermissionDeniedError);
        expect((await tf.as('admin').apiKeys.get(forAgent.id)).revoked_at).toBeNull();
      });
    });
  });
}
