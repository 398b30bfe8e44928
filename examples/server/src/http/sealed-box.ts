/**
 * Authenticated encryption (AES-256-GCM) for data the server keeps for itself. Stored idempotent
 * responses can hold secrets shown once (a new API key, a webhook secret, an invitation token);
 * sealed, a copy of the database alone does not reveal them. The key is derived from the server's
 * token-signing secret, which every instance already shares.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface SealedBox {
  seal(plaintext: string): string;
  /** The plaintext, or undefined when the box was sealed with another key or tampered with. */
  open(sealed: string): string | undefined;
}

export function sealedBox(secret: Uint8Array, purpose: string): SealedBox {
  const key = Buffer.from(hkdfSync('sha256', secret, 'ticketflow', purpose, 32));
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed) {
      try {
        const bytes = Buffer.from(sealed, 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
        decipher.setAuthTag(bytes.subarray(12, 28));
        return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
