/**
 * Changing one's own password. The current password is checked like a login: a wrong one counts
 * towards the lockout, so a stolen access token cannot be used to guess the password at leisure.
 */
import type { AppDeps } from '../context.js';
import { bindActor } from '../db/actor.js';
import { Problem } from '../http/problem.js';
import { audit, bindClient } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { isLocked, recordWrongPassword } from './lockout.js';
import { timingDummyHash } from './login.js';
import { hashPassword, verifyPassword } from './password.js';
import { assertPasswordAllowed } from './password-policy.js';
import { revokeUserSessions } from './refresh-tokens.js';

type Deps = Pick<AppDeps, 'db' | 'auth' | 'clock'>;

export interface PasswordChange {
  userId: string;
  /** The caller's own session, which stays logged in. */
  sessionId: string | undefined;
  currentPassword: string;
  newPassword: string;
}

export async function changePassword(deps: Deps, change: PasswordChange, client: ClientInfo): Promise<void> {
  const { rows } = await deps.db.query<{ email: string; password_hash: string | null; is_active: boolean; locked_until: Date | null }>(
    'select email, password_hash, is_active, locked_until from users where id = $1',
    [change.userId],
  );
  const user = rows[0];
  if (!user?.is_active || isLocked(user.locked_until, deps.clock.now())) {
    throw new Problem(401, 'unauthenticated', 'This account is inactive or locked.');
  }
  assertPasswordAllowed(change.newPassword, user.email, 'new_password');
  const matches = await verifyPassword(change.currentPassword, user.password_hash ?? (await timingDummyHash()));

  if (!matches || user.password_hash === null) {
    await deps.db.transaction(async (tx) => {
      await bindClient(tx, client);
      await audit(tx, {
        event: 'password_change',
        status: 'failure',
        userId: change.userId,
        metadata: { reason: user.password_hash === null ? 'no_password' : 'wrong_current_password' },
      });
      if (user.password_hash !== null) await recordWrongPassword(tx, deps, change.userId);
    });
    throw new Problem(
      403,
      'forbidden',
      user.password_hash === null ? 'This account has no password yet; set one with a password reset.' : 'The current password is wrong.',
    );
  }

  const passwordHash = await hashPassword(change.newPassword);
  await deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    await tx.query('update users set password_hash = $2, last_password_change_at = $3 where id = $1', [change.userId, passwordHash, now]);
    await revokeUserSessions(tx, change.userId, 'password_changed', now, change.sessionId);
    // Refuses an account locked or deactivated meanwhile, rolling the change back.
    await bindActor(tx, { userId: change.userId, clientIp: client.ip, userAgent: client.userAgent });
    await audit(tx, { event: 'password_change', status: 'success', userId: change.userId });
  });
}
