/**
 * `tf.notifications` (the caller's inbox and channel preferences) and `tf.feedback` (ratings of
 * resolved tickets), each as the roles the contract names.
 */
import { describe, expect } from 'vitest';
import { ConflictError, NotFoundError, PermissionDeniedError } from '../../src/index.js';
import type { Conformance } from './context.js';
import { all, supportTicket } from './helpers.js';

const DEFAULT_CHANNELS = { email: true, in_app: true, sms: false, slack: false };

export function notificationsAndFeedback(tf: Conformance): void {
  /** A ticket of `customer`, worked and resolved by `agent`, not yet rated. */
  async function resolvedTicket(title: string) {
    const ticket = await supportTicket(tf, { title });
    await tf.as('agent').tickets.start(ticket.id);
    return tf.as('agent').tickets.resolve(ticket.id, { resolution_notes: 'Fixed' });
  }

  describe('notifications', () => {
    tf.test("lists the caller's own notifications and marks one read, keeping its first read time", async () => {
      const runBackgroundJobs = tf.need('runBackgroundJobs');
      const advanceClock = tf.need('advanceClock');
      const customer = tf.as('customer');
      const other = tf.as('customer2');
      const ticket = await supportTicket(tf, { title: 'Tell me when you answer' });
      await tf.as('agent').comments.create(ticket.id, { body: 'We are on it' });
      await runBackgroundJobs();

      const listed = await all(customer.notifications.list({ ticket_id: ticket.id, type: ['comment_added'], channel: ['in_app'] }));
      expect(listed).toHaveLength(1);
      const note = listed[0]!;
      expect(note).toMatchObject({ ticket_id: ticket.id, type: 'comment_added', channel: 'in_app', read_at: null });
      expect((await all(other.notifications.list())).map((notification) => notification.id)).not.toContain(note.id);
      await expect(other.notifications.markRead(note.id)).rejects.toBeInstanceOf(NotFoundError);

      const read = await customer.notifications.markRead(note.id);
      expect(read).toMatchObject({ id: note.id, status: 'read' });
      expect(read.read_at).not.toBeNull();
      await advanceClock(120);
      expect((await customer.notifications.markRead(note.id)).read_at).toBe(read.read_at);
      expect((await all(customer.notifications.list({ unread: true }))).map((notification) => notification.id)).not.toContain(note.id);
      expect((await all(customer.notifications.list({ unread: false }))).map((notification) => notification.id)).toContain(note.id);
    });

    tf.test('marks every unread notification of the caller read, and says how many', async () => {
      const runBackgroundJobs = tf.need('runBackgroundJobs');
      const agent = tf.as('agent');
      const customer = tf.as('customer');
      const ticket = await supportTicket(tf, { title: 'Answer me' });
      await customer.comments.create(ticket.id, { body: 'Any news?' });
      await runBackgroundJobs();

      const unread = await all(agent.notifications.list({ unread: true }));
      expect(unread.find((notification) => notification.ticket_id === ticket.id && notification.type === 'comment_added')).toBeDefined();
      const customerUnread = (await all(customer.notifications.list({ unread: true }))).length;

      expect(await agent.notifications.markAllRead()).toEqual({ updated: unread.length });
      expect((await agent.notifications.list({ unread: true })).data).toEqual([]);
      expect(await agent.notifications.markAllRead()).toEqual({ updated: 0 });
      const ofTicket = await all(agent.notifications.list({ ticket_id: ticket.id }));
      expect(ofTicket.length).toBeGreaterThan(0);
      expect(ofTicket.every((notification) => notification.status === 'read')).toBe(true);
      // Only the caller's inbox.
      expect((await all(customer.notifications.list({ unread: true }))).length).toBe(customerUnread);
    });

    tf.test("reads and replaces the caller's notification preferences, defaults filled in", async () => {
      const other = tf.as('customer2');
      const customer = tf.as('customer');
      const defaults = await other.notifications.getPreferences();
      expect(defaults.comment_added).toEqual(DEFAULT_CHANNELS);
      expect(defaults.sla_breach).toEqual(DEFAULT_CHANNELS);

      const replaced = await other.notifications.updatePreferences({ sla_breach: { sms: true }, ticket_created: { email: false } });
      expect(replaced.sla_breach).toEqual({ ...DEFAULT_CHANNELS, sms: true });
      expect(replaced.ticket_created).toEqual({ ...DEFAULT_CHANNELS, email: false });
      expect(replaced.comment_added).toEqual(DEFAULT_CHANNELS);
      expect(await other.notifications.getPreferences()).toEqual(replaced);
      expect((await customer.notifications.getPreferences()).sla_breach).toEqual(DEFAULT_CHANNELS);

      // A replacement, not a merge: what is left out goes back to its default.
      const restored = await other.notifications.updatePreferences({ ticket_closed: { slack: true } });
      expect(restored.sla_breach).toEqual(DEFAULT_CHANNELS);
      expect(restored.ticket_created).toEqual(DEFAULT_CHANNELS);
      expect(restored.ticket_closed).toEqual({ ...DEFAULT_CHANNELS, slack: true });
      await other.notifications.updatePreferences({});
    });
  });

  describe('ticket feedback', () => {
    tf.test('lets the requester rate a resolved ticket and replace the rating; others are refused', async () => {
      const customer = tf.as('customer');
      const other = tf.as('customer2');
      const agent = tf.as('agent');
      const { id: resolved } = await resolvedTicket('Rate me');

      await expect(customer.feedback.get(resolved)).rejects.toBeInstanceOf(NotFoundError);
      const first = await customer.feedback.rate(resolved, { rating: 5, comment: 'Fixed within the hour' });
      expect(first).toMatchObject({ ticket_id: resolved, customer_id: tf.target.users.customer.id, rating: 5, comment: 'Fixed within the hour' });
      const second = await customer.feedback.rate(resolved, { rating: 3 });
      expect(second).toMatchObject({ id: first.id, rating: 3, comment: null });
      expect(await agent.feedback.get(resolved)).toEqual(second);
      expect(await customer.feedback.get(resolved)).toEqual(second);

      await expect(agent.feedback.rate(resolved, { rating: 1 })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(other.feedback.rate(resolved, { rating: 1 })).rejects.toBeInstanceOf(NotFoundError);
      await expect(other.feedback.get(resolved)).rejects.toBeInstanceOf(NotFoundError);
      const open = await customer.tickets.create({ title: 'SDK not yet resolved', description: 'Still broken' });
      const early = await customer.feedback.rate(open.id, { rating: 4 }).catch((error: unknown) => error);
      expect(early).toBeInstanceOf(ConflictError);
      expect((early as ConflictError).code).toBe('invalid_transition');
      expect((await customer.feedback.get(resolved)).rating).toBe(3);
    });

    tf.test('lists ratings: customers their own, staff those of the tickets they see', async () => {
      const customer = tf.as('customer');
      const other = tf.as('customer2');
      const agent = tf.as('agent');
      const admin = tf.as('admin');
      const { id: resolved } = await resolvedTicket('Rate me low');
      const { id: alsoResolved } = await resolvedTicket('Rate me high');
      const rating = await customer.feedback.rate(resolved, { rating: 2, comment: 'Took two tries' });
      const praise = await customer.feedback.rate(alsoResolved, { rating: 5 });

      const own = await all(customer.feedback.list({ limit: 1 }));
      expect(own.every((feedback) => feedback.customer_id === tf.target.users.customer.id)).toBe(true);
      expect(own.map((feedback) => feedback.id)).toEqual(expect.arrayContaining([rating.id, praise.id]));
      expect((await all(other.feedback.list())).map((feedback) => feedback.id)).not.toContain(rating.id);

      expect(await all(agent.feedback.list({ ticket_id: resolved }))).toEqual([rating]);
      const low = await all(admin.feedback.list({ rating: [1, 2] }));
      expect(low.map((feedback) => feedback.id)).toContain(rating.id);
      expect(low.every((feedback) => feedback.rating <= 2)).toBe(true);
      expect((await all(admin.feedback.list({ rating: [5] }))).map((feedback) => feedback.id)).not.toContain(rating.id);
    });
  });
}
