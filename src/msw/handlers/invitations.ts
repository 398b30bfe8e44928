/**
 * `tf.invitations` (examples/server/src/api/users/invitations.ts, invitation-accept.ts and
 * auth/invitation-accept.ts): admins invite anyone with any role; managers customers and agents
 * into their own department. The token is answered once and emailed to the invitee (see
 * `mock.mailbox`), with a notification recording the email for the sender. Accepting is anonymous:
 * the token creates the account (approved, email verified) and logs it in, once.
 */
import { z } from 'zod';
import { startSession } from '../auth.js';
import { created, ok, type HandlerTable } from '../operation.js';
import { invitationMail, sendMail } from '../mailbox.js';
import { fingerprint, paginate } from '../pagination.js';
import { fieldProblem, forbidden, MAY_NOT_MAKE_CHANGE, MockProblem, notFound } from '../problems.js';
import { audit } from '../rules/audit.js';
import { canSeeInvitation, effectiveStatus, mayInsertInvitation, mayUpdateInvitation, recordEmailNotification, toInvitation } from '../rules/credentials.js';
import { duplicate, missingReference } from '../rules/organisation.js';
import type { InvitationRow } from '../store.js';
import { emailTaken, idKey, page, toUser } from './shared.js';

const status = z.enum(['pending', 'accepted', 'expired', 'cancelled']);

const ListQuery = z.strictObject({ ...page, status: status.optional(), email: z.string().min(1).max(255).optional() });

const Params = z.strictObject({ invitation_id: idKey });

/** An invitation that cannot be accepted: a 422 naming the token. */
const refused = (detail: string, message: string) => new MockProblem(422, 'unprocessable', detail, [{ location: 'body', path: 'token', message }]);

