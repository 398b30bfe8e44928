/**
 * Where messages for people (password resets, invitations) are delivered. The reference server has
 * no mail provider: in development each message is written to a file under the data directory, and
 * tests read them from memory. A real deployment would implement `Mailbox` over its provider.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailbox {
  deliver(message: MailMessage): Promise<void>;
}

/** One `.txt` file per message in `dir`, named so that `ls` lists them in order. */
export function fileMailbox(dir: string): Mailbox {
  return {
    async deliver(message) {
      await mkdir(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.txt`;
      await writeFile(join(dir, name), `To: ${message.to}\nSubject: ${message.subject}\n\n${message.text}\n`, { mode: 0o600 });
    },
  };
}

export function memoryMailbox(): Mailbox & { messages: MailMessage[] } {
  const messages: MailMessage[] = [];
  return {
    messages,
    deliver(message) {
      messages.push(message);
      return Promise.resolve();
    },
  };
}

export const mailboxDir = (dataDir: string) => join(dataDir, 'mailbox');
