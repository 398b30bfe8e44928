/**
 * Row-level security of the credential tables (examples/server/migrations/0011, "Access"): API
 * keys (admins all; agents and managers the keys acting as them or that they created; customers
 * none) and invitations (admins all; managers those they sent and those into their department),
 * and the email notification the server records for each secret it mails.
 */
import type { components } from '../../generated/api.js';
import { omit, type ApiKeyRow, type InvitationRow } from '../store.js';
import type { Actor, Work } from '../world.js';
import { emit } from './trail.js';

const isAgentOrManager = (actor: Actor) => actor.role === 'agent' || actor.role === 'manager';

/** api_keys_admin / api_keys_select_own. */
export const canSeeApiKey = (actor: Actor, key: ApiKeyRow) =>
  actor.role === 'admin' || (isAgentOrManager(actor) && (key.user_id === actor.id || key.created_by === actor.id));

/** api_keys_admin / api_keys_insert_own: a key acting as the caller, or as anyone for an admin. */
export const mayInsertApiKey = (actor: Actor, userId: string) => actor.role === 'admin' || (isAgentOrManager(actor) && userId === actor.id);

/** api_keys_admin / api_keys_update_own: admins, and whoever created the key. */
export const mayUpdateApiKey = (actor: Actor, key: ApiKeyRow) => actor.role === 'admin' || (isAgentOrManager(actor) && key.created_by === actor.id);

/** user_invitations_admin / user_invitations_select_manager. */
export const canSeeInvitation = (actor: Actor, invitation: InvitationRow) =>
  actor.role === 'admin' ||
  (actor.role === 'manager' && (invitation.invited_by === actor.id || (actor.departmentId !== null && invitation.department_id === actor.departmentId)));

/** user_invitations_admin / user_invitations_insert_manager: managers invite customers and agents into their own department. */
export const mayInsertInvitation = (actor: Actor, invitation: Pick<InvitationRow, 'invited_by' | 'department_id' | 'role'>) =>
  actor.role === 'admin' ||
  (actor.role === 'manager' &&
    invitation.invited_by === actor.id &&
    actor.departmentId !== null &&
    invitation.department_id === actor.departmentId &&
    (invitation.role === 'customer' || invitation.role === 'agent'));

/** user_invitations_admin / user_invitations_update_manager: admins, and the manager who sent it. */
export const mayUpdateInvitation = (actor: Actor, invitation: InvitationRow) =>
  actor.role === 'admin' || (actor.role === 'manager' && invitation.invited_by === actor.id && (invitation.role === 'customer' || invitation.role === 'agent'));

/** A pending invitation past its expiry is stored as pending but is `expired` to everyone reading it. */
export const effectiveStatus = (invitation: Pick<InvitationRow, 'status' | 'expires_at'>, now: Date): InvitationRow['status'] =>
  invitation.status === 'pending' && Date.parse(invitation.expires_at) <= now.getTime() ? 'expired' : invitation.status;

/** The invitation as the API shows it: no token, and its status as of now. */
export function toInvitation(row: InvitationRow, now: Date): components['schemas']['Invitation'] {
  return { ...omit(row, ['token']), status: effectiveStatus(row, now) };
}

/**
 * The notification recording an email with a secret (examples/server/src/auth/email.ts): in the
 * user's list with its subject and a description, never the token; `sent` once delivered, which
 * the mock's mailbox always is. Its insert emits `notification.created` to that user, as the
 * table's trigger does.
 */
export function recordEmailNotification(
  work: Work,
  notification: { userId: string; type: 'password_reset' | 'invitation'; title: string; body: string; metadata: Record<string, unknown>; expiresAt: string },
): void {
  const { store, ids } = work.world;
  const now = work.now();
  const id = ids.uuid();
  store.tables.notifications.put({
    id,
    user_id: notification.userId,
    ticket_id: null,
    type: notification.type,
    channel: 'email',
    priority: 'high',
    title: notification.title,
    body: notification.body,
    status: 'sent',
    metadata: notification.metadata,
    created_at: now,
    sent_at: now,
    delivered_at: null,
    read_at: null,
    expires_at: notification.expiresAt,
  });
  emit(work, 'notification.created', null, false, { notification_id: id, type: notification.type, ticket_id: null }, { userId: notification.userId });
}
