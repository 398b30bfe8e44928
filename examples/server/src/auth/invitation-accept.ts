/**
 * Accepting an invitation: the token from the email proves the invitee reads that mailbox, so the
 * account is created approved and verified, with the role and department the invitation names,
 * and logged in at once.
 */
import type { AppDeps } from '../context.js';
import { bindActor, type UserRole } from '../db/actor.js';
import { Problem } from '../http/problem.js';
import { USER_COLUMNS, type UserRow } from '../api/users/user.js';
import { audit, bindClient } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { hashPassword } from './password.js';
import { assertPasswordAllowed } from './password-policy.js';
import { startSession, type TokenPair } from './refresh-tokens.js';
import { sha256Hex } from './secrets.js';

type Deps = Pick<AppDeps, 'db' | 'auth' | 'clock'>;

export interface Acceptance {
  token: string;
  password: string;
  firstName: string;
  lastName: string;
}

interface InvitationRow {
  id: string;
  email: string;
  role: UserRole;
  department_id: string | null;
  invited_by: string;
  status: 'pending' | 'accepted' | 'expired' | 'cancelled';
  expires_at: Date;
}

const refused = (detail: string, message: string) =>
  new Problem(422, 'unprocessable', detail, [{ location: 'body', path: 'token', message }]);

export async function acceptInvitation(deps: Deps, acceptance: Acceptance, client: ClientInfo): Promise<{ user: UserRow; tokens: TokenPair }> {
  const passwordHash = await hashPassword(acceptance.password);
  return deps.db.transaction(async (tx) => {
    await bindClient(tx, client);
    const now = deps.clock.now();
    const { rows } = await tx.query<InvitationRow>(
      `select id, email, role, department_id, invited_by, status, expires_at
         from user_invitations where token_hash = $1 for update`,
      [sha256Hex(acceptance.token)],
    );
    const invitation = rows[0];
    if (!invitation) throw refused('This invitation link is invalid.', 'is not a valid invitation token');
    if (invitation.status === 'accepted') throw refused('This invitation was already accepted; log in instead.', 'was already used');
    if (invitation.status === 'cancelled') throw refused('This invitation was cancelled.', 'was cancelled');
    if (invitation.status === 'expired' || invitation.expires_at <= now) {
      throw refused('This invitation has expired; ask for a new one.', 'has expired');
    }
    assertPasswordAllowed(acceptance.password, invitation.email, 'password');

    const { rows: existing } = await tx.query('select 1 from users where lower(email) = lower($1)', [invitation.email]);
    if (existing.length > 0) throw new Problem(409, 'conflict', 'An account with this email already exists; log in instead.');

    const { rows: created } = await tx.query<UserRow>(
      `insert into users (email, first_name, last_name, role, department_id, password_hash, is_approved, is_email_verified, last_login_at)
       values ($1, $2, $3, $4, $5, $6, true, true, $7)
       returning ${USER_COLUMNS}`,
      [invitation.email, acceptance.firstName, acceptance.lastName, invitation.role, invitation.department_id, passwordHash, now],
    );
    const user = created[0]!;
    await tx.query("update user_invitations set status = 'accepted', accepted_at = $2 where id = $1", [invitation.id, now]);
    const tokens = await startSession(tx, deps, user.id, client);

    await bindActor(tx, { userId: user.id, clientIp: client.ip, userAgent: client.userAgent });
    await audit(tx, {
      event: 'invitation_accepted',
      status: 'success',
      userId: user.id,
      metadata: { invitation_id: invitation.id, invited_by: invitation.invited_by, role: invitation.role },
    });
    await audit(tx, { event: 'login', status: 'success', userId: user.id, metadata: { via: 'invitation' } });
    return { user, tokens };
  });
}
