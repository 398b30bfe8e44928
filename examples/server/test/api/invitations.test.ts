import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../../src/auth/secrets.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { allPages, auditOf, expectNotLogged, lastMailTo, login, MISSING_ID } from './auth-support.js';

describe.each(engines)('invitations over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  const secrets: string[] = [];
  const newEmail = () => `invitee-${randomBytes(4).toString('hex')}@invite.test`;

  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  const invite = async (as: Parameters<ApiHarness['as']>[0], body: Record<string, unknown>) => {
    const res = await api.as(as).post('/v1/invitations', body);
    if (res.status === 201) secrets.push(res.body.token);
    return res;
  };
  const accept = (token: string, overrides: Record<string, unknown> = {}) =>
    api.anonymous().post('/v1/invitations/accept', { token, password: 'my first password', first_name: 'Grace', last_name: 'Hopper', ...overrides });

  describe('createInvitation', () => {
    it('lets admins invite anyone, emails the token and records the email for the sender without it', async () => {
      const email = newEmail();
      const res = await invite('admin', { email, role: 'manager', department_id: api.world.ids.infra });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ email, role: 'manager', department_id: api.world.ids.infra, invited_by: api.world.users.admin, status: 'pending', accepted_at: null });
      expect(new Date(res.body.expires_at).getTime()).toBe(api.clock.now().getTime() + api.auth.invitationTtlSeconds * 1000);
      expect(lastMailTo(api, email).token).toBe(res.body.token);

      const { rows } = await api.db.query<{ token_hash: string }>('select token_hash from user_invitations where id = $1', [res.body.id]);
      expect(rows[0]!.token_hash).toBe(sha256Hex(res.body.token));
      const { rows: notes } = await api.db.query<{ type: string; channel: string; status: string; title: string; body: string; metadata: unknown }>(
        "select type::text, channel::text, status::text, title, body, metadata from notifications where user_id = $1 and type = 'invitation'",
        [api.world.users.admin],
      );
      expect(notes).toEqual([expect.objectContaining({ channel: 'email', status: 'sent', metadata: { invitation_id: res.body.id, email } })]);
      expect(JSON.stringify(notes)).not.toContain(res.body.token);
      expect(await auditOf(api, api.world.users.admin, 'user_invited')).toEqual([
        expect.objectContaining({ actor_id: api.world.users.admin, metadata: expect.objectContaining({ invitation_id: res.body.id, email }) }),
      ]);
    });

    it('lets managers invite customers and agents into their own department only (the database decides)', async () => {
      const defaulted = await invite('manager', { email: newEmail(), role: 'agent' });
      expect(defaulted.status).toBe(201);
      expect(defaulted.body.department_id).toBe(api.world.ids.support);
      expect((await invite('manager', { email: newEmail(), role: 'customer', department_id: api.world.ids.support })).status).toBe(201);

      for (const body of [
        { email: newEmail(), role: 'agent', department_id: api.world.ids.infra },
        { email: newEmail(), role: 'manager' },
        { email: newEmail(), role: 'admin', department_id: api.world.ids.support },
        { email: newEmail(), role: 'agent', department_id: null },
      ]) {
        const res = await invite('manager', body);
        expect(res.status, JSON.stringify(body)).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      for (const role of ['agent', 'customer'] as const) {
        const email = newEmail();
        const mails = api.mailbox.messages.length;
        expect((await invite(role, { email, role: 'customer' })).status).toBe(403);
        // Nothing was committed, so nothing was sent.
        expect(api.mailbox.messages).toHaveLength(mails);
      }
    });

    it('refuses an address with an account or a pending invitation, and frees it once cancelled or expired', async () => {
      const taken = await invite('admin', { email: 'Agent@World.test', role: 'agent' });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('conflict');

      const email = newEmail();
      const first = await invite('admin', { email, role: 'customer' });
      const again = await invite('admin', { email: email.toUpperCase(), role: 'customer' });
      expect(again.status).toBe(409);
      expect((await api.as('admin').post(`/v1/invitations/${first.body.id}/cancel`)).status).toBe(200);
      api.clock.advance(1);
      const third = await invite('admin', { email, role: 'customer' });
      expect(third.status).toBe(201);

      api.clock.advance(api.auth.invitationTtlSeconds + 1);
      const afterExpiry = await invite('admin', { email, role: 'agent' });
      expect(afterExpiry.status).toBe(201);
      const list = await api.as('admin').get(`/v1/invitations?email=${encodeURIComponent(email)}`);
      expect(list.body.data.map((i: { status: string }) => i.status)).toEqual(['pending', 'expired', 'cancelled']);
    });

    it('replays a create with the same Idempotency-Key without sending a second email', async () => {
      const email = newEmail();
      const headers = { 'idempotency-key': `invite-${email}` };
      const first = await api.as('admin').post('/v1/invitations', { email, role: 'customer' }, { headers });
      secrets.push(first.body.token);
      const mails = api.mailbox.messages.length;
      const replay = await api.as('admin').post('/v1/invitations', { email, role: 'customer' }, { headers });
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.id).toBe(first.body.id);
      expect(api.mailbox.messages).toHaveLength(mails);
    });

    it('answers bad input with 4xx problems', async () => {
      const admin = api.as('admin');
      const cases: [unknown, string][] = [
        [{}, 'email'],
        [{ email: newEmail() }, 'role'],
        [{ email: 'nope', role: 'agent' }, 'email'],
        [{ email: newEmail(), role: 'root' }, 'role'],
        [{ email: newEmail(), role: 'agent', department_id: 'support' }, 'department_id'],
        [{ email: newEmail(), role: 'agent', token: 'mine' }, ''],
      ];
      for (const [body, path] of cases) {
        const res = await admin.post('/v1/invitations', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      expect((await admin.post('/v1/invitations', { email: newEmail(), role: 'agent', department_id: MISSING_ID })).status).toBe(422);
      expect((await admin.request('POST', '/v1/invitations', { raw: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
      expect((await admin.request('POST', '/v1/invitations', { raw: 'a', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
      expect((await api.anonymous().post('/v1/invitations', { email: newEmail(), role: 'agent' })).status).toBe(401);
    });
  });

  describe('listInvitations', () => {
    it('shows admins everything, managers theirs and their department’s, and others nothing', async () => {
      const { supportInvite, infraInvite } = api.world.rows.user_invitations!;
      const ids = async (role: 'admin' | 'manager' | 'agent' | 'customer') => {
        const res = await api.as(role).get('/v1/invitations?limit=100');
        expect(res.status).toBe(200);
        return res.body.data.map((i: { id: string }) => i.id);
      };
      expect(await ids('admin')).toEqual(expect.arrayContaining([supportInvite!.params[0], infraInvite!.params[0]]));
      const managers = await ids('manager');
      expect(managers).toContain(supportInvite!.params[0]);
      expect(managers).not.toContain(infraInvite!.params[0]);
      expect(await ids('agent')).toEqual([]);
      expect(await ids('customer')).toEqual([]);
    });

    it('pages newest first and filters by status', async () => {
      for (let i = 0; i < 3; i++) await invite('admin', { email: newEmail(), role: 'customer' });
      const pages = await allPages<{ id: string; created_at: string }>(api.as('admin'), '/v1/invitations?limit=2');
      const seen = pages.map((i) => i.id);
      const created = pages.map((i) => i.created_at);
      expect(new Set(seen).size).toBe(seen.length);
      expect(created).toEqual([...created].sort().reverse());
      const total = (await api.as('admin').get('/v1/invitations?limit=100')).body.data.length;
      expect(seen).toHaveLength(total);

      for (const status of ['pending', 'expired', 'cancelled', 'accepted']) {
        const res = await api.as('admin').get(`/v1/invitations?status=${status}&limit=100`);
        expect(res.status).toBe(200);
        expect(res.body.data.every((i: { status: string }) => i.status === status), status).toBe(true);
      }
    });

    it('answers bad input with 4xx problems', async () => {
      for (const query of ['status=lost', 'limit=0', 'email=', 'who=me']) {
        expect((await api.as('admin').get(`/v1/invitations?${query}`)).status, query).toBe(400);
      }
      const first = await api.as('admin').get('/v1/invitations?limit=1');
      expect((await api.as('admin').get(`/v1/invitations?status=pending&cursor=${encodeURIComponent(first.body.next_cursor)}`)).body.code).toBe('invalid_cursor');
    });
  });

  describe('cancelInvitation', () => {
    it('lets the sender (or an admin) cancel a pending invitation, once', async () => {
      const mine = await invite('manager', { email: newEmail(), role: 'agent' });
      const cancelled = await api.as('manager').post(`/v1/invitations/${mine.body.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id: mine.body.id, status: 'cancelled' });
      const twice = await api.as('manager').post(`/v1/invitations/${mine.body.id}/cancel`);
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe('invalid_transition');
      const refused = await accept(mine.body.token);
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toMatch(/cancelled/);

      const byAdmin = await invite('manager', { email: newEmail(), role: 'customer' });
      expect((await api.as('admin').post(`/v1/invitations/${byAdmin.body.id}/cancel`)).status).toBe(200);
    });

    it('tells 403 from 404 by what the caller may see', async () => {
      // The admin's invitation into the manager's department: visible to the manager, not theirs to cancel.
      const adminsInvite = await invite('admin', { email: newEmail(), role: 'agent', department_id: api.world.ids.support });
      expect((await api.as('manager').post(`/v1/invitations/${adminsInvite.body.id}/cancel`)).status).toBe(403);
      const infraInvite = api.world.rows.user_invitations!.infraInvite!.params[0] as string;
      expect((await api.as('manager').post(`/v1/invitations/${infraInvite}/cancel`)).status).toBe(404);
      expect((await api.as('agent').post(`/v1/invitations/${adminsInvite.body.id}/cancel`)).status).toBe(404);
      expect((await api.as('customer').post(`/v1/invitations/${adminsInvite.body.id}/cancel`)).status).toBe(404);
      expect((await api.as('admin').post(`/v1/invitations/${MISSING_ID}/cancel`)).status).toBe(404);
      const bad = await api.as('admin').post('/v1/invitations/not-an-id/cancel');
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ location: 'path', path: 'invitation_id' });
      expect((await api.as('admin').get(`/v1/invitations?limit=100`)).body.data.find((i: { id: string }) => i.id === adminsInvite.body.id).status).toBe('pending');
    });

    it('refuses accepted and expired invitations', async () => {
      const accepted = await invite('admin', { email: newEmail(), role: 'customer' });
      const tokens = await accept(accepted.body.token);
      secrets.push(tokens.body.refresh_token, tokens.body.access_token);
      expect((await api.as('admin').post(`/v1/invitations/${accepted.body.id}/cancel`)).body.detail).toMatch(/accepted/);
      const expiring = await invite('admin', { email: newEmail(), role: 'customer' });
      api.clock.advance(api.auth.invitationTtlSeconds);
      const expired = await api.as('admin').post(`/v1/invitations/${expiring.body.id}/cancel`);
      expect(expired.status).toBe(409);
      expect(expired.body.detail).toMatch(/expired/);
    });
  });

  describe('acceptInvitation', () => {
    it('creates the account with the invited role and department, logs it in, and audits it', async () => {
      const email = newEmail();
      const invitation = await invite('manager', { email, role: 'agent' });
      const { token } = lastMailTo(api, email);
      const password = 'my chosen password';
      secrets.push(password);
      const res = await accept(token, { password, first_name: 'Grace', last_name: 'Hopper' });
      expect(res.status).toBe(201);
      secrets.push(res.body.refresh_token, res.body.access_token);
      expect(res.headers.get('location')).toBe(`/v1/users/${res.body.user.id}`);
      expect(res.body.user).toMatchObject({
        email,
        role: 'agent',
        department_id: api.world.ids.support,
        first_name: 'Grace',
        last_name: 'Hopper',
        is_approved: true,
        is_email_verified: true,
      });
      const me = await api.withToken(res.body.access_token).get('/v1/auth/me');
      expect(me.body.id).toBe(res.body.user.id);
      expect((await login(api, email, password)).status).toBe(200);

      const listed = await api.as('manager').get(`/v1/invitations?email=${encodeURIComponent(email)}`);
      expect(listed.body.data[0]).toMatchObject({ id: invitation.body.id, status: 'accepted' });
      expect(listed.body.data[0].accepted_at).not.toBeNull();
      expect(await auditOf(api, res.body.user.id, 'invitation_accepted')).toEqual([
        expect.objectContaining({ actor_id: res.body.user.id, metadata: expect.objectContaining({ invitation_id: invitation.body.id, invited_by: api.world.users.manager }) }),
      ]);

      const again = await accept(token);
      expect(again.status).toBe(422);
      expect(again.body.detail).toMatch(/already accepted/);
      expect(again.body.errors[0]).toMatchObject({ location: 'body', path: 'token' });
    });

    it('refuses unknown and expired tokens, and addresses that got an account meanwhile', async () => {
      const unknown = await accept('no-such-invitation-token');
      expect(unknown.status).toBe(422);
      expect(unknown.body.detail).toMatch(/invalid/);

      const expiring = await invite('admin', { email: newEmail(), role: 'customer' });
      api.clock.advance(api.auth.invitationTtlSeconds + 1);
      const expired = await accept(expiring.body.token);
      expect(expired.status).toBe(422);
      expect(expired.body.detail).toMatch(/expired/);

      const email = newEmail();
      const raced = await invite('admin', { email, role: 'customer' });
      await api.as('admin').post('/v1/users', { email });
      const conflict = await accept(raced.body.token);
      expect(conflict.status).toBe(409);
    });

    it('enforces the password policy and the body shape', async () => {
      const email = newEmail();
      const invitation = await invite('admin', { email, role: 'customer' });
      const cases: [Record<string, unknown>, string][] = [
        [{ password: 'short' }, 'password'],
        [{ password: email.toUpperCase() }, 'password'],
        [{ first_name: '' }, 'first_name'],
        [{ first_name: 7 }, 'first_name'],
        [{ role: 'admin' }, ''],
        [{ token: '' }, 'token'],
      ];
      for (const [overrides, path] of cases) {
        const res = await accept(invitation.body.token, overrides);
        expect(res.status, JSON.stringify(overrides)).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      expect((await api.anonymous().post('/v1/invitations/accept', { token: invitation.body.token })).status).toBe(400);
      const anonymous = api.anonymous();
      expect((await anonymous.request('POST', '/v1/invitations/accept', { raw: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
      expect((await anonymous.request('POST', '/v1/invitations/accept', { raw: 'a', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
      // None of that used the invitation up.
      const res = await accept(invitation.body.token);
      expect(res.status).toBe(201);
      secrets.push(res.body.refresh_token, res.body.access_token);
    });
  });

  it('records a failed delivery on the notification, and logs no token', async () => {
    const failing = await createApiHarness(engine, {
      app: {
        mailbox: {
          deliver: (message) => Promise.reject(new Error(`SMTP 554 rejected: ${message.text}`)),
        },
      },
    });
    try {
      const res = await failing.as('admin').post('/v1/invitations', { email: newEmail(), role: 'customer' });
      expect(res.status).toBe(201);
      const { rows } = await failing.db.query<{ status: string; failed_reason: string }>(
        "select status::text, failed_reason from notifications where type = 'invitation'",
      );
      expect(rows).toEqual([expect.objectContaining({ status: 'failed' })]);
      expect(rows[0]!.failed_reason).not.toContain(res.body.token);
      await vi.waitFor(() => expect(failing.logger.entries.some((e) => e.message === 'email delivery failed')).toBe(true));
      expectNotLogged(failing, [res.body.token]);
    } finally {
      await failing.close();
    }
  });

  it('never writes a password or token to the logs', () => {
    expect(secrets.length).toBeGreaterThan(10);
    expectNotLogged(api, secrets);
  });
});
