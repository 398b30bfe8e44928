/**
 * The SDK's people modules against the reference server, in-process: users, invitations, API keys
 * and auth (login, tokens, passwords, the current user). Anonymous operations must reach the
 * server without an `Authorization` header, which the recording fetch checks.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, lastMailTo } from './api/auth-support.js';
import { createApiHarness, type ApiHarness } from './support/api-harness.js';
import { sdkClients } from './support/sdk.js';
import { engines } from './support/test-database.js';
import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  UnprocessableEntityError,
} from '../../../src/index.js';

describe.each(engines)('SDK users, invitations, API keys and auth against the reference server (%s)', (engine) => {
  let api: ApiHarness;
  /** Every request the clients sent: its path and the Authorization header it carried. */
  const sent: { path: string; authorization: string | null }[] = [];
  const { as, withToken, withApiKey } = sdkClients(
    () => api,
    (request) => void sent.push({ path: new URL(request.url).pathname, authorization: request.headers.get('authorization') }),
  );

  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  /** A client whose own credential is worthless: anonymous calls must succeed without it. */
  const stranger = () => withApiKey('tf_nothing1_0000000000000000000000000000000000000000');
  const newEmail = () => `sdk-${randomBytes(5).toString('hex')}@people.test`;
  /** The Authorization headers sent to `path` since `from` (an index into `sent`). */
  const authorizationsTo = (path: string, from: number) => sent.slice(from).filter((r) => r.path === path).map((r) => r.authorization);

  describe('tf.users', () => {
    it('lists with filters and paging, and customers see only themselves and the staff', async () => {
      const admin = await as('admin');
      const agents: { id: string; role: string }[] = [];
      for await (const user of admin.users.list({ role: ['agent'], limit: 1 })) agents.push(user);
      expect(agents.every((u) => u.role === 'agent')).toBe(true);
      expect(agents.map((u) => u.id)).toEqual(expect.arrayContaining([api.world.users.agent, api.world.users.agent2]));

      const support = await admin.users.list({ department_id: api.world.ids.support!, sort: '-email' });
      expect(support.data.map((u) => u.id).sort()).toEqual([api.world.users.manager, api.world.users.agent].sort());
      expect(support.data.map((u) => u.email)).toEqual(['manager@world.test', 'agent@world.test']);

      const seenByCustomer: string[] = [];
      for await (const user of (await as('customer')).users.list({ limit: 2 })) seenByCustomer.push(user.id);
      expect(seenByCustomer).toEqual(expect.arrayContaining([api.world.users.customer, api.world.users.admin, api.world.users.agent]));
      expect(seenByCustomer).not.toContain(api.world.users.customer2);
    });

    it('lets admins create users whose password works, and refuses everyone else', async () => {
      const admin = await as('admin');
      const email = newEmail();
      const password = 'a sufficiently long password';
      const created = await admin.users.create({ email, first_name: 'Grace', last_name: 'Hopper', role: 'agent', password });
      expect(created).toMatchObject({ email, first_name: 'Grace', last_name: 'Hopper', role: 'agent', is_active: true });
      expect((await stranger().auth.login({ email, password })).user.id).toBe(created.id);

      await expect(admin.users.create({ email })).rejects.toBeInstanceOf(ConflictError);
      await expect((await as('manager')).users.create({ email: newEmail() })).rejects.toBeInstanceOf(PermissionDeniedError);
    });

    it('gets the users the caller may see, and 404s the others', async () => {
      const agent = await as('agent');
      expect(await agent.users.get(api.world.users.customer2)).toMatchObject({ id: api.world.users.customer2, email: 'customer2@world.test' });
      const customer = await as('customer');
      expect((await customer.users.get(api.world.users.agent)).id).toBe(api.world.users.agent);
      await expect(customer.users.get(api.world.users.customer2)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lets admins change anything and others only their own profile', async () => {
      const account = await createAccount(api, { role: 'customer' });
      const admin = await as('admin');
      const promoted = await admin.users.update(account.id, { role: 'agent', department_id: api.world.ids.support! });
      expect(promoted).toMatchObject({ id: account.id, role: 'agent', department_id: api.world.ids.support });
      expect((await admin.users.get(account.id)).role).toBe('agent');

      const self = await as({ userId: account.id });
      expect(await self.users.update(account.id, { first_name: 'Renamed', phone_number: '+44 20 7946 0000' })).toMatchObject({
        first_name: 'Renamed',
        phone_number: '+44 20 7946 0000',
      });
      await expect(self.users.update(account.id, { role: 'admin' })).rejects.toBeInstanceOf(PermissionDeniedError);
      expect((await admin.users.get(account.id)).role).toBe('agent');
    });
  });

  describe('tf.invitations', () => {
    it('lets a manager invite into their department, lists it for them only, and the invitee accepts without credentials', async () => {
      const manager = await as('manager');
      const email = newEmail();
      const invitation = await manager.invitations.create({ email, role: 'agent' });
      expect(invitation).toMatchObject({ email, role: 'agent', department_id: api.world.ids.support, invited_by: api.world.users.manager, status: 'pending' });
      expect(invitation.token).toBe(lastMailTo(api, email).token);

      const listed = await manager.invitations.list({ email, status: 'pending' });
      expect(listed.data.map((i) => i.id)).toEqual([invitation.id]);
      expect((await (await as('agent')).invitations.list()).data).toEqual([]);

      const from = sent.length;
      const tokens = await stranger().invitations.accept({ token: invitation.token, password: 'my chosen password', first_name: 'Ada', last_name: 'Lovelace' });
      expect(authorizationsTo('/v1/invitations/accept', from)).toEqual([null]);
      expect(tokens.user).toMatchObject({ email, role: 'agent', department_id: api.world.ids.support, first_name: 'Ada', last_name: 'Lovelace' });
      expect((await withToken(tokens.access_token).auth.me()).id).toBe(tokens.user.id);
      expect((await manager.invitations.list({ email })).data[0]).toMatchObject({ id: invitation.id, status: 'accepted' });

      await expect(stranger().invitations.accept({ token: invitation.token, password: 'my chosen password', first_name: 'Ada', last_name: 'L' })).rejects.toBeInstanceOf(
        UnprocessableEntityError,
      );
    });

    it('lets the sender cancel a pending invitation once; others cannot see it', async () => {
      const manager = await as('manager');
      const invitation = await manager.invitations.create({ email: newEmail(), role: 'customer' });
      await expect((await as('agent')).invitations.cancel(invitation.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await manager.invitations.cancel(invitation.id)).toMatchObject({ id: invitation.id, status: 'cancelled' });
      await expect(manager.invitations.cancel(invitation.id)).rejects.toBeInstanceOf(ConflictError);
      await expect(
        stranger().invitations.accept({ token: invitation.token, password: 'my chosen password', first_name: 'Too', last_name: 'Late' }),
      ).rejects.toBeInstanceOf(UnprocessableEntityError);
    });
  });

  describe('tf.apiKeys', () => {
    it('creates a key that acts as its user, lists and gets it, and revokes it for good', async () => {
      const agent = await as('agent');
      const created = await agent.apiKeys.create({ name: 'SDK bot', scopes: ['tickets:read'] });
      expect(created).toMatchObject({ name: 'SDK bot', scopes: ['tickets:read'], user_id: api.world.users.agent, revoked_at: null });
      expect(created.key.startsWith(created.prefix)).toBe(true);
      const asKey = withApiKey(created.key);
      expect((await asKey.auth.me()).id).toBe(api.world.users.agent);

      const mine: string[] = [];
      for await (const key of agent.apiKeys.list({ user_id: api.world.users.agent, limit: 1 })) mine.push(key.id);
      expect(mine).toContain(created.id);
      const got = await agent.apiKeys.get(created.id);
      expect(got).toMatchObject({ id: created.id, name: 'SDK bot', prefix: created.prefix });
      expect(got).not.toHaveProperty('key');
      expect((await (await as('customer')).apiKeys.list()).data).toEqual([]);
      await expect((await as('customer')).apiKeys.get(created.id)).rejects.toBeInstanceOf(NotFoundError);

      await agent.apiKeys.revoke(created.id);
      await expect(asKey.auth.me()).rejects.toBeInstanceOf(AuthenticationError);
      expect((await agent.apiKeys.get(created.id)).revoked_at).not.toBeNull();
      expect((await agent.apiKeys.list({ is_revoked: true, user_id: api.world.users.agent })).data.map((k) => k.id)).toContain(created.id);
      await expect(agent.apiKeys.revoke(created.id)).resolves.toBeUndefined();
    });

    it('refuses keys to customers and revoking what the caller may only see', async () => {
      await expect((await as('customer')).apiKeys.create({ name: 'nope', scopes: ['kb:read'] })).rejects.toBeInstanceOf(PermissionDeniedError);
      const forAgent = await (await as('admin')).apiKeys.create({ name: 'issued to agent', scopes: ['kb:read'], user_id: api.world.users.agent });
      await expect((await as('agent')).apiKeys.revoke(forAgent.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      expect((await (await as('admin')).apiKeys.get(forAgent.id)).revoked_at).toBeNull();
    });
  });

  describe('tf.auth', () => {
    it('logs in, refreshes and logs out without sending credentials', async () => {
      const account = await createAccount(api, { role: 'agent' });
      const anonymous = stranger();
      const from = sent.length;
      await expect(anonymous.auth.login({ email: account.email, password: 'not the password' })).rejects.toBeInstanceOf(AuthenticationError);
      const tokens = await anonymous.auth.login({ email: account.email.toUpperCase(), password: account.password });
      expect(tokens).toMatchObject({ token_type: 'Bearer', user: { id: account.id, email: account.email, role: 'agent' } });
      expect((await withToken(tokens.access_token).auth.me()).id).toBe(account.id);

      const renewed = await anonymous.auth.refresh({ refresh_token: tokens.refresh_token });
      expect(renewed.user.id).toBe(account.id);
      expect(renewed.refresh_token).not.toBe(tokens.refresh_token);
      await anonymous.auth.logout({ refresh_token: renewed.refresh_token });
      await expect(anonymous.auth.refresh({ refresh_token: renewed.refresh_token })).rejects.toBeInstanceOf(AuthenticationError);

      expect(authorizationsTo('/v1/auth/login', from)).toEqual([null, null]);
      expect(authorizationsTo('/v1/auth/refresh', from)).toEqual([null, null]);
      expect(authorizationsTo('/v1/auth/logout', from)).toEqual([null]);
    });

    it('resets a forgotten password with the emailed token, once', async () => {
      const account = await createAccount(api);
      const anonymous = stranger();
      const from = sent.length;
      const mails = api.mailbox.messages.length;
      await anonymous.auth.requestPasswordReset({ email: account.email });
      expect(api.mailbox.messages).toHaveLength(mails + 1);
      const { token } = lastMailTo(api, account.email);

      const newPassword = 'a brand new passphrase';
      await expect(anonymous.auth.confirmPasswordReset({ token, new_password: newPassword })).resolves.toBeUndefined();
      expect((await anonymous.auth.login({ email: account.email, password: newPassword })).user.id).toBe(account.id);
      await expect(anonymous.auth.login({ email: account.email, password: account.password })).rejects.toBeInstanceOf(AuthenticationError);
      await expect(anonymous.auth.confirmPasswordReset({ token, new_password: 'yet another passphrase' })).rejects.toBeInstanceOf(UnprocessableEntityError);

      // An unknown address gets the same answer and no mail.
      await anonymous.auth.requestPasswordReset({ email: newEmail() });
      expect(api.mailbox.messages).toHaveLength(mails + 1);
      expect(authorizationsTo('/v1/auth/password-reset', from)).toEqual([null, null]);
      expect(authorizationsTo('/v1/auth/password-reset/confirm', from)).toEqual([null, null]);
    });

    it('changes the password with the current one, sending the access token', async () => {
      const account = await createAccount(api);
      const tokens = await stranger().auth.login({ email: account.email, password: account.password });
      const self = withToken(tokens.access_token);
      await expect(self.auth.changePassword({ current_password: 'not the password', new_password: 'a changed passphrase' })).rejects.toBeInstanceOf(
        PermissionDeniedError,
      );
      const from = sent.length;
      await expect(self.auth.changePassword({ current_password: account.password, new_password: 'a changed passphrase' })).resolves.toBeUndefined();
      expect(authorizationsTo('/v1/auth/password', from)).toEqual([`Bearer ${tokens.access_token}`]);
      expect((await stranger().auth.login({ email: account.email, password: 'a changed passphrase' })).user.id).toBe(account.id);
      await expect(stranger().auth.login({ email: account.email, password: account.password })).rejects.toBeInstanceOf(AuthenticationError);
    });

    it('reads and updates the current user', async () => {
      const account = await createAccount(api, { firstName: 'Before' });
      const self = await as({ userId: account.id });
      expect(await self.auth.me()).toMatchObject({ id: account.id, email: account.email, first_name: 'Before' });

      const username = `sdk.${randomBytes(4).toString('hex')}`;
      const updated = await self.auth.updateMe({ first_name: 'After', username, preferences: { theme: 'dark' } });
      expect(updated).toMatchObject({ id: account.id, first_name: 'After', username, preferences: { theme: 'dark' } });
      expect(await self.auth.me()).toMatchObject({ first_name: 'After', username });

      const other = await createAccount(api);
      await expect((await as({ userId: other.id })).auth.updateMe({ username })).rejects.toBeInstanceOf(ConflictError);
    });
  });
});
