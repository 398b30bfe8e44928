/**
 * Password resets and changes (examples/server/src/auth/password-reset.ts, password-change.ts):
 * asking for a reset answers the same whether or not an account uses the address, and mails a
 * one-time token valid for an hour (see `mock.mailbox`); confirming it sets the password, ends a
 * lockout and every session. Changing one's password takes the current one, checked like a login
 * (a wrong one counts towards the lockout), and an access token: the caller's own session stays.
 */
import { authenticate, recordWrongPassword, revokeUserSessions } from '../auth.js';
import { accepted, noContent, refuse, type HandlerTable } from '../operation.js';
import { resetMail, sendMail } from '../mailbox.js';
import { fieldProblem, forbidden, MockProblem } from '../problems.js';
import { audit, auditSink } from '../rules/audit.js';
import { recordEmailNotification } from '../rules/credentials.js';

/** The one answer to a reset request, whatever the address. */
const RESET_ACCEPTED = { message: 'If an active account uses this address, a link to reset its password is on its way.' };

const invalidToken = () =>
  new MockProblem(422, 'unprocessable', 'This reset link is invalid, expired or already used; ask for a new one.', [
    { location: 'body', path: 'token', message: 'is invalid, expired or already used' },
  ]);

/** Refuses a new password that is the account's email address, naming `field`. */
function assertPasswordAllowed(password: string, email: string, field: string): void {
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) throw fieldProblem('body', field, 'must not be the email address');
}

export const passwordHandlers: HandlerTable = {
  requestPasswordReset: {
    anonymous: true,
    handle({ world, work, req }) {
      const { email } = req.json('requestPasswordReset');
      const user = world.store.tables.users.all().find((row) => row.email.toLowerCase() === email.toLowerCase() && row.is_active);
      if (!user) {
        audit(work, req, {
          event: 'password_reset_request',
          status: 'failure',
          userId: null,
          message: 'no active account uses this email',
          metadata: { email: email.trim().toLowerCase().slice(0, 255) },
        });
        return accepted(RESET_ACCEPTED);
      }
      const ttl = world.settings.passwordResetTtlSeconds;
      const now = world.clock.now();
      const token = world.ids.secret(43);
      const expiresAt = new Date(now.getTime() + ttl * 1000).toISOString();
      const reset = world.store.tables.passwordResets.put({ id: world.ids.uuid(), user_id: user.id, token, expires_at: expiresAt, used_at: null, created_at: now.toISOString() });
      const minutes = Math.max(1, Math.round(ttl / 60));
      recordEmailNotification(work, {
        userId: user.id,
        type: 'password_reset',
        title: 'Reset your password',
        body: `We emailed you a link to reset your password. It works once, within ${minutes} minutes. If you did not ask for it, ignore it.`,
        metadata: { password_reset_id: reset.id },
        expiresAt,
      });
      audit(work, req, { event: 'password_reset_request', status: 'success', userId: user.id, metadata: { password_reset_id: reset.id, expires_at: expiresAt } });
      sendMail(work, resetMail(user.email, token, ttl));
      return accepted(RESET_ACCEPTED);
    },
  },
  confirmPasswordReset: {
    anonymous: true,
    handle({ world, work, req }) {
      const body = req.json('confirmPasswordReset');
      const { passwordResets, users } = world.store.tables;
      const now = world.clock.now();
      const reset = passwordResets.all().find((row) => row.token === body.token);
      const user = reset && users.get(reset.user_id);
      if (!reset || !user || reset.used_at !== null || Date.parse(reset.expires_at) <= now.getTime() || !user.is_active) throw invalidToken();
      assertPasswordAllowed(body.new_password, user.email, 'new_password');
      const at = now.toISOString();
      // This token and every other outstanding one of the account are used up.
      for (const row of passwordResets.where((each) => each.user_id === user.id && each.used_at === null)) passwordResets.put({ ...row, used_at: at });
      users.put({ ...user, password: body.new_password, failed_login_attempts: 0, locked_until: null, is_email_verified: true, updated_at: work.now() });
      revokeUserSessions(world, user.id);
      audit(work, req, { event: 'password_reset_complete', status: 'success', userId: user.id, actorId: user.id });
      return noContent();
    },
  },
  changePassword: {
    // The server serves this beside the anonymous auth routes and authenticates it itself: no
    // scope and no Idempotency-Key, and only an access token from a login will do.
    anonymous: true,
    handle({ world, work, req }) {
      const actor = authenticate(world, req.header('authorization'));
      // Refused with the authentication's bookkeeping kept (an API key's last use), as on the server.
      if (actor.via !== 'access_token') return refuse(forbidden('Change a password with an access token from a login, not with an API key.'));
      const body = req.json('changePassword');
      const { users } = world.store.tables;
      const user = users.get(actor.id)!;
      assertPasswordAllowed(body.new_password, user.email, 'new_password');
      if (user.password === null || user.password !== body.current_password) {
        // The failure is kept (audited, and counted towards the lockout), then refused.
        audit(work, req, {
          event: 'password_change',
          status: 'failure',
          userId: user.id,
          actorId: null,
          metadata: { reason: user.password === null ? 'no_password' : 'wrong_current_password' },
        });
        if (user.password !== null) recordWrongPassword(world, user, auditSink(work, req));
        return refuse(forbidden(user.password === null ? 'This account has no password yet; set one with a password reset.' : 'The current password is wrong.'));
      }
      users.put({ ...user, password: body.new_password, updated_at: work.now() });
      revokeUserSessions(world, user.id, actor.sessionId);
      audit(work, req, { event: 'password_change', status: 'success', userId: user.id, actorId: user.id });
      return noContent();
    },
  },
};
