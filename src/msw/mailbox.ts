/**
 * The mock's mailbox: the emails the server sends (password resets, invitations), with the same
 * subject and text, kept in memory as the reference server's test mailbox keeps them. A message is
 * a row written in the request's transaction, so a request that fails sends nothing — as the server
 * sends only once its change has committed. Each message also names the token it carries, which a
 * test would otherwise cut out of the text.
 */
import type { Work, World } from './world.js';

/**
 * One email the mocked server sent.
 *
 * @example
 * ```ts
 * await tf.auth.requestPasswordReset({ email: 'customer@example.com' });
 * const [mail] = mock.mailbox.filter((message) => message.to === 'customer@example.com');
 * await tf.auth.confirmPasswordReset({ token: mail!.token, new_password: 'a new passphrase' });
 * ```
 */
export interface MockMail {
  to: string;
  subject: string;
  text: string;
  /** The secret the message carries (the reset or invitation token), as it appears in `text`. */
  token: string;
  /** When it was sent, by the mock clock. */
  sent_at: string;
}

/**
 * A sent message as the store keeps it; `id` is its place in the order of sending.
 *
 * @example
 * ```ts
 * const first = mock.db.mail.get('1');
 * ```
 */
export type MailRow = MockMail & { id: string };

/** Sends `mail` as part of the work's transaction. */
export function sendMail(work: Work, mail: Omit<MockMail, 'sent_at'>): void {
  const { mail: table } = work.world.store.tables;
  table.put({ id: String(table.size + 1), ...mail, sent_at: work.now() });
}

/** Every message sent so far, oldest first. */
export function sentMail(world: World): MockMail[] {
  return world.store.tables.mail.all().map(({ to, subject, text, token, sent_at }) => ({ to, subject, text, token, sent_at }));
}

/** The server's password-reset email (examples/server/src/auth/password-reset.ts). */
export function resetMail(to: string, token: string, ttlSeconds: number): Omit<MockMail, 'sent_at'> {
  const minutes = Math.max(1, Math.round(ttlSeconds / 60));
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
    token,
  };
}

/** The server's invitation email (examples/server/src/api/users/invitation-email.ts). */
export function invitationMail(to: string, role: string, token: string, ttlSeconds: number): Omit<MockMail, 'sent_at'> {
  const days = Math.max(1, Math.round(ttlSeconds / 86_400));
  return {
    to,
    subject: 'You are invited to Ticketflow',
    text: [
      `You are invited to join Ticketflow as ${role === 'admin' || role === 'agent' ? 'an' : 'a'} ${role}.`,
      '',
      `Invitation token: ${token}`,
      '',
      `Send it with your name and a password of your choice to POST /v1/invitations/accept within ${days} days; it works once.`,
      'If you do not know why you received this, ignore it.',
    ].join('\n'),
    token,
  };
}
