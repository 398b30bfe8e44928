/**
 * Notification delivery on both engines: rows inserted as the owner (as the router would make
 * them), the worker run with the harness's clock, and real SMTP and HTTP servers on loopback.
 *
 * Backoff times are worked out by hand from the retry policy given to the worker: the delay after
 * the n-th failure has a ceiling of base · 2^(n-1); half of it is always waited and the other half
 * is scaled by `random()`, fixed here at 0.5, so the delay is three quarters of the ceiling.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/database.js';
import {
  channelsFromConfig,
  fileEmailChannel,
  inAppChannel,
  notificationDelivery,
  retryDelayMs,
  slackChannel,
  smsChannel,
  smtpEmailChannel,
  type DeliveryChannels,
  type NotificationChannel,
  type NotificationDeliveryOptions,
  type SmsMessage,
} from '../src/notifications/delivery/index.js';
import type { Worker } from '../src/workers/worker.js';
import { createApiHarness, type ApiHarness } from './support/api-harness.js';
import { engines } from './support/test-database.js';
import type { UserKey } from './support/world.js';

const T0 = new Date('2030-03-04T10:00:00.000Z');
const SECOND = 1000;
const at = (seconds: number) => new Date(T0.getTime() + seconds * SECOND);
const FROM = 'Ticketflow Help <help@example.test>';
/** base 60 s, three attempts: delays of 45 s (ceiling 60 s) and 90 s (ceiling 120 s). */
const RETRY = { maxAttempts: 3, baseDelayMs: 60 * SECOND, maxDelayMs: 3600 * SECOND, random: () => 0.5 };

interface Row {
  status: string;
  retry_count: number;
  next_attempt_at: Date | null;
  failed_reason: string | null;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  external_id: string | null;
  created_at: Date;
}

