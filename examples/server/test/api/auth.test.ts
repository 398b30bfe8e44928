import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/secrets.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { auditOf, comparable, createAccount, expectNotLogged, login } from './auth-support.js';

describe.each(engines)('login, tokens and logout over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  /** Every password and token the tests handle; none may appear in a log line. */
  const secrets: string[] = [];
  const remember = <T extends string>(secret: T) => {
    secrets.push(secret);
    return secret;
  };

  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  describe('login', () => {
    it('answers a token pair and the user, starts a session and audits the login', async () => {
      const account = await createAccount(api, { role: 'agent' });
      remember(account.password);
      const res = await login(api, account.email.toUpperCase(), account.password, { 'user-agent': 'auth-test/1.0' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: api.auth.accessTokenTtlSeconds, refresh_expires_in: api.auth.refreshTokenTtlSeconds });
      expect(res.body.user).toMatchObject({ id: account.id, email: account.email, role: 'agent', locked_until: null });
      expect(res.body.user.last_login_at).not.toBeNull();
      expect(res.body.user).not.toHaveProperty('password_hash');
      remember(res.body.access_token);
      remember(res.body.refresh_token);

      const me = await api.withToken(res.body.access_token).get('/v1/auth/me');
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(account.id);

      const { rows: tokens } = await api.db.query<{ token_hash: string; family_id: string; user_agent: string }>(
        'select token_hash, family_id, user_agent from refresh_tokens where user_id = $1',
        [account.id],
      );
      expect(tokens).toHaveLength(1);
      // Stored as a digest only.
      expect(tokens[0]!.token_hash).toBe(sha256Hex(res.body.refresh_token));
      expect(tokens[0]!.user_agent).toBe('auth-test/1.0');
      const { rows: sessions } = await api.db.query('select refresh_family_id from user_sessions where user_id = $1 and revoked_at is null', [account.id]);
      expect(sessions).toEqual([{ refresh_family_id: tokens[0]!.family_id }]);

      const audits = await auditOf(api, account.id, 'login');
      expect(audits).toHaveLength(1);
      expect(audits[0]).toMatchObject({ event_status: 'success', actor_id: account.id, user_agent: 'auth-test/1.0' });
    });

    it('answers unknown email, wrong password, locked, inactive, unapproved and password-less accounts identically', async () => {
      const wrong = await createAccount(api);
      const inactive = await createAccount(api, { isActive: false });
      const unapproved = await createAccount(api, { isApproved: false });
      const sso = await createAccount(api, { password: null });
      const locked = await createAccount(api);
      await api.db.query("update users set locked_until = $2::timestamptz + interval '10 minutes' where id = $1", [locked.id, api.clock.now()]);
      secrets.push(wrong.password, inactive.password, unapproved.password, locked.password);

      const answers = [
        await login(api, 'nobody-at-all@auth.test', 'whatever-password'),
        await login(api, wrong.email, 'not-the-password'),
        await login(api, locked.email, locked.password),
        await login(api, inactive.email, inactive.password),
        await login(api, unapproved.email, unapproved.password),
        await login(api, sso.email, 'any-password-at-all'),
      ];
      const first = comparable(answers[0]!);
      expect(first.status).toBe(401);
      expect(first.body.code).toBe('invalid_credentials');
      for (const answer of answers) expect(comparable(answer)).toEqual(first);

      // The reason is kept where admins can read it.
      expect((await auditOf(api, null, 'login_failed')).map((a) => a.metadata)).toContainEqual({ reason: 'unknown_email', email: 'nobody-at-all@auth.test' });
      expect((await auditOf(api, wrong.id, 'login_failed'))[0]).toMatchObject({ event_status: 'failure', metadata: { reason: 'wrong_password' } });
      expect((await auditOf(api, locked.id, 'login_failed'))[0]).toMatchObject({ event_status: 'blocked', metadata: { reason: 'locked' } });
      expect((await auditOf(api, inactive.id, 'login_failed'))[0]!.metadata.reason).toBe('inactive');
      expect((await auditOf(api, unapproved.id, 'login_failed'))[0]!.metadata.reason).toBe('not_approved');
      expect((await auditOf(api, sso.id, 'login_failed'))[0]!.metadata.reason).toBe('no_password');
      // A wrong password counts; the other refusals do not touch the account.
      const { rows } = await api.db.query<{ failed_login_attempts: number }>(
        'select failed_login_attempts from users where id = any($1) order by failed_login_attempts desc',
        [[wrong.id, locked.id, inactive.id]],
      );
      expect(rows.map((r) => r.failed_login_attempts)).toEqual([1, 0, 0]);
    });

    it('takes comparable time for an unknown email and a wrong password (a dummy hash is verified)', async () => {
      const account = await createAccount(api);
      secrets.push(account.password);
      const time = async (email: string) => {
        const started = performance.now();
        await login(api, email, 'definitely-wrong-password');
        return performance.now() - started;
      };
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const unknown: number[] = [];
      const known: number[] = [];
      for (let i = 0; i < 4; i++) {
        unknown.push(await time(`missing-${i}@auth.test`));
        known.push(await time(account.email));
      }
      // Verifying a scrypt hash dominates both; skipping it would make unknown emails several times faster.
      expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
    });

    it('locks the account after 5 wrong passwords in a row, refuses it while locked, and lets it in after the lock', async () => {
      const account = await createAccount(api);
      secrets.push(account.password);
      for (let i = 0; i < api.auth.maxFailedLogins; i++) {
        expect((await login(api, account.email, `wrong-${i}-password`)).status).toBe(401);
      }
      const lockedAnswer = await login(api, account.email, account.password);
      expect(lockedAnswer.status).toBe(401);
      expect(lockedAnswer.body.code).toBe('invalid_credentials');

      const { rows } = await api.db.query<{ locked_until: Date; failed_login_attempts: number }>(
        'select locked_until, failed_login_attempts from users where id = $1',
        [account.id],
      );
      expect(rows[0]!.locked_until.getTime()).toBe(api.clock.now().getTime() + api.auth.lockoutSeconds * 1000);
      const failed = await auditOf(api, account.id, 'login_failed');
      expect(failed.filter((a) => a.event_status === 'failure')).toHaveLength(5);
      expect(failed.filter((a) => a.event_status === 'blocked')).toHaveLength(1);
      expect(await auditOf(api, account.id, 'account_locked')).toEqual([expect.objectContaining({ event_status: 'warning' })]);
      // A locked user's existing tokens stop working too.
      const asLocked = await api.as({ userId: account.id }).get('/v1/auth/me');
      expect(asLocked.status).toBe(401);

      api.clock.advance(api.auth.lockoutSeconds - 1);
      expect((await login(api, account.email, account.password)).status).toBe(401);
      api.clock.advance(2);
      const after = await login(api, account.email, account.password);
      expect(after.status).toBe(200);
      expect(after.body.user.locked_until).toBeNull();
      const { rows: reset } = await api.db.query<{ failed_login_attempts: number; locked_until: Date | null }>(
        'select failed_login_attempts, locked_until from users where id = $1',
        [account.id],
      );
      expect(reset[0]).toEqual({ failed_login_attempts: 0, locked_until: null });
      secrets.push(after.body.refresh_token, after.body.access_token);
    });

    it('resets the count of failures on success', async () => {
      const account = await createAccount(api);
      secrets.push(account.password);
      for (let i = 0; i < api.auth.maxFailedLogins - 1; i++) await login(api, account.email, 'wrong-password-here');
      expect((await login(api, account.email, account.password)).status).toBe(200);
      for (let i = 0; i < api.auth.maxFailedLogins - 1; i++) await login(api, account.email, 'wrong-password-here');
      // Four more failures after a success do not lock: the count started again.
      expect((await login(api, account.email, account.password)).status).toBe(200);
    });

    it('answers bad input with 4xx problems', async () => {
      const anonymous = api.anonymous();
      for (const body of [{}, { email: 'a@b.co' }, { password: 'x' }, { email: 42, password: 'x' }, { email: 'a@b.co', password: '' }, { email: 'a@b.co', password: 'x', remember: true }, []]) {
        const res = await anonymous.post('/v1/auth/login', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('validation_failed');
      }
      const tooLong = await anonymous.post('/v1/auth/login', { email: 'a@b.co', password: 'x'.repeat(1025) });
      expect(tooLong.status).toBe(400);
      const malformed = await anonymous.request('POST', '/v1/auth/login', { raw: '{"email":', headers: { 'content-type': 'application/json' } });
      expect(malformed.body.code).toBe('malformed_request');
      const form = await anonymous.request('POST', '/v1/auth/login', { raw: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(form.status).toBe(415);
    });
  });

  describe('refresh', () => {
    const start = async () => {
      const account = await createAccount(api);
      const res = await login(api, account.email, account.password);
      expect(res.status).toBe(200);
      secrets.push(account.password, res.body.refresh_token, res.body.access_token);
      return { account, first: res.body as { refresh_token: string; access_token: string } };
    };
    const refresh = async (token: string) => {
      const res = await api.anonymous().post('/v1/auth/refresh', { refresh_token: token });
      if (res.status === 200) secrets.push(res.body.refresh_token, res.body.access_token);
      return res;
    };
    const familyOf = async (token: string) =>
      (await api.db.query<{ family_id: string }>('select family_id from refresh_tokens where token_hash = $1', [sha256Hex(token)])).rows[0]!.family_id;

    it('rotates: the new pair works, the old refresh token is revoked and points at its successor', async () => {
      const { account, first } = await start();
      const second = await refresh(first.refresh_token);
      expect(second.status).toBe(200);
      expect(second.body.refresh_token).not.toBe(first.refresh_token);
      expect(second.body.user.id).toBe(account.id);
      expect((await api.withToken(second.body.access_token).get('/v1/auth/me')).status).toBe(200);

      const { rows } = await api.db.query<{ revoked_reason: string; successor: string }>(
        `select t.revoked_reason, s.token_hash as successor from refresh_tokens t join refresh_tokens s on s.id = t.replaced_by
          where t.token_hash = $1`,
        [sha256Hex(first.refresh_token)],
      );
      expect(rows).toEqual([{ revoked_reason: 'rotated', successor: sha256Hex(second.body.refresh_token) }]);
      expect(await familyOf(second.body.refresh_token)).toBe(await familyOf(first.refresh_token));
      expect(await auditOf(api, account.id, 'token_refreshed')).toHaveLength(1);
    });

    it('revokes the whole family when a replaced token comes back after its successor was used', async () => {
      const { account, first } = await start();
      const second = await refresh(first.refresh_token);
      const third = await refresh(second.body.refresh_token);
      expect(third.status).toBe(200);

      const replay = await refresh(first.refresh_token);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('unauthenticated');
      // Old and new are dead: the thief and the owner both log in again.
      expect((await refresh(third.body.refresh_token)).status).toBe(401);
      expect(await auditOf(api, account.id, 'refresh_token_reuse')).toEqual([expect.objectContaining({ event_status: 'blocked' })]);
      // Each replaced token that comes back is another reuse.
      expect((await refresh(second.body.refresh_token)).status).toBe(401);
      expect(await auditOf(api, account.id, 'refresh_token_reuse')).toHaveLength(2);
      const { rows } = await api.db.query<{ live: string }>(
        'select count(*) filter (where revoked_at is null) as live from refresh_tokens where family_id = $1',
        [await familyOf(first.refresh_token)],
      );
      expect(Number(rows[0]!.live)).toBe(0);
      const { rows: reasons } = await api.db.query<{ revoked_reason: string }>('select revoked_reason from refresh_tokens where token_hash = $1', [
        sha256Hex(third.body.refresh_token),
      ]);
      expect(reasons[0]!.revoked_reason).toBe('reuse_detected');
      const { rows: sessions } = await api.db.query('select 1 from user_sessions where user_id = $1 and revoked_at is null', [account.id]);
      expect(sessions).toHaveLength(0);
    });

    it('revokes the family when a replaced token comes back after the grace window, even if its successor is unused', async () => {
      const { first } = await start();
      const second = await refresh(first.refresh_token);
      api.clock.advance(api.auth.refreshReuseGraceSeconds + 1);
      expect((await refresh(first.refresh_token)).status).toBe(401);
      expect((await refresh(second.body.refresh_token)).status).toBe(401);
    });

    it('rotates again when a client retries within the grace window before using the successor', async () => {
      const { account, first } = await start();
      const lost = await refresh(first.refresh_token);
      expect(lost.status).toBe(200);
      api.clock.advance(api.auth.refreshReuseGraceSeconds - 5);
      const retried = await refresh(first.refresh_token);
      expect(retried.status).toBe(200);
      expect(retried.body.refresh_token).not.toBe(lost.body.refresh_token);
      // The unused successor was replaced, not the family revoked.
      const { rows } = await api.db.query<{ revoked_reason: string }>('select revoked_reason from refresh_tokens where token_hash = $1', [
        sha256Hex(lost.body.refresh_token),
      ]);
      expect(rows[0]!.revoked_reason).toBe('rotated');
      // That answer was lost too: a second retry still rotates, within the window of the first rotation.
      const retriedAgain = await refresh(first.refresh_token);
      expect(retriedAgain.status).toBe(200);
      const next = await refresh(retriedAgain.body.refresh_token);
      expect(next.status).toBe(200);
      expect(await auditOf(api, account.id, 'refresh_token_reuse')).toHaveLength(0);

      // Past the window, the first token coming back is reuse after all.
      api.clock.advance(6);
      expect((await refresh(first.refresh_token)).status).toBe(401);
      expect((await refresh(next.body.refresh_token)).status).toBe(401);
      expect(await auditOf(api, account.id, 'refresh_token_reuse')).toHaveLength(1);
    });

    it('treats a lost successor coming back after the token that replaced it was used as reuse', async () => {
      const { account, first } = await start();
      const lost = await refresh(first.refresh_token);
      const retried = await refresh(first.refresh_token);
      expect(retried.status).toBe(200);
      const next = await refresh(retried.body.refresh_token);
      expect(next.status).toBe(200);
      expect((await refresh(lost.body.refresh_token)).status).toBe(401);
      expect((await refresh(next.body.refresh_token)).status).toBe(401);
      expect(await auditOf(api, account.id, 'refresh_token_reuse')).toHaveLength(1);
    });

    it('refuses expired, unknown and logged-out tokens, and tokens of deactivated accounts', async () => {
      const { first } = await start();
      api.clock.advance(api.auth.refreshTokenTtlSeconds + 1);
      expect((await refresh(first.refresh_token)).status).toBe(401);

      expect((await refresh('not-a-token-we-issued')).body.code).toBe('unauthenticated');

      const { account, first: other } = await start();
      await api.db.query('update users set is_active = false where id = $1', [account.id]);
      expect((await refresh(other.refresh_token)).status).toBe(401);
      await api.db.query('update users set is_active = true where id = $1', [account.id]);
      // Refused without revoking: the account was only suspended.
      expect((await refresh(other.refresh_token)).status).toBe(200);
    });

    it('answers bad input with 4xx problems', async () => {
      for (const body of [{}, { refresh_token: '' }, { refresh_token: 7 }, { refresh_token: 'x', extra: 1 }, { refresh_token: 'x'.repeat(513) }]) {
        const res = await api.anonymous().post('/v1/auth/refresh', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      const text = await api.anonymous().request('POST', '/v1/auth/refresh', { raw: 'token', headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBe(415);
      const malformed = await api.anonymous().request('POST', '/v1/auth/refresh', { raw: '{', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
    });
  });

  describe('access tokens', () => {
    it('expire after accessTokenTtlSeconds with 401 token_expired', async () => {
      const account = await createAccount(api);
      const res = await login(api, account.email, account.password);
      secrets.push(account.password, res.body.access_token, res.body.refresh_token);
      const client = api.withToken(res.body.access_token);
      api.clock.advance(api.auth.accessTokenTtlSeconds - 1);
      expect((await client.get('/v1/auth/me')).status).toBe(200);
      api.clock.advance(2);
      const expired = await client.get('/v1/auth/me');
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('token_expired');
      // The refresh token still gets a new pair.
      const renewed = await api.anonymous().post('/v1/auth/refresh', { refresh_token: res.body.refresh_token });
      expect(renewed.status).toBe(200);
      secrets.push(renewed.body.access_token, renewed.body.refresh_token);
      expect((await api.withToken(renewed.body.access_token).get('/v1/auth/me')).status).toBe(200);
    });
    it('take a role change or a deactivation into account on the very next request with the same token', async () => {
      const account = await createAccount(api, { role: 'admin' });
      const res = await login(api, account.email, account.password);
      secrets.push(account.password, res.body.access_token, res.body.refresh_token);
      const client = api.withToken(res.body.access_token);
      expect((await client.get('/v1/audit-logs')).status).toBe(200);
      await api.db.query("update users set role = 'customer' where id = $1", [account.id]);
      expect((await client.get('/v1/audit-logs')).status).toBe(403);
      await api.db.query("update users set role = 'admin' where id = $1", [account.id]);
      expect((await client.get('/v1/audit-logs')).status).toBe(200);
      await api.db.query('update users set is_active = false where id = $1', [account.id]);
      const refused = await client.get('/v1/audit-logs');
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('unauthenticated');
    });
  });

  describe('logout', () => {
    it('revokes the session, audits once, and answers 204 to unknown and repeated tokens alike', async () => {
      const account = await createAccount(api);
      const res = await login(api, account.email, account.password);
      const refreshed = await api.anonymous().post('/v1/auth/refresh', { refresh_token: res.body.refresh_token });
      secrets.push(account.password, res.body.refresh_token, res.body.access_token, refreshed.body.refresh_token, refreshed.body.access_token);
      // Any token of the session ends it, the replaced one included.
      const out = await api.anonymous().post('/v1/auth/logout', { refresh_token: refreshed.body.refresh_token });
      expect(out.status).toBe(204);
      expect(out.text).toBe('');
      expect((await api.anonymous().post('/v1/auth/refresh', { refresh_token: refreshed.body.refresh_token })).status).toBe(401);
      const { rows } = await api.db.query<{ revoked_reason: string }>('select revoked_reason from refresh_tokens where token_hash = $1', [
        sha256Hex(refreshed.body.refresh_token),
      ]);
      expect(rows[0]!.revoked_reason).toBe('logout');
      const { rows: sessions } = await api.db.query('select 1 from user_sessions where user_id = $1 and revoked_at is null', [account.id]);
      expect(sessions).toHaveLength(0);

      expect((await api.anonymous().post('/v1/auth/logout', { refresh_token: refreshed.body.refresh_token })).status).toBe(204);
      expect((await api.anonymous().post('/v1/auth/logout', { refresh_token: 'never-issued-token' })).status).toBe(204);
      expect(await auditOf(api, account.id, 'logout')).toHaveLength(1);
    });

    it('leaves the other sessions of the user alone', async () => {
      const account = await createAccount(api);
      const one = await login(api, account.email, account.password);
      const two = await login(api, account.email, account.password);
      secrets.push(account.password, one.body.refresh_token, two.body.refresh_token, one.body.access_token, two.body.access_token);
      await api.anonymous().post('/v1/auth/logout', { refresh_token: one.body.refresh_token });
      const still = await api.anonymous().post('/v1/auth/refresh', { refresh_token: two.body.refresh_token });
      expect(still.status).toBe(200);
      secrets.push(still.body.refresh_token, still.body.access_token);
    });

    it('answers bad input with 4xx problems', async () => {
      expect((await api.anonymous().post('/v1/auth/logout', {})).status).toBe(400);
      expect((await api.anonymous().post('/v1/auth/logout', { refresh_token: ['x'] })).status).toBe(400);
      const text = await api.anonymous().request('POST', '/v1/auth/logout', { raw: 'x', headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBe(415);
    });
  });

  describe('changing the password', () => {
    it('needs the current password, keeps the caller logged in and revokes the other sessions', async () => {
      const account = await createAccount(api);
      const mine = await login(api, account.email, account.password);
      const other = await login(api, account.email, account.password);
      const newPassword = 'a brand new passphrase';
      secrets.push(account.password, newPassword, mine.body.refresh_token, other.body.refresh_token, mine.body.access_token, other.body.access_token);

      const changed = await api.withToken(mine.body.access_token).post('/v1/auth/password', {
        current_password: account.password,
        new_password: newPassword,
      });
      expect(changed.status).toBe(204);
      expect((await api.anonymous().post('/v1/auth/refresh', { refresh_token: other.body.refresh_token })).status).toBe(401);
      const kept = await api.anonymous().post('/v1/auth/refresh', { refresh_token: mine.body.refresh_token });
      expect(kept.status).toBe(200);
      secrets.push(kept.body.refresh_token, kept.body.access_token);
      const { rows } = await api.db.query<{ revoked_reason: string }>('select revoked_reason from refresh_tokens where token_hash = $1', [
        sha256Hex(other.body.refresh_token),
      ]);
      expect(rows[0]!.revoked_reason).toBe('password_changed');

      expect((await login(api, account.email, account.password)).status).toBe(401);
      expect((await login(api, account.email, newPassword)).status).toBe(200);
      expect(await auditOf(api, account.id, 'password_change')).toEqual([expect.objectContaining({ event_status: 'success', actor_id: account.id })]);
    });

    it('refuses a wrong current password (403, audited, counted towards the lockout)', async () => {
      const account = await createAccount(api);
      secrets.push(account.password);
      const client = api.as({ userId: account.id });
      const wrong = await client.post('/v1/auth/password', { current_password: 'not-my-password', new_password: 'another long password' });
      expect(wrong.status).toBe(403);
      expect(wrong.body.code).toBe('forbidden');
      expect(await auditOf(api, account.id, 'password_change')).toEqual([expect.objectContaining({ event_status: 'failure' })]);
      const { rows } = await api.db.query<{ failed_login_attempts: number }>('select failed_login_attempts from users where id = $1', [account.id]);
      expect(rows[0]!.failed_login_attempts).toBe(1);
      expect((await login(api, account.email, account.password)).status).toBe(200);
    });

    it('enforces the password policy and refuses API keys', async () => {
      const account = await createAccount(api, { role: 'agent' });
      secrets.push(account.password);
      const client = api.as({ userId: account.id });
      const cases: [unknown, string][] = [
        [{ current_password: account.password, new_password: 'short' }, 'new_password'],
        [{ current_password: account.password, new_password: 'x'.repeat(257) }, 'new_password'],
        [{ current_password: account.password, new_password: account.email.toUpperCase() }, 'new_password'],
        [{ new_password: 'long enough password' }, 'current_password'],
        [{ current_password: account.password, new_password: 'long enough password', confirm: true }, ''],
      ];
      for (const [body, path] of cases) {
        const res = await client.post('/v1/auth/password', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      expect((await client.request('POST', '/v1/auth/password', { raw: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
      expect((await api.anonymous().post('/v1/auth/password', { current_password: 'x', new_password: 'long enough password' })).status).toBe(401);

      const key = await client.post('/v1/api-keys', { name: 'everything', scopes: ['admin', 'directory:write'] });
      expect(key.status).toBe(201);
      secrets.push(key.body.key);
      const withKey = await api.withToken(key.body.key).post('/v1/auth/password', {
        current_password: account.password,
        new_password: 'long enough password',
      });
      expect(withKey.status).toBe(403);
      expect((await login(api, account.email, account.password)).status).toBe(200);
    });
  });

  describe('the current user', () => {
    it('answers each role its own account', async () => {
      for (const role of ['customer', 'agent', 'manager', 'admin'] as const) {
        const res = await api.as(role).get('/v1/auth/me');
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: api.world.users[role], role, email: `${role}@world.test` });
      }
      expect((await api.anonymous().get('/v1/auth/me')).status).toBe(401);
    });

    it('updates the profile, merging preferences key by key, and audits it', async () => {
      const account = await createAccount(api);
      const client = api.as({ userId: account.id });
      const first = await client.patch('/v1/auth/me', { first_name: 'Ada', phone_number: '+44 20 7946 0000', preferences: { theme: 'dark', language: 'en' } });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ first_name: 'Ada', phone_number: '+44 20 7946 0000', preferences: { theme: 'dark', language: 'en' } });
      const second = await client.patch('/v1/auth/me', { preferences: { theme: null, density: 'compact' }, phone_number: null, username: 'ada.l' });
      expect(second.body).toMatchObject({ first_name: 'Ada', phone_number: null, username: 'ada.l', preferences: { language: 'en', density: 'compact' } });
      expect(second.body.preferences).not.toHaveProperty('theme');
      expect((await client.get('/v1/auth/me')).body).toEqual(second.body);
      expect(await auditOf(api, account.id, 'profile_updated')).toHaveLength(2);
    });

    it('refuses fields that are not the profile, and bad values', async () => {
      const client = api.as('agent');
      const cases: [unknown, string][] = [
        [{ role: 'admin' }, ''],
        [{ email: 'new@world.test' }, ''],
        [{ is_active: false }, ''],
        [{}, ''],
        [{ first_name: 42 }, 'first_name'],
        [{ first_name: 'x'.repeat(101) }, 'first_name'],
        [{ username: 'a b' }, 'username'],
        [{ preferences: [] }, 'preferences'],
        [{ preferences: { notifications: { comment_added: { email: false } } } }, 'preferences'],
        [{ preferences: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, 'preferences'],
      ];
      for (const [body, path] of cases) {
        const res = await client.patch('/v1/auth/me', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      expect((await client.request('PATCH', '/v1/auth/me', { raw: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
      expect((await client.request('PATCH', '/v1/auth/me', { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
      const account = await createAccount(api);
      const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`a${i}`, i]));
      const more = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`b${i}`, i]));
      expect((await api.as({ userId: account.id }).patch('/v1/auth/me', { preferences: many })).status).toBe(200);
      const overflow = await api.as({ userId: account.id }).patch('/v1/auth/me', { preferences: more });
      expect(overflow.status).toBe(400);
      expect(Object.keys((await api.as({ userId: account.id }).get('/v1/auth/me')).body.preferences)).toHaveLength(30);
      const taken = await api.as('customer').patch('/v1/auth/me', { username: 'taken-name' });
      expect(taken.status).toBe(200);
      const duplicate = await api.as('customer2').patch('/v1/auth/me', { username: 'TAKEN-name' });
      expect(duplicate.status).toBe(409);
    });

    it('lets an API key read its user, and change the profile only with directory:write', async () => {
      const reader = await api.as('agent').post('/v1/api-keys', { name: 'reader', scopes: ['tickets:read'] });
      const writer = await api.as('agent').post('/v1/api-keys', { name: 'writer', scopes: ['directory:write'] });
      secrets.push(reader.body.key, writer.body.key);
      expect((await api.withToken(reader.body.key).get('/v1/auth/me')).body.id).toBe(api.world.users.agent);
      const refused = await api.withToken(reader.body.key).patch('/v1/auth/me', { last_name: 'Keyed' });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('insufficient_scope');
      expect((await api.withToken(writer.body.key).patch('/v1/auth/me', { last_name: 'Keyed' })).body.last_name).toBe('Keyed');
    });
  });

  it('records the client address and user agent of auth events when served over a socket', async () => {
    const { serve } = await import('@hono/node-server');
    const account = await createAccount(api);
    secrets.push(account.password);
    let server: ReturnType<typeof serve> | undefined;
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'socket-test' },
        body: JSON.stringify({ email: account.email, password: 'wrong-password-x' }),
      });
      expect(res.status).toBe(401);
    } finally {
      await new Promise((resolve) => server?.close(resolve));
    }
    expect((await auditOf(api, account.id, 'login_failed'))[0]).toMatchObject({ ip_address: '127.0.0.1', user_agent: 'socket-test' });
  });

  it('never writes a password or token to the logs', () => {
    expect(secrets.length).toBeGreaterThan(20);
    expectNotLogged(api, secrets);
  });
});
