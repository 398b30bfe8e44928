/**
 * Webhook signatures: `Ticketflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
 * keyed with the webhook's secret. The timestamp is inside the signed text, so a receiver that
 * refuses old timestamps cannot be fed a captured request again later.
 */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'Ticketflow-Signature';

/** The header value for `body` sent at `at`. */
export function signWebhook(secret: string, at: Date, body: string): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}
