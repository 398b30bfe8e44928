/**
 * Password resets by email. Asking never tells whether an account exists: the caller gets the same
 * answer either way, and the email is sent after the answer, so its delivery time cannot tell
 * either. The token is stored as its SHA-256, works once, and expires after
 * `passwordResetTtlSeconds`.
 */
import type { AppDeps } from '../context.js';
import { bindActor } from '../db/actor.js';
import { Problem } from '../http/problem.js';
import type { MailMessage } from '../mailbox.js';
import { audit, bindClient } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { deliverEmail, insertEmailNotification } from './email.js';
import { hashPassword } from './password.js';
import { assertPasswordAllowed } from './password-policy.js';
import { revokeUserSessions } from './refresh-tokens.js';
import { newSecret, sha256Hex } from './secrets.js';

type Deps = Pick<AppDeps, 'db' | 'auth' | 'clock' | 'mailbox' | 'logger'>;

function resetMessage(to: string, token: string, minutes: number): MailMessage {
  return {
    to,
    subject: 'Reset your Ticketflow password',
    text: [
      `Someone asked to reset the password of the Ticketflow account for ${to}.`,
      '',
      `Reset token: ${token}`,
      '',
      `Send it with your new password to POST /v1/auth/password-reset/confirm within ${minutes} minutes; it works once.`,
      'If you did not ask for this, ignore this email: your password has not changed.',
    ].join('\n'),
  };
}

/** Starts a reset for `email` if an active account uses it; resolves the same way either way. */
export async function requestPasswordReset(deps: Deps, email: string, client: ClientInfo): Promise<void> {
  const ttl = deps.auth.passwordResetTtlSeconds;
  const pending = await deps.db.transaction(async (tx) => {
    await bindClient(tx, client);
    const { rows } = await tx.query<{ id: string; email: string }>(
      'select id, email from users where lower(email) = lower($1) and is_active',
      [email],
    );
    const user = rows[0];
    if (!user) {
      await audit(tx, {
        event: 'password_reset_request',
        status: 'failure',
        userId: null,
        message: 'no active account uses this email',
        metadata: { email: email.trim().toLowerCase().slice(0, 255) },
      });
      return undefined;
    }
    const token = newSecret();
    const now = deps.clock.now();
    const expiresAt = new Date(now.getTime() + ttl * 1000);
    const { rows: inserted } = await tx.query<{ id: string }>(
      'insert into password_resets (user_id, token_hash, expires_at, ip_address, created_at) values ($1, $2, $3, $4, $5) returning id',
      [user.id, sha256Hex(token), expiresAt, client.ip ?? null, now],
    );
    const resetId = inserted[0]!.id;
    const minutes = Math.max(1, Math.round(ttl / 60));
    const notificationId = await insertEmailNotification(tx, {
      userId: user.id,
      type: 'password_reset',
      title: 'Reset your password',
      body: `We emailed you a link to reset your password. It works once, within ${minutes} minutes. If you did not ask for it, ignore it.`,
      metadata: { password_reset_id: resetId },
      expiresAt,
    });
    await audit(tx, {
      event: 'password_reset_request',
      status: 'success',
      userId: user.id,
      metadata: { password_reset_id: resetId, expires_at: expiresAt.toISOString() },
    });
    return { notificationId, token, message: resetMessage(user.email, token, minutes) };
  });
  // Not awaited: the answer must not wait for (and so reveal) the delivery.
  if (pending) void deliverEmail(deps, pending.notificationId, pending.message, pending.token);
}

const invalidToken = () =>
  new Problem(422, 'unprocessable', 'This reset link is invalid, expired or already used; ask for a new one.', [
    { location: 'body', path: 'token', message: 'is invalid, expired or already used' },
  ]);

interface ResetRow {
  user_id: string;
  email: string;
  expires_at: Date;
  used_at: Date | null;
  is_active: boolean;
}

/**
 * Sets a new password with a reset token: the token (and every other outstanding one of the
 * account) is used up, a lockout ends, and every session of the account is revoked.
 */
export async function confirmPasswordReset(deps: Deps, token: string, password: string, client: ClientInfo): Promise<void> {
  // Hashed first: the transaction then holds its row lock only for a few statements.
  const passwordHash = await hashPassword(password);
  await deps.db.transaction(async (tx) => {
    await bindClient(tx, client);
    const now = deps.clock.now();
    const { rows } = await tx.query<ResetRow>(
      `select r.user_id, u.email, r.expires_at, r.used_at, u.is_active
         from password_resets r join users u on u.id = r.user_id
        where r.token_hash = $1
        for update of r`,
      [sha256Hex(token)],
    );
    const reset = rows[0];
    if (!reset || reset.used_at || reset.expires_at <= now || !reset.is_active) throw invalidToken();
    assertPasswordAllowed(password, reset.email, 'new_password');

    await tx.query('update password_resets set used_at = $2 where user_id = $1 and used_at is null', [reset.user_id, now]);
    await tx.query(
      `update users set password_hash = $2, last_password_change_at = $3, failed_login_attempts = 0, locked_until = null,
                        is_email_verified = true
        where id = $1`,
      [reset.user_id, passwordHash, now],
    );
    await revokeUserSessions(tx, reset.user_id, 'password_changed', now);
    await bindActor(tx, { userId: reset.user_id, clientIp: client.ip, userAgent: client.userAgent });
    await audit(tx, { event: 'password_reset_complete', status: 'success', userId: reset.user_id });
  });
}
