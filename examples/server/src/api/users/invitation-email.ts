/**
 * Emailing an invitation once it has committed. The invitee has no account yet, so the
 * notification that records the email belongs to whoever sent the invitation: they can see whether
 * it went out. It is written on the server's own connection, because only admins may write
 * notifications through the API.
 */
import type { AppDeps } from '../../context.js';
import { deliverEmail, insertEmailNotification } from '../../auth/email.js';
import type { MailMessage } from '../../mailbox.js';
import type { InvitationRow } from './invitation.js';

type Deps = Pick<AppDeps, 'db' | 'mailbox' | 'logger' | 'clock' | 'auth'>;

function invitationMessage(invitation: InvitationRow, token: string, days: number): MailMessage {
  return {
    to: invitation.email,
    subject: 'You are invited to Ticketflow',
    text: [
      `You are invited to join Ticketflow as ${invitation.role === 'admin' || invitation.role === 'agent' ? 'an' : 'a'} ${invitation.role}.`,
      '',
      `Invitation token: ${token}`,
      '',
      `Send it with your name and a password of your choice to POST /v1/invitations/accept within ${days} days; it works once.`,
      'If you do not know why you received this, ignore it.',
    ].join('\n'),
  };
}

export async function sendInvitationEmail(deps: Deps, invitation: InvitationRow, token: string): Promise<void> {
  const days = Math.max(1, Math.round(deps.auth.invitationTtlSeconds / 86_400));
  let notificationId: string;
  try {
    notificationId = await deps.db.transaction((tx) =>
      insertEmailNotification(tx, {
        userId: invitation.invited_by,
        type: 'invitation',
        title: `Invitation sent to ${invitation.email}`,
        body: `${invitation.email} was invited to join as ${invitation.role}. The invitation expires on ${invitation.expires_at.toISOString()}.`,
        metadata: { invitation_id: invitation.id, email: invitation.email },
        expiresAt: invitation.expires_at,
      }),
    );
  } catch (error) {
    deps.logger.log('error', 'could not record an invitation email', {
      invitation_id: invitation.id,
      reason: (error instanceof Error ? error.message : String(error)).slice(0, 500),
    });
    return;
  }
  await deliverEmail(deps, notificationId, invitationMessage(invitation, token, days), token);
}
