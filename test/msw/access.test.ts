/**
 * API keys, invitations, password resets and changes, the mailbox and the audit log against the
 * mock through the SDK: who may do what, the emails the server would send, tokens that work once
 * and expire by the mock clock, the lockout, and the audit entries the server writes for each.
 */
import { describe, expect, it } from 'vitest';
import { AuthenticationError, Ticketflow } from '../../src/index.js';
import type { components } from '../../src/generated/api.js';
import { failure, useMock } from './support.js';

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('access on the mock', () => {
  const { mock, client } = useMock({ scenario: 'demo' });
  const id = (key: string) => mock().user(key).id;
  /** A client for the anonymous operations: the SDK wants a credential, and sends none to those. */
  const anonymous = () => new Ticketflow({ baseUrl: mock().baseUrl, apiKey: `tf_nothing1_${'0'.repeat(40)}` });
  const withToken = (token: string) => new Ticketflow({ baseUrl: mock().baseUrl, accessToken: token });
  const auditOf = async (userId: string, eventTypes?: components['schemas']['AuditLogEventType'][]) =>
    (await all(client('admin').auditLogs.list({ user_id: userId, ...(eventTypes ? { event_type: eventTypes } : {}) }))).map((entry) => [entry.event_type, entry.status, entry.actor_id, entry.metadata]);

  describe('API keys', () => {
    it('shows a new key once, acts as its user within its scopes, and stops when revoked', async () => {
      const agent = client('agent');
      const created = await agent.apiKeys.create({ name: ' Bot ', scopes: ['tickets:read'] });
      expect(created).toMatchObject({ name: 'Bot', scopes: ['tickets:read'], user_id: id('agent'), created_by: id('agent'), revoked_at: null, last_used_at: null });
      expect(created.key).toMatch(new RegExp(`^${created.prefix}_[A-Za-z0-9]{40}$`));
      const asKey = withToken(created.key);
      expect((await asKey.auth.me()).id).toBe(id('agent'));
      expect((await agent.apiKeys.get(created.id)).last_used_at).toBe(mock().clock.now().toISOString());
      const scope = await failure(asKey.tickets.create({ title: 'Not with this key' }));
      expect([scope.status, scope.code]).toEqual([403, 'insufficient_scope']);

      expect((await client('agent2').apiKeys.list()).data).toEqual([]);
      expect((await failure(client('customer').apiKeys.get(created.id))).status).toBe(404);
      await agent.apiKeys.revoke(created.id);
      await expect(asKey.auth.me()).rejects.toBeInstanceOf(AuthenticationError);
      await agent.apiKeys.revoke(created.id);
      expect((await agent.apiKeys.list({ is_revoked: true })).data.map((key) => key.id)).toEqual([created.id]);
      expect(await auditOf(id('agent'), ['api_key_created', 'api_key_revoked'])).toEqual([
        ['api_key_revoked', 'success', id('agent'), { prefix: created.prefix, api_key_id: created.id }],
        ['api_key_created', 'success', id('agent'), { name: 'Bot', prefix: created.prefix, scopes: ['tickets:read'], api_key_id: created.id }],
      ]);
    });

    it('refuses keys to customers, for others unless admin, from keys, and in the past', async () => {
      const customer = await failure(client('customer').apiKeys.create({ name: 'nope', scopes: ['kb:read'] }));
      expect([customer.status, customer.problem?.detail]).toEqual([403, 'You may not make this change.']);
      expect((await failure(client('agent').apiKeys.create({ name: 'x', scopes: ['kb:read'], user_id: id('agent2') }))).status).toBe(403);
      const past = await failure(client('agent').apiKeys.create({ name: 'x', scopes: ['kb:read'], expires_at: '2001-01-01T00:00:00Z' }));
      expect(past.problem?.errors).toEqual([{ location: 'body', path: 'expires_at', message: 'must be in the future' }]);
      const repeated = await failure(client('agent').apiKeys.create({ name: 'x', scopes: ['kb:read', 'kb:read'] }));
      expect(repeated.problem?.errors).toEqual([{ location: 'body', path: 'scopes', message: 'must not repeat a scope' }]);
      const { key } = mock().seed.apiKey({ user: 'admin', scopes: ['admin'] });
      const minted = await failure(withToken(key).apiKeys.create({ name: 'x', scopes: ['kb:read'] }));
      expect(minted.problem?.detail).toBe('API keys cannot create API keys; log in as a user to create one.');

      const issued = await client('admin').apiKeys.create({ name: 'service', scopes: ['kb:read'], user_id: id('agent') });
      expect((await client('agent').apiKeys.get(issued.id)).created_by).toBe(id('admin'));
      expect((await failure(client('agent').apiKeys.revoke(issued.id))).problem?.detail).toBe('Only admins and whoever created a key may revoke it.');
      expect(mock().db.auditLogs.where((entry) => entry.event_type === 'api_key_created').map((entry) => entry.user_id)).toEqual([id('agent')]);
    });
  });

  describe('invitations', () => {
    it('mails the invitee a token that creates their account once', async () => {
      const manager = client('manager');
      const invitation = await manager.invitations.create({ email: ' Grace@Example.com ', role: 'agent' });
      expect(invitation).toMatchObject({ email: 'Grace@Example.com', role: 'agent', department_id: mock().user('manager').department_id, invited_by: id('manager'), status: 'pending' });
      expect(mock().mailbox).toEqual([
        {
          to: 'Grace@Example.com',
          subject: 'You are invited to Ticketflow',
          text: expect.stringContaining(`You are invited to join Ticketflow as an agent.\n\nInvitation token: ${invitation.token}\n`) as string,
          token: invitation.token,
          sent_at: invitation.created_at,
        },
      ]);
      expect(mock().db.notifications.all().at(-1)).toMatchObject({ user_id: id('manager'), type: 'invitation', channel: 'email', title: 'Invitation sent to Grace@Example.com' });
      expect((await client('agent').invitations.list()).data).toEqual([]);
      expect((await failure(manager.invitations.create({ email: 'grace@example.com', role: 'customer' }))).status).toBe(409);

      const tokens = await anonymous().invitations.accept({ token: invitation.token, password: 'my chosen password', first_name: ' Grace ', last_name: 'Hopper' });
      expect(tokens.user).toMatchObject({ email: 'Grace@Example.com', role: 'agent', first_name: 'Grace', is_approved: true, is_email_verified: true });
      expect((await withToken(tokens.access_token).auth.me()).id).toBe(tokens.user.id);
      expect(mock().calls('invitations.accept')[0]).toMatchObject({ status: 201 });
      const again = await failure(anonymous().invitations.accept({ token: invitation.token, password: 'my chosen password', first_name: 'G', last_name: 'H' }));
      expect([again.status, again.problem?.detail, again.problem?.errors]).toEqual([
        422,
        'This invitation was already accepted; log in instead.',
        [{ location: 'body', path: 'token', message: 'was already used' }],
      ]);
      // Written in one transaction, at one time: the server orders them by their random ids.
      const accepted = await auditOf(tokens.user.id);
      expect(accepted).toHaveLength(2);
      expect(accepted).toEqual(
        expect.arrayContaining([
          ['login', 'success', tokens.user.id, { via: 'invitation' }],
          ['invitation_accepted', 'success', tokens.user.id, { role: 'agent', invited_by: id('manager'), invitation_id: invitation.id }],
        ]),
      );
    });

    it('lets only managers within their department and admins invite, and the sender cancel', async () => {
      const manager = client('manager');
      const role = await failure(manager.invitations.create({ email: 'boss@example.com', role: 'admin' }));
      expect([role.status, role.problem?.detail]).toEqual([403, 'You may not make this change.']);
      expect((await failure(manager.invitations.create({ email: 'x@example.com', role: 'agent', department_id: mock().user('agent2').department_id }))).status).toBe(403);
      expect((await failure(client('admin').invitations.create({ email: 'CUSTOMER@example.com', role: 'customer' }))).problem?.detail).toBe('A user with this email already exists.');
      const badEmail = await failure(client('admin').invitations.create({ email: 'a@b.c', role: 'agent' }));
      expect(badEmail.problem?.errors).toEqual([{ location: 'body', path: 'email', message: 'must be an email address' }]);

      const byAdmin = await client('admin').invitations.create({ email: 'ops@example.com', role: 'customer', department_id: mock().user('manager').department_id });
      expect((await manager.invitations.list()).data.map((each) => each.id)).toEqual([byAdmin.id]);
      expect((await failure(manager.invitations.cancel(byAdmin.id))).problem?.detail).toBe('Only admins and the manager who sent an invitation may cancel it.');
      expect((await failure(client('agent').invitations.cancel(byAdmin.id))).status).toBe(404);
      expect(await client('admin').invitations.cancel(byAdmin.id)).toMatchObject({ status: 'cancelled' });
      const twice = await failure(client('admin').invitations.cancel(byAdmin.id));
      expect([twice.status, twice.code, twice.problem?.detail]).toEqual([409, 'invalid_transition', 'The invitation is cancelled; only a pending invitation can be cancelled.']);
    });

    it('expires after seven days of mock time', async () => {
      const admin = client('admin');
      const invitation = await admin.invitations.create({ email: 'late@example.com', role: 'customer' });
      mock().clock.advance(7 * 24 * 3600 * 1000);
      const admin2 = client('admin');
      expect((await admin2.invitations.list({ status: 'expired' })).data.map((each) => each.id)).toEqual([invitation.id]);
      expect((await failure(admin2.invitations.cancel(invitation.id))).problem?.detail).toBe('The invitation is expired; only a pending invitation can be cancelled.');
      const late = await failure(anonymous().invitations.accept({ token: invitation.token, password: 'my chosen password', first_name: 'L', last_name: 'A' }));
      expect(late.problem?.detail).toBe('This invitation has expired; ask for a new one.');
      // The expired one no longer holds the address.
      expect((await admin2.invitations.create({ email: 'late@example.com', role: 'customer' })).status).toBe('pending');
    });
  });

  describe('passwords', () => {
    it('mails a reset token that sets a new password once, ends sessions and lockouts, and expires in an hour', async () => {
      const session = mock().as('customer');
      for (let attempt = 0; attempt < 5; attempt += 1) await expect(anonymous().auth.login({ email: 'customer@example.com', password: 'wrong' })).rejects.toThrow();
      expect(mock().user('customer').locked_until).not.toBeNull();

      const answer = await anonymous().auth.requestPasswordReset({ email: ' CUSTOMER@example.com ' });
      expect(answer).toEqual({ message: 'If an active account uses this address, a link to reset its password is on its way.' });
      expect(await anonymous().auth.requestPasswordReset({ email: 'nobody@example.com' })).toEqual(answer);
      expect(mock().mailbox.map((mail) => [mail.to, mail.subject])).toEqual([['customer@example.com', 'Reset your Ticketflow password']]);
      const { token, text } = mock().mailbox[0]!;
      expect(text).toContain(`Reset token: ${token}\n\nSend it with your new password to POST /v1/auth/password-reset/confirm within 60 minutes; it works once.`);

      const short = await failure(anonymous().auth.confirmPasswordReset({ token, new_password: 'short' }));
      expect(short.problem?.errors).toEqual([{ location: 'body', path: 'new_password', message: 'must be at least 12 characters' }]);
      await anonymous().auth.confirmPasswordReset({ token, new_password: 'a brand new passphrase' });
      expect(mock().user('customer').locked_until).toBeNull();
      expect((await anonymous().auth.login({ email: 'customer@example.com', password: 'a brand new passphrase' })).user.id).toBe(id('customer'));
      await expect(anonymous().auth.refresh({ refresh_token: session.refreshToken })).rejects.toBeInstanceOf(AuthenticationError);
      const used = await failure(anonymous().auth.confirmPasswordReset({ token, new_password: 'yet another passphrase' }));
      expect([used.status, used.problem?.detail]).toEqual([422, 'This reset link is invalid, expired or already used; ask for a new one.']);

      await anonymous().auth.requestPasswordReset({ email: 'customer@example.com' });
      mock().clock.advance(3600 * 1000);
      const expired = await failure(anonymous().auth.confirmPasswordReset({ token: mock().mailbox.at(-1)!.token, new_password: 'yet another passphrase' }));
      expect(expired.status).toBe(422);
      expect((await auditOf(id('customer'), ['password_reset_request', 'password_reset_complete'])).map(([event, status]) => [event, status])).toEqual([
        ['password_reset_request', 'success'],
        ['password_reset_complete', 'success'],
        ['password_reset_request', 'success'],
      ]);
    });

    it('changes a password with the current one, keeping the caller’s session only; a wrong one counts towards the lockout', async () => {
      const mine = await anonymous().auth.login({ email: 'agent@example.com', password: 'ticketflow-demo' });
      const other = mock().as('agent');
      const self = withToken(mine.access_token);
      const wrong = await failure(self.auth.changePassword({ current_password: 'nope', new_password: 'a changed passphrase' }));
      expect([wrong.status, wrong.problem?.detail]).toEqual([403, 'The current password is wrong.']);
      expect(mock().db.users.get(id('agent'))?.failed_login_attempts).toBe(1);
      const { key } = mock().seed.apiKey({ user: 'agent' });
      expect((await failure(withToken(key).auth.changePassword({ current_password: 'ticketflow-demo', new_password: 'a changed passphrase' }))).status).toBe(403);

      await self.auth.changePassword({ current_password: 'ticketflow-demo', new_password: 'a changed passphrase' });
      expect((await anonymous().auth.refresh({ refresh_token: mine.refresh_token })).user.id).toBe(id('agent'));
      await expect(anonymous().auth.refresh({ refresh_token: other.refreshToken })).rejects.toBeInstanceOf(AuthenticationError);
      expect(mock().calls('auth.changePassword').map((call) => call.status)).toEqual([403, 403, 204]);

      for (let attempt = 0; attempt < 5; attempt += 1) await failure(withToken(mock().as('agent').accessToken).auth.changePassword({ current_password: 'nope', new_password: 'a changed passphrase' }));
      expect(mock().user('agent').locked_until).not.toBeNull();
      const locked = mock().db.auditLogs.where((entry) => entry.event_type === 'account_locked');
      expect(locked.map((entry) => [entry.user_id, entry.actor_id, entry.message])).toEqual([[id('agent'), null, 'locked after 5 wrong passwords in a row']]);
    });
  });

  describe('audit log', () => {
    it('shows logins, failures and role changes to admins only, with the server’s filters', async () => {
      const bob = mock().seed.user({ key: 'bob', role: 'customer' });
      await expect(anonymous().auth.login({ email: 'bob@example.com', password: 'wrong' })).rejects.toBeInstanceOf(AuthenticationError);
      await expect(anonymous().auth.login({ email: 'ghost@example.com', password: 'wrong' })).rejects.toBeInstanceOf(AuthenticationError);
      await anonymous().auth.login({ email: 'bob@example.com', password: 'ticketflow-demo' });
      await client('admin').users.update(bob.id, { role: 'agent' });

      expect(await auditOf(bob.id)).toEqual([
        ['role_changed', 'success', id('admin'), { new_role: 'agent', old_role: 'customer' }],
        ['login', 'success', bob.id, {}],
        ['login_failed', 'failure', null, { reason: 'wrong_password' }],
      ]);
      const unknown = await client('admin').auditLogs.list({ event_type: ['login_failed'], status: 'failure' });
      expect(unknown.data.map((entry) => [entry.user_id, entry.metadata])).toEqual([
        [null, { email: 'ghost@example.com', reason: 'unknown_email' }],
        [bob.id, { reason: 'wrong_password' }],
      ]);
      const before = await client('admin').auditLogs.list({ user_id: bob.id, created_before: mock().db.auditLogs.all().at(-1)!.created_at });
      expect(before.data.map((entry) => entry.event_type)).toEqual(['login', 'login_failed']);

      const agent = await failure(client('agent').auditLogs.list());
      expect([agent.status, agent.problem?.detail]).toEqual([403, 'Only admins may use the audit log.']);
      const bad = await failure(client('admin').auditLogs.list({ event_type: ['nope' as never] }));
      // One value or several: the server's schema is a union, whose failure zod words this way.
      expect(bad.problem?.errors).toEqual([{ location: 'query', path: 'event_type', message: 'Invalid input' }]);
      const status = await failure(client('admin').auditLogs.list({ status: 'meh' as never }));
      expect(status.problem?.errors).toEqual([{ location: 'query', path: 'status', message: 'must be one of success, failure, blocked, warning' }]);
    });

    it('keeps nothing of a request that failed, and starts empty again on reset', async () => {
      await failure(client('admin').invitations.create({ email: 'customer@example.com', role: 'customer' }));
      expect([mock().mailbox, mock().db.auditLogs.all(), mock().db.invitations.all()]).toEqual([[], [], []]);
      await client('admin').invitations.create({ email: 'new@example.com', role: 'customer' });
      expect(mock().mailbox).toHaveLength(1);
      mock().reset();
      expect([mock().mailbox, mock().db.auditLogs.all()]).toEqual([[], []]);
    });
  });
});
