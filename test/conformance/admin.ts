/**
 * Administration: webhooks and their deliveries, the audit log, and the health probes (which must
 * go out without credentials).
 */
import { describe, expect } from 'vitest';
import { AuthenticationError, ConflictError, NotFoundError, PermissionDeniedError } from '../../src/index.js';
import type { Conformance } from './context.js';
import { all, createAccount, supportTicket, unique } from './helpers.js';

export function administration(tf: Conformance): void {
  describe('administration', () => {
    tf.test('creates, reads, lists, updates and deletes a webhook as admin, showing its secret once', async () => {
      const admin = tf.as('admin');
      const agent = tf.as('agent');
      const url = `https://hooks.example.com/${unique('crm')}`;
      const created = await admin.webhooks.create({ url, description: 'CRM sync', event_types: ['ticket.created', 'comment.*'] });
      expect(created).toMatchObject({ url, description: 'CRM sync', event_types: ['ticket.created', 'comment.*'], is_active: true, created_by: tf.target.users.admin.id });
      expect(created.secret).toMatch(/\S{16,}/);

      const read = await admin.webhooks.get(created.id);
      expect(read).toMatchObject({ id: created.id, url });
      expect(read).not.toHaveProperty('secret');
      expect((await all(admin.webhooks.list({ limit: 1 }))).map((webhook) => webhook.id)).toEqual(
        expect.arrayContaining([created.id, tf.target.fixtures.failedDelivery.webhookId]),
      );

      const paused = await admin.webhooks.update(created.id, { is_active: false, description: null });
      expect(paused).toMatchObject({ id: created.id, is_active: false, description: null });
      expect((await admin.webhooks.list({ is_active: false })).data.map((webhook) => webhook.id)).toEqual([created.id]);

      await expect(agent.webhooks.list()).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(agent.webhooks.create({ url })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(agent.webhooks.get(created.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(agent.webhooks.update(created.id, { is_active: true })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(agent.webhooks.delete(created.id)).rejects.toBeInstanceOf(PermissionDeniedError);

      await admin.webhooks.delete(created.id);
      await expect(admin.webhooks.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    tf.test('lists a webhook’s deliveries and redelivers a failed one, once', async () => {
      const admin = tf.as('admin');
      const agent = tf.as('agent');
      const { webhookId: hook, deliveryId: hookDelivery } = tf.target.fixtures.failedDelivery;
      const failed = await admin.webhooks.deliveries(hook, { status: ['failed'] });
      const delivery = failed.data.find((each) => each.id === hookDelivery);
      expect(delivery).toMatchObject({ webhook_id: hook, event_type: 'ticket.created', status: 'failed', attempt_count: 1 });
      expect(delivery!.attempts.map((attempt) => attempt.status_code)).toEqual([503]);

      const queued = await admin.webhooks.redeliver(hook, hookDelivery);
      expect(queued).toMatchObject({ id: hookDelivery, status: 'pending' });
      expect(queued.attempts).toHaveLength(1); // the earlier attempt stays in the log
      expect((await admin.webhooks.deliveries(hook, { status: ['pending'] })).data.map((each) => each.id)).toContain(hookDelivery);
      expect((await admin.webhooks.deliveries(hook, { status: ['failed'] })).data.map((each) => each.id)).not.toContain(hookDelivery);

      await expect(admin.webhooks.redeliver(hook, hookDelivery)).rejects.toBeInstanceOf(ConflictError);
      await expect(admin.webhooks.redeliver(hook, (await supportTicket(tf, { title: 'Not a delivery' })).id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(agent.webhooks.deliveries(hook)).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(agent.webhooks.redeliver(hook, hookDelivery)).rejects.toBeInstanceOf(PermissionDeniedError);
    });

    tf.test('shows the audit log to admins only', async () => {
      const admin = tf.as('admin');
      const agent = tf.as('agent');
      const account = await createAccount(tf);
      await expect(tf.stranger().auth.login({ email: account.email, password: 'not the password' })).rejects.toBeInstanceOf(AuthenticationError);
      await tf.signIn(account).auth.me();

      const logins = await all(admin.auditLogs.list({ event_type: ['login', 'login_failed'], user_id: account.id, limit: 1 }));
      expect(logins.map((entry) => [entry.event_type, entry.user_id, entry.status]).sort()).toEqual([
        ['login', account.id, 'success'],
        ['login_failed', account.id, 'failure'],
      ]);
      const failures = await admin.auditLogs.list({ status: 'failure', user_id: account.id });
      expect(failures.data.map((entry) => entry.event_type)).toEqual(['login_failed']);
      await expect(agent.auditLogs.list()).rejects.toBeInstanceOf(PermissionDeniedError);
    });

    tf.test('probes liveness and readiness without sending credentials', async () => {
      const admin = tf.as('admin');
      const from = tf.sent.length;
      expect(await admin.health.get()).toEqual({ status: 'ok' });
      expect((await admin.health.ready()).status).toBe('ok');
      expect(tf.authorizationsTo('/healthz', from)).toEqual([null]);
      expect(tf.authorizationsTo('/readyz', from)).toEqual([null]);
    });
  });
}
