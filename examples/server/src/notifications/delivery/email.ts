/**
 * Email with nodemailer: over SMTP when the deployment configures a server (`SMTP_URL`), otherwise
 * into one `.eml` file per message under the data directory, which any mail client opens.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type NodemailerError } from 'nodemailer';
import type { NotificationChannel } from './channel.js';
import { emailMessage } from './email-message.js';
import { DeliveryError, UndeliverableError } from './errors.js';

export interface SmtpEmailOptions {
  /** `smtp://user:pass@host:587` or `smtps://…`. Never logged: it may hold a password. */
  url: string;
  /** The From header, `Name <address>` or a bare address. */
  from: string;
  /** Limit for connecting, for the greeting and for each silence of the server. */
  timeoutMs?: number;
}

/** Email over SMTP: a message the server accepts is `sent`, its delivery is the server's job then. */
export function smtpEmailChannel({ url, from, timeoutMs = 30_000 }: SmtpEmailOptions): NotificationChannel {
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(notification) {
      try {
        const info = await transport.sendMail(emailMessage(notification, from));
        return { status: 'sent', externalId: info.messageId };
      } catch (error) {
        throw smtpFailure(error);
      }
    },
  };
}

/**
 * A refusal of this message or recipient for good (a 5xx reply to RCPT TO or DATA) fails the row;
 * anything else (the server down, a 4xx, a login the operator may still fix) is retried.
 */
function smtpFailure(error: unknown): DeliveryError {
  const failure = error as NodemailerError;
  const message = `SMTP: ${failure.message ?? String(error)}`;
  const refused = (failure.code === 'EENVELOPE' || failure.code === 'EMESSAGE') && failure.permanent === true;
  return refused ? new UndeliverableError(message, { cause: error }) : new DeliveryError(message, { cause: error });
}

export interface FileEmailOptions {
  /** Where the `.eml` files go (`<DATA_DIR>/mailbox` in development). */
  dir: string;
  from: string;
}

/**
 * Email for development: each message becomes `<created>-<notification id>.eml` in `dir`, named so
 * that `ls` lists them in order and a message written again after a crash replaces its first copy.
 */
export function fileEmailChannel({ dir, from }: FileEmailOptions): NotificationChannel {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(notification) {
      const info = await transport.sendMail(emailMessage(notification, from));
      const stamp = notification.createdAt.toISOString().replace(/[:.]/g, '-');
      await mkdir(dir, { recursive: true });
      // `buffer: true` makes the message a Buffer; the type also allows the streaming form.
      if (!Buffer.isBuffer(info.message)) throw new DeliveryError('the mail composer returned a stream, not a buffer');
      await writeFile(join(dir, `${stamp}-${notification.id}.eml`), info.message, { mode: 0o600 });
      return { status: 'sent', externalId: info.messageId };
    },
  };
}
