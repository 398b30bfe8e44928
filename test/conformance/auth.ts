/**
 * `tf.auth`: login, tokens, passwords and the current user. Anonymous operations must reach the
 * server without an `Authorization` header, which the recording fetch checks. Runs last: renewing
 * an expired token moves the target's clock.
 */
import { describe, expect } from 'vitest';
import { AuthenticationError, ConflictError, PermissionDeniedError, UnprocessableEntityError } from '../../src/index.js';
import type { Conformance } from './context.js';
import { createAccount, newEmail, unique } from './helpers.js';

export function auth(tf: Conformance): void {
  describe('tf.auth', () => {
    tf.test('logs in, refreshes and logs out without sending credentials', async () => {
      const account = await createAccount(tf, { role: 'agent' });
      const anonymous = tf.stranger();
      const from = tf.sent.length;
      await expect(anonymous.auth.login({ email: account.email, password: 'not the password' })).rejects.toBeInstanceOf(AuthenticationError);
      const tokens = await anonymous.auth.login({ email: account.email.toUpperCase(), password: account.password });
      expect(tokens).toMatchObject({ token_type: 'Bearer', user: { id: account.id, email: account.email, role: 'agent' } });
      expect((await tf.withToken(tokens.access_token).auth.me()).id).toBe(account.id);

      const renewed = await anonymous.auth.refresh({ refresh_token: tokens.refresh_token });
      expect(renewed.user.id).toBe(account.id);
      expect(renewed.refresh_token).not.toBe(tokens.refresh_token);
      await anonymous.auth.logout({ refresh_token: renewed.refresh_token });
      await expect(anonymous.auth.refresh({ refresh_token: renewed.refresh_token })).rejects.toBeInstanceOf(AuthenticationError);

      expect(tf.authorizationsTo('/v1/auth/login', from)).toEqual([null, null]);
      expect(tf.authorizationsTo('/v1/auth/refresh', from)).toEqual([null, null]);
      expect(tf.authorizationsTo('/v1/auth/logout', from)).toEqual([null]);
    });

    tf.test('resets a forgotten password with the emailed token, once', async () => {
      const mailTo = tf.need('mailTo');
      const account = await createAccount(tf);
      const anonymous = tf.stranger();
      const from = tf.sent.length;
      await anonymous.auth.requestPasswordReset({ email: account.email });
      const mails = await mailTo(account.email);
      expect(mails).toHaveLength(1);
      const { token } = mails[0]!;

      const newPassword = 'a brand new passphrase';
      await expect(anonymous.auth.confirmPasswordReset({ token, new_password: newPassword })).resolves.toBeUndefined();
      expect((await anonymous.auth.login({ email: account.email, password: newPassword })).user.id).toBe(account.id);
      await expect(anonymous.auth.login({ email: account.email, password: account.password })).rejects.toBeInstanceOf(AuthenticationError);
      await expect(anonymous.auth.confirmPasswordReset({ token, new_password: 'yet another passphrase' })).rejects.toBeInstanceOf(UnprocessableEntityError);

      // An unknown address gets the same answer and no mail.
      const nobody = newEmail();
      await anonymous.auth.requestPasswordReset({ email: nobody });
      expect(await mailTo(nobody)).toEqual([]);
      expect(await mailTo(account.email)).toHaveLength(1);
      expect(tf.authorizationsTo('/v1/auth/password-reset', from)).toEqual([null, null]);
      expect(tf.authorizationsTo('/v1/auth/password-reset/confirm', from)).toEqual([null, null]);
    });

    tf.test('changes the password with the current one, sending the access token', async () => {
      const account = await createAccount(tf);
      const tokens = await tf.stranger().auth.login({ email: account.email, password: account.password });
      const self = tf.withToken(tokens.access_token);
      await expect(self.auth.changePassword({ current_password: 'not the password', new_password: 'a changed passphrase' })).rejects.toBeInstanceOf(
        PermissionDeniedError,
      );
      const from = tf.sent.length;
      await expect(self.auth.changePassword({ current_password: account.password, new_password: 'a changed passphrase' })).resolves.toBeUndefined();
      expect(tf.authorizationsTo('/v1/auth/password', from)).toEqual([`Bearer ${tokens.access_token}`]);
      expect((await tf.stranger().auth.login({ email: account.email, password: 'a changed passphrase' })).user.id).toBe(account.id);
      await expect(tf.stranger().auth.login({ email: account.email, password: account.password })).rejects.toBeInstanceOf(AuthenticationError);
    });

    tf.test('reads and updates the current user', async () => {
      const account = await createAccount(tf, { first_name: 'Before' });
      const self = tf.signIn(account);
      expect(await self.auth.me()).toMatchObject({ id: account.id, email: account.email, first_name: 'Before' });

      const username = unique('sdk', '.');
      const updated = await self.auth.updateMe({ first_name: 'After', username, preferences: { theme: 'dark' } });
      expect(updated).toMatchObject({ id: account.id, first_name: 'After', username, preferences: { theme: 'dark' } });
      expect(await self.auth.me()).toMatchObject({ first_name: 'After', username });

      const other = await createAccount(tf);
      await expect(tf.signIn(other).auth.updateMe({ username })).rejects.toBeInstanceOf(ConflictError);
    });

    tf.test('renews an expired access token by itself: one refresh for the calls that found it expired', async () => {
      const advanceClock = tf.need('advanceClock');
      const account = await createAccount(tf, { role: 'agent' });
      const { expires_in: lifetime } = await tf.stranger().auth.login({ email: account.email, password: account.password });
      const client = tf.signIn(account);
      expect((await client.auth.me()).id).toBe(account.id);
      const from = tf.sent.length;

      await advanceClock(lifetime + 1);
      const [me, user] = await Promise.all([client.auth.me(), client.users.get(account.id)]);
      expect([me.id, user.id]).toEqual([account.id, account.id]);
      // Both calls were refused with the old token, shared one refresh, and were sent again.
      const paths = tf.sent.slice(from).map((request) => request.path);
      expect(paths.filter((path) => path === '/v1/auth/refresh')).toHaveLength(1);
      expect(paths.filter((path) => path === '/v1/auth/login')).toHaveLength(0);
      expect(paths.filter((path) => path === '/v1/auth/me')).toHaveLength(2);
    });
  });
}
