/**
 * Email and password login, with lockout and without user enumeration.
 *
 * Every failure looks the same to the caller, and costs the same: a password is always verified,
 * against a dummy hash when there is no account (or no password), so an unknown email is not
 * answered faster than a wrong password. The reason is kept where only admins read it: the audit
 * log.
 *
 * The password is verified before any transaction opens, so no connection or row lock is held for
 * the duration of a hash; the lock state is then read again under a row lock before it is changed.
 */
import type { AppDeps } from '../context.js';
import { bindActor } from '../db/actor.js';
import { USER_COLUMNS, type UserRow } from '../api/users/user.js';
import { audit, bindClient } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { isLocked, recordWrongPassword } from './lockout.js';
import { hashPassword, verifyPassword } from './password.js';
import { startSession, type TokenPair } from './refresh-tokens.js';
import { newSecret } from './secrets.js';

type Deps = Pick<AppDeps, 'db' | 'auth' | 'clock'>;

export type LoginResult = { ok: true; user: UserRow; tokens: TokenPair } | { ok: false };

interface Candidate {
  id: string;
  password_hash: string | null;
  is_active: boolean;
  is_approved: boolean;
  locked_until: Date | null;
}

let dummyHash: Promise<string> | undefined;
/** A hash of nothing anyone knows, made with the same cost as real ones. */
export const timingDummyHash = () => (dummyHash ??= hashPassword(newSecret()));

export async function login(deps: Deps, email: string, password: string, client: ClientInfo): Promise<LoginResult> {
  const { rows } = await deps.db.query<Candidate>(
    'select id, password_hash, is_active, is_approved, locked_until from users where lower(email) = lower($1)',
    [email],
  );
  const user = rows[0];
  const matches = await verifyPassword(password, user?.password_hash ?? (await timingDummyHash()));

  return deps.db.transaction(async (tx): Promise<LoginResult> => {
    await bindClient(tx, client);
    const now = deps.clock.now();
    const fail = async (status: 'failure' | 'blocked', reason: string, metadata: Record<string, unknown> = {}) => {
      await audit(tx, { event: 'login_failed', status, userId: user?.id ?? null, message: reason, metadata: { reason, ...metadata } });
      return { ok: false } as const;
    };

    if (!user) return fail('failure', 'unknown_email', { email: email.trim().toLowerCase().slice(0, 255) });
    if (isLocked(user.locked_until, now)) return fail('blocked', 'locked');
    if (!user.is_active) return fail('failure', 'inactive');
    if (!user.is_approved) return fail('failure', 'not_approved');
    if (user.password_hash === null) return fail('failure', 'no_password');

    if (!matches) {
      // The failure is audited before the lock it may cause, so the log reads in order.
      const { rows: state } = await tx.query<{ locked_until: Date | null }>('select locked_until from users where id = $1 for update', [user.id]);
      if (isLocked(state[0]?.locked_until ?? null, now)) return fail('blocked', 'locked');
      await fail('failure', 'wrong_password');
      await recordWrongPassword(tx, deps, user.id);
      return { ok: false };
    }

    const { rows: opened } = await tx.query<UserRow>(
      `update users set failed_login_attempts = 0, locked_until = null, last_login_at = $2
        where id = $1 and is_active and is_approved and (locked_until is null or locked_until <= $2)
        returning ${USER_COLUMNS}`,
      [user.id, now],
    );
    // Locked or deactivated between the read and now.
    if (!opened[0]) return fail('blocked', 'changed_during_login');

    const tokens = await startSession(tx, deps, user.id, client);
    await bindActor(tx, { userId: user.id, clientIp: client.ip, userAgent: client.userAgent });
    await audit(tx, { event: 'login', status: 'success', userId: user.id });
    return { ok: true, user: opened[0], tokens };
  });
}