describe.each(engines)('notification delivery (%s)', (engine) => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    // The worker takes every due row of any channel: each test starts from an empty table.
    await api.db.query('delete from notifications');
    api.clock.set(T0);
  });

  async function notify(fields: { user?: UserKey; channel: string; priority?: string; expiresAt?: Date; status?: string }): Promise<string> {
    const { rows } = await api.db.query<{ id: string }>(
      `insert into notifications (user_id, ticket_id, type, channel, priority, title, body, metadata, expires_at, status, read_at)
       values ($1, $2, 'comment_added', $3, $4, 'New comment on TKT-2030-00042', 'Ana replied: "We are on it."',
               '{"ticket_number": "TKT-2030-00042"}', $5, $6::notification_status,
               case when $6::notification_status = 'read' then $7::timestamptz end)
       returning id`,
      [api.world.users[fields.user ?? 'customer'], api.world.ids.mine, fields.channel, fields.priority ?? 'normal',
        fields.expiresAt ?? null, fields.status ?? 'pending', T0],
    );
    return rows[0]!.id;
  }

  async function row(id: string): Promise<Row> {
    const { rows } = await api.db.query<Row>(
      `select status, retry_count, next_attempt_at, failed_reason, sent_at, delivered_at, read_at, external_id, created_at
         from notifications where id = $1`,
      [id],
    );
    return rows[0]!;
  }

  const worker = (channels: DeliveryChannels, options: Partial<NotificationDeliveryOptions> = {}): Worker =>
    notificationDelivery({ db: api.db, clock: api.clock, logger: api.logger, channels, retry: RETRY, ...options });

  describe('in-app', () => {
    it('is delivered at once, and a notification already read is left alone', async () => {
      const pending = await notify({ channel: 'in_app' });
      const read = await notify({ channel: 'in_app', status: 'read' });
      const delivery = worker({ in_app: inAppChannel() });

      expect(await delivery.runOnce()).toBe(1);
      expect(await row(pending)).toMatchObject({ status: 'delivered', retry_count: 0, sent_at: T0, delivered_at: T0, next_attempt_at: null });
      expect(await row(read)).toMatchObject({ status: 'read', sent_at: null, delivered_at: null });
      expect(await delivery.runOnce()).toBe(0);
    });

    it('keeps a notification the user read during the send as read', async () => {
      const id = await notify({ channel: 'in_app' });
      const readingChannel: NotificationChannel = {
        async send() {
          // The user opens the notification while the worker is still sending it.
          await api.db.query("update notifications set status = 'read', read_at = $2 where id = $1", [id, at(1)]);
          return { status: 'delivered' };
        },
      };
      api.clock.set(at(2));
      expect(await worker({ in_app: readingChannel }).runOnce()).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'read', read_at: at(1), sent_at: at(2), delivered_at: at(2), next_attempt_at: null });
    });

    it('fails expired notifications and those of inactive users without sending them', async () => {
      const sent: string[] = [];
      const counting: NotificationChannel = { send: (n) => (sent.push(n.id), Promise.resolve({ status: 'delivered' })) };
      const expired = await notify({ channel: 'in_app', expiresAt: T0 });
      const inactive = await notify({ channel: 'in_app', user: 'spare' });
      await api.db.query('update users set is_active = false where id = $1', [api.world.users.spare]);
      try {
        expect(await worker({ in_app: counting }).runOnce()).toBe(2);
      } finally {
        await api.db.query('update users set is_active = true where id = $1', [api.world.users.spare]);
      }
      expect(sent).toEqual([]);
      expect(await row(expired)).toMatchObject({ status: 'failed', retry_count: 1, failed_reason: 'expired before it could be delivered' });
      expect(await row(inactive)).toMatchObject({ status: 'failed', retry_count: 1, failed_reason: 'the recipient account is inactive' });
    });
  });

  describe('email over SMTP', () => {
    let smtp: LoopbackSmtp | undefined;
    afterEach(async () => {
      await smtp?.close();
      smtp = undefined;
    });

    it('hands the message to a working server: sent, with its Message-ID', async () => {
      smtp = await loopbackSmtp();
      const id = await notify({ channel: 'email', priority: 'urgent' });
      const delivery = worker({ email: smtpEmailChannel({ url: smtp.url, from: FROM }) });

      expect(await delivery.runOnce()).toBe(1);
      expect(await row(id)).toMatchObject({
        status: 'sent', sent_at: T0, delivered_at: null, retry_count: 0, failed_reason: null, external_id: `<${id}@example.test>`,
      });
      expect(smtp.messages).toHaveLength(1);
      const message = smtp.messages[0]!;
      expect(message.from).toBe('help@example.test');
      expect(message.to).toEqual(['customer@world.test']);
      expect(message.raw).toMatch(/^Subject: New comment on TKT-2030-00042$/m);
      expect(message.raw).toMatch(/^To: customer <customer@world\.test>$/m);
      expect(message.raw).toMatch(new RegExp(`^Message-ID: <${id}@example\\.test>$`, 'm'));
      expect(message.raw).toMatch(new RegExp(`^X-Ticketflow-Notification: ${id}$`, 'm'));
      expect(message.raw).toMatch(/^X-Ticketflow-Ticket: TKT-2030-00042$/m);
      expect(message.raw).toMatch(/^Auto-Submitted: auto-generated$/m);
      expect(message.raw).toMatch(/^X-Priority: 1/m);
      expect(message.raw).toContain('Ana replied: "We are on it."');
    });

    it('retries a server that answers 451 with growing delays, then marks the notification failed', async () => {
      smtp = await loopbackSmtp({ rcpt: () => ({ code: 451, message: '4.3.0 Mailbox busy, try again later' }) });
      const id = await notify({ channel: 'email' });
      const delivery = worker({ email: smtpEmailChannel({ url: smtp.url, from: FROM }) });

      // Attempt 1 at T0 fails: due again 45 s later.
      expect(await delivery.runOnce()).toBe(1);
      let now = await row(id);
      expect(now).toMatchObject({ status: 'pending', retry_count: 1, next_attempt_at: at(45), sent_at: null });
      expect(now.failed_reason).toContain('451 4.3.0 Mailbox busy, try again later');
      api.clock.set(at(44));
      expect(await delivery.runOnce()).toBe(0);
      expect(smtp.recipientsTried).toBe(1);

      // Attempt 2 at T0+45 s fails: due again 90 s later, at T0+135 s.
      api.clock.set(at(45));
      expect(await delivery.runOnce()).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'pending', retry_count: 2, next_attempt_at: at(135) });
      api.clock.set(at(134));
      expect(await delivery.runOnce()).toBe(0);

      // Attempt 3, the last one allowed, fails: failed for good, with the server's answer.
      api.clock.set(at(135));
      expect(await delivery.runOnce()).toBe(1);
      now = await row(id);
      expect(now).toMatchObject({ status: 'failed', retry_count: 3, next_attempt_at: null, sent_at: null });
      expect(now.failed_reason).toContain('451 4.3.0 Mailbox busy, try again later');

      api.clock.set(at(100_000));
      expect(await delivery.runOnce()).toBe(0);
      expect(smtp.recipientsTried).toBe(3);
      expect(smtp.messages).toHaveLength(0);
      const logged = api.logger.entries.filter((entry) => entry.fields.notification_id === id).map((entry) => entry.message);
      expect(logged).toEqual([
        'notification delivery will be retried', 'notification delivery will be retried', 'notification delivery failed',
      ]);
    });

    it('fails at once when the server refuses the recipient for good (550)', async () => {
      smtp = await loopbackSmtp({ rcpt: () => ({ code: 550, message: '5.1.1 No such user here' }) });
      const id = await notify({ channel: 'email' });
      expect(await worker({ email: smtpEmailChannel({ url: smtp.url, from: FROM }) }).runOnce()).toBe(1);
      const now = await row(id);
      expect(now).toMatchObject({ status: 'failed', retry_count: 1, next_attempt_at: null });
      expect(now.failed_reason).toContain('550 5.1.1 No such user here');
      expect(smtp.recipientsTried).toBe(1);
    });

    it('retries when no server listens, and delivers once one does', async () => {
      smtp = await loopbackSmtp();
      const url = smtp.url;
      await smtp.close();
      const id = await notify({ channel: 'email' });
      const delivery = worker({ email: smtpEmailChannel({ url, from: FROM }) });

      expect(await delivery.runOnce()).toBe(1);
      const now = await row(id);
      expect(now).toMatchObject({ status: 'pending', retry_count: 1, next_attempt_at: at(45) });
      expect(now.failed_reason).toContain('ECONNREFUSED');

      smtp = await loopbackSmtp({ port: Number(new URL(url).port) });
      api.clock.set(at(45));
      expect(await delivery.runOnce()).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'sent', retry_count: 1, failed_reason: null, sent_at: at(45), next_attempt_at: null });
      expect(smtp.messages).toHaveLength(1);
    });

    it('two workers draining the same rows send each message exactly once', async () => {
      smtp = await loopbackSmtp();
      const ids = new Set<string>();
      for (let i = 0; i < 24; i += 1) ids.add(await notify({ channel: 'email' }));
      // A second instance: its own connections on PostgreSQL; PGlite has only the one.
      const other: Database = api.url ? await openDatabase({ databaseUrl: api.url, maxConnections: 4 }) : api.db;
      try {
        const email = smtpEmailChannel({ url: smtp.url, from: FROM });
        const options = { batchSize: 5, concurrency: 3 };
        const first = worker({ email }, options);
        const second = notificationDelivery({ db: other, clock: api.clock, logger: api.logger, channels: { email }, retry: RETRY, ...options });
        const [a, b] = await Promise.all([drain(first), drain(second)]);
        expect(a + b).toBe(24);
      } finally {
        if (other !== api.db) await other.close();
      }
      const received = smtp.messages.map((message) => /^X-Ticketflow-Notification: (\S+)$/m.exec(message.raw)?.[1]);
      expect(received).toHaveLength(24);
      expect(new Set(received)).toEqual(ids);
      const { rows } = await api.db.query<{ status: string; n: number }>('select status, count(*)::int as n from notifications group by status');
      expect(rows).toEqual([{ status: 'sent', n: 24 }]);
    });
  });

  describe('email into .eml files', () => {
    let dataDir: string;
    beforeEach(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'tf-mail-'));
    });
    afterEach(() => rm(dataDir, { recursive: true, force: true }));

    it('is the default without SMTP_URL: one file per message under <DATA_DIR>/mailbox, beside the password-reset mails', async () => {
      const config = loadConfig({ DATA_DIR: dataDir, SMTP_FROM: FROM });
      expect(config.smtpUrl).toBeUndefined();
      const id = await notify({ channel: 'email' });

      expect(await worker(channelsFromConfig(config)).runOnce()).toBe(1);
      const stored = await row(id);
      expect(stored).toMatchObject({ status: 'sent', sent_at: T0, external_id: `<${id}@example.test>` });
      // Named <created_at with ":" and "." made "-">-<id>.eml, e.g. 2030-03-04T10-00-00-000Z-<id>.eml.
      const name = `${stored.created_at.toISOString().replace(/[:.]/g, '-')}-${id}.eml`;
      expect(await readdir(join(dataDir, 'mailbox'))).toEqual([name]);
      const eml = await readFile(join(dataDir, 'mailbox', name), 'utf8');
      expect(eml).toMatch(/^From: Ticketflow Help <help@example\.test>$/m);
      expect(eml).toMatch(/^To: customer <customer@world\.test>$/m);
      expect(eml).toMatch(/^Subject: New comment on TKT-2030-00042$/m);
      expect(eml).toContain('Ana replied: "We are on it."');
    });

    it('writes a message sent again over its first copy', async () => {
      const id = await notify({ channel: 'email' });
      const channel = fileEmailChannel({ dir: dataDir, from: FROM });
      // A crash after writing and before recording: the lease runs out and the row is sent again.
      await worker({ email: channel }).runOnce();
      await api.db.query("update notifications set status = 'pending', next_attempt_at = null where id = $1", [id]);
      await worker({ email: channel }).runOnce();
      expect(await readdir(dataDir)).toHaveLength(1);
    });
  });

  describe('Slack', () => {
    let slack: LoopbackHttp | undefined;
    afterEach(async () => {
      await slack?.close();
      slack = undefined;
    });

    it('posts the notification to the webhook: delivered', async () => {
      slack = await loopbackHttp((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
      const id = await notify({ channel: 'slack', user: 'agent' });
      await api.db.query("update notifications set title = 'Breach: <TKT-1> & more' where id = $1", [id]);

      expect(await worker({ slack: slackChannel({ webhookUrl: `${slack.url}/services/T0/B0/secret` }) }).runOnce()).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'delivered', sent_at: T0, delivered_at: T0, retry_count: 0 });
      expect(slack.requests).toHaveLength(1);
      const request = slack.requests[0]!;
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/services/T0/B0/secret');
      expect(request.contentType).toBe('application/json');
      expect(JSON.parse(request.body)).toEqual({
        text: 'Breach: <TKT-1> & more',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: '*Breach: &lt;TKT-1&gt; &amp; more*\nAna replied: "We are on it."' } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: 'For agent' }] },
        ],
      });
    });

    it('retries a 5xx, waits as long as a 429 asks, and fails at once on a 404', async () => {
      const answers = [500, 429, 200];
      slack = await loopbackHttp((_req, res) => {
        const status = answers.shift() ?? 500;
        res.writeHead(status, status === 429 ? { 'retry-after': '600' } : {}).end(status === 200 ? 'ok' : 'rate_limited');
      });
      const id = await notify({ channel: 'slack' });
      const delivery = worker({ slack: slackChannel({ webhookUrl: slack.url }) });

      expect(await delivery.runOnce()).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'pending', retry_count: 1, next_attempt_at: at(45), failed_reason: 'Slack answered 500: rate_limited' });
      // The 429 asks for 600 s, longer than the 90 s backoff: due at T0+45+600 s.
      api.clock.set(at(45));
      expect(await delivery.runOnce()).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'pending', retry_count: 2, next_attempt_at: at(645) });
      api.clock.set(at(645));
      expect(await delivery.runOnce()).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'delivered', retry_count: 2, failed_reason: null, delivered_at: at(645) });

      const gone = await notify({ channel: 'slack' });
      await slack.close();
      slack = await loopbackHttp((_req, res) => res.writeHead(404).end('no_service'));
      expect(await worker({ slack: slackChannel({ webhookUrl: slack.url }) }).runOnce()).toBe(1);
      expect(await row(gone)).toMatchObject({ status: 'failed', retry_count: 1, failed_reason: 'Slack answered 404: no_service' });
    });

    it('gives up on a webhook that does not answer in time, and retries', async () => {
      slack = await loopbackHttp(() => undefined); // never answers
      const id = await notify({ channel: 'slack' });
      const webhookUrl = `${slack.url}/services/secret-token`;
      expect(await worker({ slack: slackChannel({ webhookUrl, timeoutMs: 100 }) }).runOnce()).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'pending', retry_count: 1, failed_reason: 'Slack did not answer within 100 ms' });
    });

    it('never puts the webhook URL in the failure reason', async () => {
      slack = await loopbackHttp((_req, res) => res.end('ok'));
      const webhookUrl = `${slack.url}/services/secret-token`;
      await slack.close();
      slack = undefined;
      const id = await notify({ channel: 'slack' });
      expect(await worker({ slack: slackChannel({ webhookUrl }) }).runOnce()).toBe(1);
      const now = await row(id);
      expect(now).toMatchObject({ status: 'pending', failed_reason: 'Slack could not be reached: ECONNREFUSED' });
    });

    it('fails at once, saying what to set, when SLACK_WEBHOOK_URL is not configured', async () => {
      const id = await notify({ channel: 'slack' });
      expect(await worker(channelsFromConfig(loadConfig({}))).runOnce()).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'failed', retry_count: 1, failed_reason: 'Slack is not configured (set SLACK_WEBHOOK_URL)' });
    });
  });

  describe('SMS', () => {
    it('fails at once without a provider, or without a phone number', async () => {
      const noProvider = await notify({ channel: 'sms' });
      expect(await worker({ sms: smsChannel(undefined) }).runOnce()).toBe(1);
      expect(await row(noProvider)).toMatchObject({ status: 'failed', retry_count: 1, failed_reason: 'no SMS provider is configured' });

      const noPhone = await notify({ channel: 'sms' });
      const texts: SmsMessage[] = [];
      const provider = { send: (message: SmsMessage) => (texts.push(message), Promise.resolve({ status: 'sent' as const })) };
      expect(await worker({ sms: smsChannel(provider) }).runOnce()).toBe(1);
      expect(await row(noPhone)).toMatchObject({ status: 'failed', failed_reason: 'the recipient has no phone number' });
      expect(texts).toEqual([]);
    });

    it('sends through the provider to the user\'s phone number', async () => {
      await api.db.query("update users set phone_number = '+4915112345678' where id = $1", [api.world.users.agent]);
      const id = await notify({ channel: 'sms', user: 'agent' });
      const texts: SmsMessage[] = [];
      const provider = { send: (message: SmsMessage) => (texts.push(message), Promise.resolve({ status: 'sent' as const, externalId: 'SM123' })) };
      expect(await worker({ sms: smsChannel(provider) }).runOnce()).toBe(1);
      expect(texts).toEqual([{ to: '+4915112345678', text: 'New comment on TKT-2030-00042: Ana replied: "We are on it."' }]);
      expect(await row(id)).toMatchObject({ status: 'sent', external_id: 'SM123', sent_at: T0, delivered_at: null });
    });
  });

  describe('leases', () => {
    it('leaves password-reset and invitation emails to the request that sends them with their token', async () => {
      const { rows } = await api.db.query<{ id: string }>(
        `insert into notifications (user_id, type, channel, title, body)
         values ($1, 'password_reset', 'email', 'Reset your password', 'We emailed you a link.'),
                ($1, 'invitation', 'email', 'You are invited', 'We emailed you a link.')
         returning id`,
        [api.world.users.customer],
      );
      const sent: string[] = [];
      const email: NotificationChannel = { send: (n) => (sent.push(n.id), Promise.resolve({ status: 'sent' })) };
      expect(await worker({ email }).runOnce()).toBe(0);
      expect(sent).toEqual([]);
      for (const { id } of rows) expect((await row(id)).status).toBe('pending');
    });

    it('fails a row whose channel is not configured at all', async () => {
      const id = await notify({ channel: 'sms' });
      expect(await worker({}).runOnce()).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'failed', failed_reason: 'no sms channel is configured' });
    });

    it('a send that outlives its lease (a crashed worker) is taken over, and its late outcome is not recorded', async () => {
      const id = await notify({ channel: 'in_app' });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const sends: string[] = [];
      const stuck: NotificationChannel = { send: async () => (sends.push('first'), await gate, { status: 'delivered' }) };
      const healthy: NotificationChannel = { send: () => (sends.push('second'), Promise.resolve({ status: 'sent', externalId: 'second' })) };
      const first = worker({ in_app: stuck }, { leaseMs: 60 * SECOND });
      const second = worker({ in_app: healthy }, { leaseMs: 60 * SECOND });

      const running = first.runOnce();
      while (sends.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // Claimed and leased until T0+60 s: nobody else takes it before then.
      expect(await second.runOnce()).toBe(0);
      api.clock.set(at(59));
      expect(await second.runOnce()).toBe(0);
      api.clock.set(at(60));
      expect(await second.runOnce()).toBe(1);
      release();
      expect(await running).toBe(1);

      expect(sends).toEqual(['first', 'second']);
      expect(await row(id)).toMatchObject({ status: 'sent', external_id: 'second', sent_at: at(60), delivered_at: null, retry_count: 0 });
      expect(api.logger.entries.some((entry) => entry.message === 'notification lease ran out before its delivery was recorded' && entry.fields.notification_id === id)).toBe(true);
    });
  });
});

