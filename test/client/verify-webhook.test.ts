/**
 * Webhook verification. The expected signatures are computed here with Node's own HMAC
 * (node:crypto), independently of the Web Crypto code under test.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookPayload, verifyWebhook, WebhookVerificationError } from '../../src/index.js';

const SECRET = 'whsec_test_0123456789';
const BODY = JSON.stringify({ id: '42', type: 'ticket.created', data: { ticket_id: 't1' } });
const NOW = new Date('2030-01-01T12:00:00Z');
const T = NOW.getTime() / 1000;
const sign = (t: number, body = BODY, secret = SECRET) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

describe('verifyWebhook', () => {
  it('accepts a fresh, correctly signed body and returns it parsed, from Headers or a plain object', async () => {
    expect(await verifyWebhook(BODY, new Headers({ 'ticketflow-signature': sign(T) }), SECRET, { now: NOW })).toEqual(JSON.parse(BODY));
    expect(await verifyWebhook(new TextEncoder().encode(BODY), { 'Ticketflow-Signature': sign(T - 299) }, SECRET, { now: NOW })).toEqual(JSON.parse(BODY));
  });

  it('refuses a changed body, another secret, an old or future timestamp, and a missing or malformed header', async () => {
    const refusals: [string, Record<string, string>][] = [
      [`${BODY} `, { 'ticketflow-signature': sign(T) }],
      [BODY, { 'ticketflow-signature': sign(T, BODY, 'another-secret') }],
      [BODY, { 'ticketflow-signature': sign(T - 301) }],
      [BODY, { 'ticketflow-signature': sign(T + 301) }],
      [BODY, {}],
      [BODY, { 'ticketflow-signature': 'v1=abc' }],
      [BODY, { 'ticketflow-signature': `t=${T},v1=${'0'.repeat(64)}` }],
    ];
    for (const [body, headers] of refusals) {
      await expect(verifyWebhook(body, headers, SECRET, { now: NOW })).rejects.toBeInstanceOf(WebhookVerificationError);
    }
  });

  it('honours a wider tolerance when asked', async () => {
    await expect(verifyWebhook(BODY, { 'ticketflow-signature': sign(T - 600) }, SECRET, { now: NOW, tolerance: 900 })).resolves.toEqual(JSON.parse(BODY));
  });

  it('refuses a tolerance that would switch replay protection off, and an empty secret', async () => {
    const headers = { 'ticketflow-signature': sign(T - 10_000) };
    await expect(verifyWebhook(BODY, headers, SECRET, { now: NOW, tolerance: Number.NaN })).rejects.toThrow('tolerance');
    await expect(verifyWebhook(BODY, headers, SECRET, { now: NOW, tolerance: -1 })).rejects.toThrow('tolerance');
    await expect(verifyWebhook(BODY, { 'ticketflow-signature': sign(T) }, '', { now: NOW })).rejects.toThrow('secret');
  });

  it('signs test payloads the way the API does', async () => {
    expect(await signWebhookPayload(BODY, SECRET, NOW)).toBe(sign(T));
  });
});
