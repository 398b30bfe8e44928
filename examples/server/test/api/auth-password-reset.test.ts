import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../../src/auth/secrets.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { auditOf, comparable, createAccount, expectNotLogged, lastMailTo, login } from './auth-support.js';

describe.each(engines)('password resets over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  const secrets: string[] = [];

  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  const requestReset = (email: string) => api.anonymous().post('/v1/auth/password-reset', { email });
  const confirm = (token: string, newPassword: string) =>
    api.anonymous().post('/v1/auth/password-reset/confirm', { token, new_password: newPassword });

  interface NotificationRow {
    type: string;
    channel: string;
    status: string;
    title: string;
    body: string;
    metadata: Record<string, unknown>;
    sent_at: Date | null;
  }
  const notificationsOf = async (userId: string) =>
    (
      await api.db.query<NotificationRow>(
        'select type::text, channel::text, status::text, title, body, metadata, sent_at from notifications where user_id = $1',
        [userId],
      )
    ).rows;

  it('emails a single-use token, records the email without it, and sets the new password', async () => {
    const account = await createAccount(api);
    const before = await login(api, account.email, account.password);
    secrets.push(account.password, before.body.refresh_token, before.body.access_token);
    const mailsBefore = api.mailbox.messages.length;

    const asked = await requestReset(account.email.toUpperCase());
    expect(asked.status).toBe(202);
    expect(api.mailbox.messages).toHaveLength(mailsBefore + 1);
    const { token, text } = lastMailTo(api, account.email);
    secrets.push(token);
    expect(text).toContain('/v1/auth/password-reset/confirm');

    const { rows: resets } = await api.db.query<{ token_hash: string; expires_at: Date }>(
      'select token_hash, expires_at from password_resets where user_id = $1',
      [account.id],
    );
    expect(resets).toEqual([{ token_hash: sha256Hex(token), expires_at: new Date(api.clock.now().getTime() + api.auth.passwordResetTtlSeconds * 1000) }]);

    // Delivery happens after the answer; the notification says when it went out.
    await vi.waitFor(async () => expect((await notificationsOf(account.id))[0]?.status).toBe('sent'));
    const [notification] = await notificationsOf(account.id);
    expect(notification).toMatchObject({ type: 'password_reset', channel: 'email' });
    expect(notification!.sent_at).not.toBeNull();
    expect(JSON.stringify(notification)).not.toContain(token);
    const { rows: anywhere } = await api.db.query(
      "select 1 from notifications n where n.title || n.body || n.metadata::text like '%' || $1 || '%'",
      [token],
    );
    expect(anywhere).toHaveLength(0);

    const newPassword = 'my freshly reset passphrase';
    secrets.push(newPassword);
    const done = await confirm(token, newPassword);
    expect(done.status).toBe(204);
    expect((await login(api, account.email, account.password)).status).toBe(401);
    const after = await login(api, account.email, newPassword);
    expect(after.status).toBe(200);
    expect(after.body.user.is_email_verified).toBe(true);
    secrets.push(after.body.refresh_token, after.body.access_token);
    // Every session from before the reset is over.
    expect((await api.anonymous().post('/v1/auth/refresh', { refresh_token: before.body.refresh_token })).status).toBe(401);
    const { rows: reasons } = await api.db.query<{ revoked_reason: string }>('select revoked_reason from refresh_tokens where token_hash = $1', [
      sha256Hex(before.body.refresh_token),
    ]);
    expect(reasons[0]!.revoked_reason).toBe('password_changed');

    expect(await auditOf(api, account.id, 'password_reset_request')).toEqual([expect.objectContaining({ event_status: 'success' })]);
    expect(await auditOf(api, account.id, 'password_reset_complete')).toEqual([
      expect.objectContaining({ event_status: 'success', actor_id: account.id }),
    ]);
  });

  it('answers the same for unknown and inactive addresses, and sends nothing', async () => {
    const known = await createAccount(api);
    const inactive = await createAccount(api, { isActive: false });
    secrets.push(known.password, inactive.password);
    const mails = api.mailbox.messages.length;
    const forKnown = await requestReset(known.email);
    const forUnknown = await requestReset('nobody-here@auth.test');
    const forInactive = await requestReset(inactive.email);
    expect(forKnown.status).toBe(202);
    expect(comparable(forUnknown)).toEqual(comparable(forKnown));
    expect(comparable(forInactive)).toEqual(comparable(forKnown));
    expect(api.mailbox.messages).toHaveLength(mails + 1);
    secrets.push(lastMailTo(api, known.email).token);
    expect(await notificationsOf(inactive.id)).toHaveLength(0);
    const { rows } = await api.db.query('select 1 from password_resets where user_id = $1', [inactive.id]);
    expect(rows).toHaveLength(0);
    expect((await auditOf(api, null, 'password_reset_request')).map((a) => a.metadata.email)).toContain('nobody-here@auth.test');
  });

  it('accepts a token once, and uses up the other outstanding tokens of the account', async () => {
    const account = await createAccount(api);
    await requestReset(account.email);
    const older = lastMailTo(api, account.email).token;
    await requestReset(account.email);
    const newer = lastMailTo(api, account.email).token;
    secrets.push(account.password, older, newer);
    expect(newer).not.toBe(older);

    expect((await confirm(newer, 'first new password!')).status).toBe(204);
    const again = await confirm(newer, 'second new password!');
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('unprocessable');
    expect(again.body.errors).toEqual([expect.objectContaining({ location: 'body', path: 'token' })]);
    const old = await confirm(older, 'third new password!!');
    expect(old.status).toBe(422);
    expect(old.body.detail).toBe(again.body.detail);
    expect((await login(api, account.email, 'first new password!')).status).toBe(200);
  });

  it('refuses an expired token and an unknown one with the same problem', async () => {
    const account = await createAccount(api);
    await requestReset(account.email);
    const { token } = lastMailTo(api, account.email);
    secrets.push(account.password, token);
    api.clock.advance(api.auth.passwordResetTtlSeconds + 1);
    const expired = await confirm(token, 'too late a password');
    expect(expired.status).toBe(422);
    const unknown = await confirm('no-such-reset-token', 'any long password');
    expect(comparable(unknown)).toEqual(comparable(expired));
    expect((await login(api, account.email, account.password)).status).toBe(200);
  });

  it('ends a lockout and clears the failure count', async () => {
    const account = await createAccount(api);
    secrets.push(account.password);
    for (let i = 0; i < api.auth.maxFailedLogins; i++) await login(api, account.email, 'wrong password here');
    expect((await login(api, account.email, account.password)).status).toBe(401);
    await requestReset(account.email);
    const { token } = lastMailTo(api, account.email);
    secrets.push(token);
    expect((await confirm(token, 'unlocked at last!')).status).toBe(204);
    const res = await login(api, account.email, 'unlocked at last!');
    expect(res.status).toBe(200);
    expect(res.body.user.locked_until).toBeNull();
  });

  it('enforces the password policy without using up the token', async () => {
    const account = await createAccount(api);
    await requestReset(account.email);
    const { token } = lastMailTo(api, account.email);
    secrets.push(account.password, token);
    const short = await confirm(token, 'too short');
    expect(short.status).toBe(400);
    expect(short.body.errors[0]).toMatchObject({ path: 'new_password' });
    const email = await confirm(token, account.email);
    expect(email.status).toBe(400);
    expect(email.body.errors[0]).toMatchObject({ path: 'new_password', message: 'must not be the email address' });
    expect((await confirm(token, 'x'.repeat(257))).status).toBe(400);
    expect((await confirm(token, 'x'.repeat(256))).status).toBe(204);
  });

  it('answers bad input with 4xx problems', async () => {
    const anonymous = api.anonymous();
    for (const body of [{}, { email: '' }, { email: 5 }, { email: 'a@b.co', extra: true }, { email: 'x'.repeat(256) }, 'a@b.co']) {
      const res = await anonymous.post('/v1/auth/password-reset', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    for (const body of [{}, { token: 'x' }, { new_password: 'long enough password' }, { token: '', new_password: 'long enough password' }, { token: 1, new_password: 'long enough password' }, { token: 'x', new_password: 'long enough password', again: 1 }]) {
      const res = await anonymous.post('/v1/auth/password-reset/confirm', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    for (const path of ['/v1/auth/password-reset', '/v1/auth/password-reset/confirm']) {
      expect((await anonymous.request('POST', path, { raw: '{"email"', headers: { 'content-type': 'application/json' } })).body.code).toBe('malformed_request');
      expect((await anonymous.request('POST', path, { raw: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    }
  });

  it('never writes a password or token to the logs', () => {
    expect(secrets.length).toBeGreaterThan(10);
    expectNotLogged(api, secrets);
  });
});

describe.each(engines)('rate limits of the anonymous auth endpoints (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine, { app: { limits: { rateLimit: 100_000, authRateLimit: 3 } } });
  });
  afterAll(() => api.close());

  it('answer 429 with Retry-After once a client address has used its window', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.anonymous().post('/v1/auth/password-reset', { email: 'a@b.co' })).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    // One bucket for every anonymous endpoint, and a made-up Authorization header does not escape it.
    const limited = await api.anonymous().post('/v1/auth/login', { email: 'a@b.co', password: 'whatever' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const disguised = await api.withToken('junk').post('/v1/auth/login', { email: 'a@b.co', password: 'whatever' });
    expect(disguised.status).toBe(429);
    api.clock.advance(61);
    const accepts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const body = { token: 'no-such-invitation', password: 'long enough password', first_name: 'A', last_name: 'B' };
      accepts.push((await api.withToken(`junk-${i}`).post('/v1/invitations/accept', body)).status);
    }
    expect(accepts).toEqual([422, 422, 422, 429]);
  });
});