describe('retry delays', () => {
  const policy = { maxAttempts: 10, baseDelayMs: 60_000, maxDelayMs: 3_600_000 };

  it('double with each failure, half fixed and half random, up to the maximum', () => {
    const low = { ...policy, random: () => 0 };
    const high = { ...policy, random: () => 0.999 };
    // Ceilings: 60 s, 120 s, 240 s; at random 0 the delay is half the ceiling.
    expect([1, 2, 3].map((n) => retryDelayMs(low, n))).toEqual([30_000, 60_000, 120_000]);
    // At random 0.999: 30 000 + 0.999 · 30 000 = 59 970.
    expect(retryDelayMs(high, 1)).toBe(59_970);
    // 60 s · 2^9 = 30 720 s, capped at 3600 s: between 1800 s and 3600 s.
    expect(retryDelayMs(low, 10)).toBe(1_800_000);
    expect(retryDelayMs(high, 10)).toBe(3_598_200);
  });

  it('wait at least what the provider asked for, but never more than the maximum', () => {
    const fixed = { ...policy, random: () => 0.5 };
    expect(retryDelayMs(fixed, 1, 600_000)).toBe(600_000);
    expect(retryDelayMs(fixed, 1, 1_000)).toBe(45_000);
    expect(retryDelayMs(fixed, 1, 86_400_000)).toBe(3_600_000);
  });
});