export const invitationHandlers: HandlerTable = {
  listInvitations: {
    scope: 'directory',
    handle({ world, work, req }) {
      const query = req.query(ListQuery);
      const now = world.clock.now();
      const email = query.email?.toLowerCase();
      const rows = world.store.tables.invitations.where(
        (row) =>
          canSeeInvitation(work.me, row) &&
          (query.status === undefined || effectiveStatus(row, now) === query.status) &&
          (email === undefined || row.email.toLowerCase() === email),
      );
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('invitations', { status: query.status, email: query.email }),
          descending: true,
          keyLength: 2,
          keyOf: (row) => [row.created_at, row.id],
          serialize: (row) => toInvitation(row, now),
        }),
      );
    },
  },
  createInvitation: {
    scope: 'directory',
    handle({ world, work, req }) {
      const body = req.json('createInvitation');
      const actor = work.me;
      const { invitations } = world.store.tables;
      const now = world.clock.now();
      const address = body.email.toLowerCase();
      const sameAddress = (row: InvitationRow) => row.email.toLowerCase() === address && row.status === 'pending';
      // An expired invitation holds the one pending slot per address until it is marked; the
      // caller marks (and then sees) only the invitations row-level security shows them.
      for (const row of invitations.where((each) => sameAddress(each) && mayUpdateInvitation(actor, each) && effectiveStatus(each, now) === 'expired')) {
        invitations.put({ ...row, status: 'expired' });
      }
      if (invitations.where((each) => sameAddress(each) && canSeeInvitation(actor, each)).length > 0) {
        throw new MockProblem(409, 'conflict', 'An invitation to this address is already pending; cancel it first.');
      }
      const token = world.ids.secret(43);
      const row: InvitationRow = {
        id: world.ids.uuid(),
        email: body.email,
        role: body.role,
        // Managers may only invite into their own department: left out, that is where the invitee goes.
        department_id: 'department_id' in body ? (body.department_id?.toLowerCase() ?? null) : actor.role === 'manager' ? actor.departmentId : null,
        invited_by: actor.id,
        status: 'pending',
        expires_at: new Date(now.getTime() + world.settings.invitationTtlSeconds * 1000).toISOString(),
        accepted_at: null,
        created_at: now.toISOString(),
        token,
      };
      if (!mayInsertInvitation(actor, row)) throw forbidden(MAY_NOT_MAKE_CHANGE);
      // The unique index on pending addresses sees the rows the policy hid from the check above.
      if (invitations.where(sameAddress).length > 0) throw duplicate();
      if (row.department_id !== null && !world.store.tables.departments.get(row.department_id)) throw missingReference('department_id');
      // Checked after the insert, so that a caller who may not invite at all hears 403, not this.
      if (emailTaken(world, row.email)) throw new MockProblem(409, 'conflict', 'A user with this email already exists.');
      invitations.put(row);
      audit(work, req, {
        event: 'user_invited',
        status: 'success',
        userId: row.invited_by,
        metadata: { invitation_id: row.id, email: row.email, role: row.role, department_id: row.department_id },
      });
      recordEmailNotification(work, {
        userId: row.invited_by,
        type: 'invitation',
        title: `Invitation sent to ${row.email}`,
        body: `${row.email} was invited to join as ${row.role}. The invitation expires on ${row.expires_at}.`,
        metadata: { invitation_id: row.id, email: row.email },
        expiresAt: row.expires_at,
      });
      sendMail(work, invitationMail(row.email, row.role, token, world.settings.invitationTtlSeconds));
      return created({ ...toInvitation(row, now), token });
    },
  },
  cancelInvitation: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { invitation_id } = req.params(Params);
      const { invitations } = world.store.tables;
      const now = world.clock.now();
      const row = invitations.get(invitation_id);
      if (!row || !canSeeInvitation(work.me, row)) throw notFound('invitation');
      const state = effectiveStatus(row, now);
      if (state === 'pending' && mayUpdateInvitation(work.me, row)) return ok(toInvitation(invitations.put({ ...row, status: 'cancelled' }), now));
      if (state !== 'pending') throw new MockProblem(409, 'invalid_transition', `The invitation is ${state}; only a pending invitation can be cancelled.`);
      throw forbidden('Only admins and the manager who sent an invitation may cancel it.');
    },
  },
  acceptInvitation: {
    anonymous: true,
    handle({ world, work, req }) {
      const body = req.json('acceptInvitation');
      const { invitations, users } = world.store.tables;
      const now = world.clock.now();
      const invitation = invitations.all().find((row) => row.token === body.token);
      if (!invitation) throw refused('This invitation link is invalid.', 'is not a valid invitation token');
      if (invitation.status === 'accepted') throw refused('This invitation was already accepted; log in instead.', 'was already used');
      if (invitation.status === 'cancelled') throw refused('This invitation was cancelled.', 'was cancelled');
      if (effectiveStatus(invitation, now) === 'expired') throw refused('This invitation has expired; ask for a new one.', 'has expired');
      if (body.password.trim().toLowerCase() === invitation.email.trim().toLowerCase()) throw fieldProblem('body', 'password', 'must not be the email address');
      if (emailTaken(world, invitation.email)) throw new MockProblem(409, 'conflict', 'An account with this email already exists; log in instead.');
      const at = work.now();
      const user = users.put({
        id: world.ids.uuid(),
        email: invitation.email,
        username: null,
        first_name: body.first_name,
        last_name: body.last_name,
        phone_number: null,
        avatar_url: null,
        role: invitation.role,
        department_id: invitation.department_id,
        is_active: true,
        is_approved: true,
        is_email_verified: true,
        mfa_enabled: false,
        locked_until: null,
        preferences: {},
        last_login_at: now.toISOString(),
        created_at: at,
        updated_at: at,
        password: body.password,
        failed_login_attempts: 0,
        key: null,
      });
      invitations.put({ ...invitation, status: 'accepted', accepted_at: now.toISOString() });
      const tokens = startSession(world, user.id);
      audit(work, req, {
        event: 'invitation_accepted',
        status: 'success',
        userId: user.id,
        actorId: user.id,
        metadata: { invitation_id: invitation.id, invited_by: invitation.invited_by, role: invitation.role },
      });
      audit(work, req, { event: 'login', status: 'success', userId: user.id, actorId: user.id, metadata: { via: 'invitation' } });
      return created({ ...tokens, user: toUser(user, world.clock.now()) }, { Location: `/v1/users/${user.id}` });
    },
  },
};