describe('delivery settings', () => {
  it('default to .eml files, a local sender and no Slack', () => {
    const config = loadConfig({});
    expect(config.smtpUrl).toBeUndefined();
    expect(config.smtpFrom).toBe('Ticketflow <ticketflow@localhost>');
    expect(config.slackWebhookUrl).toBeUndefined();
  });

  it('accept SMTP and Slack URLs', () => {
    const config = loadConfig({
      SMTP_URL: 'smtps://user:pass@mail.example.com:465',
      SMTP_FROM: 'help@example.com',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
    });
    expect(config).toMatchObject({
      smtpUrl: 'smtps://user:pass@mail.example.com:465',
      smtpFrom: 'help@example.com',
      slackWebhookUrl: 'https://hooks.slack.com/services/T0/B0/x',
    });
  });

  it.each([
    [{ SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL must be an smtp:// or smtps:// URL'],
    [{ SMTP_URL: 'not a url' }, 'SMTP_URL must be an smtp:// or smtps:// URL'],
    [{ SMTP_FROM: 'Ticketflow' }, 'SMTP_FROM must be an address'],
    [{ SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/x' }, 'SLACK_WEBHOOK_URL must be an https:// URL'],
  ])('refuse %j without echoing the value', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

/** Runs a worker until it finds nothing to do; resolves with how many rows it claimed. */
async function drain(worker: Worker): Promise<number> {
  let total = 0;
  for (;;) {
    const claimed = await worker.runOnce();
    if (claimed === 0) return total;
    total += claimed;
  }
}

interface LoopbackSmtp {
  url: string;
  messages: { from: string; to: string[]; raw: string }[];
  /** RCPT TO commands received, accepted or not. */
  recipientsTried: number;
  close(): Promise<void>;
}

/** An SMTP server on 127.0.0.1 that keeps what it accepts, and answers RCPT TO as `rcpt` says. */
async function loopbackSmtp(options: { port?: number; rcpt?: () => { code: number; message: string } | undefined } = {}): Promise<LoopbackSmtp> {
  const state: LoopbackSmtp = {
    url: '',
    messages: [],
    recipientsTried: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onRcptTo(_address, _session, callback) {
      state.recipientsTried += 1;
      const refusal = options.rcpt?.();
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        state.messages.push({ from, to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  state.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return state;
}

interface LoopbackHttp {
  url: string;
  requests: { method: string; path: string; contentType: string | undefined; body: string }[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that records each request's body and lets `answer` respond. */
async function loopbackHttp(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackHttp> {
  const requests: LoopbackHttp['requests'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      // A request left unanswered on purpose must not keep the server open.
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
