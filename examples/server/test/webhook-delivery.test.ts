/**
 * Webhook dispatch and delivery on both engines: events are queued for the webhooks subscribed to
 * them, POSTed signed to a receiver on loopback, retried with backoff when the receiver fails, and
 * every attempt is logged. The workers' `runOnce` is called directly with the harness's clock.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { retryDelaySeconds, type RetryPolicy } from '../src/webhooks/backoff.js';
import { webhookDelivery } from '../src/webhooks/delivery-worker.js';
import { webhookDispatcher } from '../src/webhooks/dispatcher.js';
import { subscribesTo } from '../src/webhooks/event-types.js';
import type { Worker } from '../src/workers/worker.js';
import { createApiHarness, type ApiHarness } from './support/api-harness.js';
import { engines } from './support/test-database.js';
import { dispatchThrough, startReceiver, type Receiver } from './support/webhooks.js';

/**
 * What a receiver should do, written from the contract (Webhook.yaml) rather than from the code:
 * parse `t=…,v1=…`, recompute the HMAC over "<t>.<raw body>", compare in constant time, and refuse
 * timestamps more than five minutes from now.
 */
function verify(header: string | undefined, body: string, secret: string, nowMs: number): { ok: boolean; t: number } {
  const parts = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=') as [string, string]));
  const t = Number(parts.t);
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  const fresh = Math.abs(nowMs / 1000 - t) <= 300;
  return { ok: given.length === expected.length && timingSafeEqual(given, expected) && fresh, t };
}

describe.each(engines)('webhooks: dispatch and delivery (%s)', (engine) => {
  let api: ApiHarness;
  let receiver: Receiver;
  let dispatcher: Worker;
  const SECRET = 'a-webhook-secret-of-at-least-32-characters';
  /** The jitter factor is 0.8 + 0.4 × 0.5 = 1: every wait is exactly the exponential one. */
  const retry: Partial<RetryPolicy> = { maxAttempts: 3, baseDelaySeconds: 10, maxDelaySeconds: 3600, random: () => 0.5 };

  beforeAll(async () => {
    api = await createApiHarness(engine);
    receiver = await startReceiver();
    dispatcher = webhookDispatcher({ db: api.db, clock: api.clock });
    // The world's webhook points at an address outside; nothing here may be sent to it.
    await api.db.query('update webhooks set is_active = false');
  });
  afterAll(async () => {
    await receiver.close();
    await api.close();
  });
  afterEach(async () => {
    receiver.requests.length = 0;
    receiver.respond = (_request, response) => response.end('ok');
    // Each test starts with no webhook active, so one test's hooks receive nothing of the next's.
    await api.db.query('update webhooks set is_active = false');
  });

  const addHook = async (path: string, eventTypes: string[] = [], isActive = true) => {
    const { rows } = await api.db.query<{ id: string }>(
      'insert into webhooks (url, secret, event_types, is_active) values ($1, $2, $3, $4) returning id',
      [`${receiver.url}${path}`, SECRET, eventTypes, isActive],
    );
    return rows[0]!.id;
  };

  /** Writes an event to the outbox as a trigger would, and returns its id. */
  const emit = async (type: string, payload: Record<string, unknown> = {}, isInternal = false, ageSeconds = 0) => {
    const { rows } = await api.db.query<{ id: string }>(
      `insert into events (type, ticket_id, payload, is_internal, created_at)
       values ($1, $2, $3, $4, now() - make_interval(secs => $5)) returning id::text as id`,
      [type, api.world.ids.mine, payload, isInternal, ageSeconds],
    );
    return rows[0]!.id;
  };

  const dispatch = (lastId: string) => dispatchThrough(api.db, dispatcher, lastId);

  const deliveriesOf = async (hookId: string) =>
    (
      await api.db.query<{ id: string; event_id: string; event_type: string; status: string; next_attempt_at: Date | null }>(
        'select id, event_id::text as event_id, event_type, status, next_attempt_at from webhook_deliveries where webhook_id = $1 order by event_id',
        [hookId],
      )
    ).rows;

  const attemptsOf = async (deliveryId: string) =>
    (
      await api.db.query<{ attempt: number; status_code: number | null; response_body: string | null; error: string | null; attempted_at: Date }>(
        'select attempt, status_code, response_body, error, attempted_at from webhook_delivery_attempts where delivery_id = $1 order by attempt',
        [deliveryId],
      )
    ).rows;

  describe('dispatch', () => {
    it('queues each event once for each active webhook subscribed to it, from the webhook\'s creation on', async () => {
      // A second older than the hooks (PGlite's clock may give two statements the same millisecond).
      const before = await emit('ticket.created', { n: 0 }, false, 1);
      const all = await addHook('/all');
      const comments = await addHook('/comments', ['comment.*']);
      const picked = await addHook('/picked', ['ticket.created', 'sla.*']);
      const inactive = await addHook('/inactive', [], false);
      const e1 = await emit('ticket.created', { n: 1 });
      const e2 = await emit('comment.created', { comment_id: 'c1', is_internal: true }, true);
      const e3 = await emit('comment.deleted', {});
      const e4 = await emit('sla.breached', { target: 'resolution' }, true);
      const e5 = await emit('notification.created', {});
      await dispatch(e5);
      // Run again: the position has moved, nothing is queued twice.
      await dispatch(e5);

      const ids = async (hook: string) => (await deliveriesOf(hook)).map((d) => d.event_id);
      // `before` predates every hook; the inactive hook gets nothing.
      expect(await ids(all)).toEqual([e1, e2, e3, e4, e5]);
      expect(await ids(comments)).toEqual([e2, e3]);
      expect(await ids(picked)).toEqual([e1, e4]);
      expect(await ids(inactive)).toEqual([]);
      expect(await ids(all)).not.toContain(before);
      const queued = await deliveriesOf(all);
      expect(queued.every((d) => d.status === 'pending' && d.next_attempt_at?.getTime() === api.clock.now().getTime())).toBe(true);
    });

    it('matches exact types, resource wildcards, and everything for an empty list', () => {
      expect(subscribesTo([], 'kb_article.updated')).toBe(true);
      expect(subscribesTo(['kb_article.*'], 'kb_article.updated')).toBe(true);
      expect(subscribesTo(['kb_article.created'], 'kb_article.updated')).toBe(false);
      expect(subscribesTo(['ticket.*'], 'ticket_x.created')).toBe(false);
      expect(subscribesTo(['chat.*', 'sla.breached'], 'sla.warning')).toBe(false);
      expect(subscribesTo(['chat.*', 'sla.breached'], 'chat.message_created')).toBe(true);
    });
  });

  describe('delivery', () => {
    it('POSTs the event envelope, signed with the webhook\'s secret and the time of sending', async () => {
      const hook = await addHook('/in?source=test');
      const created = await api.as('customer').post('/v1/tickets', { title: 'Printer on fire' });
      expect(created.status).toBe(201);
      const { rows: events } = await api.db.query<{ id: string; created_at: Date; actor_id: string }>(
        "select id::text as id, created_at, actor_id from events where type = 'ticket.created' and ticket_id = $1",
        [created.body.id],
      );
      const event = events[0]!;
      await dispatch(event.id);
      const worker = webhookDelivery({ db: api.db, clock: api.clock, logger: api.logger, retry });
      // Only this hook is active, and the ticket made one ticket.created (and maybe other events).
      const queued = await deliveriesOf(hook);
      const handled = await worker.runOnce();
      expect(handled).toBe(queued.length);

      const request = receiver.requests.find((r) => JSON.parse(r.body).type === 'ticket.created')!;
      expect(request.path).toBe('/in?source=test');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['ticketflow-event']).toBe('ticket.created');
      const signed = verify(request.headers['ticketflow-signature'] as string, request.body, SECRET, api.clock.now().getTime());
      expect(signed.ok).toBe(true);
      expect(signed.t).toBe(Math.floor(api.clock.now().getTime() / 1000));
      // The wrong secret, or a body changed by one byte, fails the check.
      expect(verify(request.headers['ticketflow-signature'] as string, request.body, `${SECRET}x`, api.clock.now().getTime()).ok).toBe(false);
      expect(verify(request.headers['ticketflow-signature'] as string, `${request.body} `, SECRET, api.clock.now().getTime()).ok).toBe(false);
      // A captured request replayed six minutes later is refused by the timestamp.
      expect(verify(request.headers['ticketflow-signature'] as string, request.body, SECRET, api.clock.now().getTime() + 360_000).ok).toBe(false);

      expect(JSON.parse(request.body)).toEqual({
        id: event.id,
        type: 'ticket.created',
        created_at: event.created_at.toISOString(),
        actor_id: api.world.users.customer,
        ticket_id: created.body.id,
        chat_session_id: null,
        user_id: null,
        is_internal: false,
        data: expect.any(Object),
      });
      const delivery = (await deliveriesOf(hook)).find((d) => d.event_id === event.id)!;
      expect(request.headers['ticketflow-delivery']).toBe(delivery.id);
      expect(delivery).toMatchObject({ status: 'delivered', next_attempt_at: null });
      expect(await attemptsOf(delivery.id)).toMatchObject([{ attempt: 1, status_code: 200, response_body: 'ok', error: null }]);
      // Delivered: nothing more to send.
      expect(await worker.runOnce()).toBe(0);
    });

    it('retries a failing receiver with exponential backoff, then marks the delivery failed', async () => {
      const hook = await addHook('/down');
      receiver.respond = (_request, response) => {
        response.statusCode = 503;
        response.end('down for maintenance');
      };
      await dispatch(await emit('ticket.updated', { changes: ['status'] }));
      const worker = webhookDelivery({ db: api.db, clock: api.clock, logger: api.logger, retry });
      const [delivery] = await deliveriesOf(hook);
      const start = api.clock.now().getTime();

      expect(await worker.runOnce()).toBe(1);
      // First failure: wait 10 s × 2^0 = 10 s.
      expect((await deliveriesOf(hook))[0]).toMatchObject({ status: 'pending', next_attempt_at: new Date(start + 10_000) });
      expect(await worker.runOnce()).toBe(0);
      api.clock.advance(9);
      expect(await worker.runOnce()).toBe(0);
      api.clock.advance(1);
      expect(await worker.runOnce()).toBe(1);
      // Second failure at start + 10 s: wait 10 s × 2^1 = 20 s, so due at start + 30 s.
      expect((await deliveriesOf(hook))[0]).toMatchObject({ status: 'pending', next_attempt_at: new Date(start + 30_000) });
      api.clock.advance(19);
      expect(await worker.runOnce()).toBe(0);
      api.clock.advance(1);
      expect(await worker.runOnce()).toBe(1);
      // The third of three attempts failed: no more.
      expect((await deliveriesOf(hook))[0]).toMatchObject({ status: 'failed', next_attempt_at: null });
      api.clock.advance(86_400);
      expect(await worker.runOnce()).toBe(0);

      expect(receiver.requests).toHaveLength(3);
      const attempts = await attemptsOf(delivery!.id);
      expect(attempts.map((a) => [a.attempt, a.status_code, a.response_body, a.error])).toEqual([
        [1, 503, 'down for maintenance', 'the receiver answered 503'],
        [2, 503, 'down for maintenance', 'the receiver answered 503'],
        [3, 503, 'down for maintenance', 'the receiver answered 503'],
      ]);
      expect(attempts.map((a) => a.attempted_at.getTime() - start)).toEqual([0, 10_000, 30_000]);
      expect(api.logger.entries.some((e) => e.message === 'webhook delivery failed for good' && e.fields.delivery_id === delivery!.id)).toBe(true);
      // Each retry is signed anew with the time it was sent.
      const stamps = receiver.requests.map((r) => verify(r.headers['ticketflow-signature'] as string, r.body, SECRET, start).t);
      expect(stamps.map((t) => t - Math.floor(start / 1000))).toEqual([0, 10, 30]);
    });

    it('logs refused connections, time-outs, redirects and long answers as failures', async () => {
      // A port that was just free: nothing listens there.
      const closed = await startReceiver();
      await closed.close();
      const refusedHook = (await api.db.query<{ id: string }>(
        'insert into webhooks (url, secret) values ($1, $2) returning id', [`${closed.url}/gone`, SECRET])).rows[0]!.id;
      const slowHook = await addHook('/slow');
      const movedHook = await addHook('/moved');
      const chattyHook = await addHook('/chatty');
      receiver.respond = (request, response) => {
        if (request.path === '/slow') return; // never answers
        if (request.path === '/moved') {
          response.writeHead(302, { Location: `${receiver.url}/elsewhere` });
          response.end();
          return;
        }
        response.statusCode = 500;
        response.end(`${'\u0000'}${'x'.repeat(4999)}`);
      };
      await dispatch(await emit('ticket.updated', {}));
      const worker = webhookDelivery({ db: api.db, clock: api.clock, logger: api.logger, retry, timeoutMs: 300 });
      expect(await worker.runOnce()).toBe(4);

      const only = async (hook: string) => (await attemptsOf((await deliveriesOf(hook))[0]!.id))[0]!;
      const refused = await only(refusedHook);
      expect(refused.status_code).toBeNull();
      expect(refused.error).toContain('ECONNREFUSED');
      expect(await only(slowHook)).toMatchObject({ status_code: null, response_body: null, error: 'timed out after 300 ms' });
      expect(await only(movedHook)).toMatchObject({ status_code: 302, error: 'the receiver answered 302; redirects are not followed' });
      expect(receiver.requests.some((r) => r.path === '/elsewhere')).toBe(false);
      const chatty = await only(chattyHook);
      expect(chatty.status_code).toBe(500);
      // 2,000 characters kept of 5,000, the NUL (which PostgreSQL cannot store) replaced.
      expect(chatty.response_body).toBe(`\uFFFD${'x'.repeat(1999)}`);
      for (const hook of [refusedHook, slowHook, movedHook, chattyHook]) {
        expect((await deliveriesOf(hook))[0]!.status).toBe('pending');
      }
    });

    it('never has concurrent workers send the same delivery twice', async () => {
      const hook = await addHook('/busy');
      let last = '';
      for (let i = 0; i < 40; i += 1) last = await emit('comment.created', { n: i });
      await dispatch(last);
      const workers = [1, 2, 3, 4].map(() => webhookDelivery({ db: api.db, clock: api.clock, logger: api.logger, retry, batchSize: 2 }));
      const drain = async (worker: Worker) => {
        while ((await worker.runOnce()) > 0);
      };
      await Promise.all(workers.map(drain));

      const sent = receiver.requests.map((r) => r.headers['ticketflow-delivery'] as string);
      const deliveries = await deliveriesOf(hook);
      expect(deliveries).toHaveLength(40);
      expect(sent.sort()).toEqual(deliveries.map((d) => d.id).sort());
      expect(deliveries.every((d) => d.status === 'delivered')).toBe(true);
    });

    it('lets another instance take over a delivery whose attempt outlived its lease, and keeps its outcome', async () => {
      const hook = await addHook('/lease');
      await dispatch(await emit('ticket.updated', {}));
      const [delivery] = await deliveriesOf(hook);

      // Instance A starts an attempt and then hangs (as if it had died mid-request).
      let release: (response: Response) => void = () => undefined;
      let started: () => void = () => undefined;
      const hasStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      const hanging = (() => {
        started();
        return new Promise<Response>((resolve) => {
          release = resolve;
        });
      }) as typeof fetch;
      const a = webhookDelivery({ db: api.db, clock: api.clock, logger: api.logger, retry, fetch: hanging, timeoutMs: 60_000 });
      const aDone = a.runOnce();
      await hasStarted;

      const b = webhookDelivery({ db: api.db, clock: api.clock, logger: api.logger, retry });
      // Within A's lease (60 s time-out + 60 s) nobody else touches it.
      api.clock.advance(119);
      expect(await b.runOnce()).toBe(0);
      api.clock.advance(1);
      expect(await b.runOnce()).toBe(1);
      expect((await deliveriesOf(hook))[0]!.status).toBe('delivered');

      // A comes back with a failure: logged as an attempt, but it no longer decides the outcome.
      release(new Response('late', { status: 500 }));
      expect(await aDone).toBe(1);
      expect((await deliveriesOf(hook))[0]).toMatchObject({ status: 'delivered', next_attempt_at: null });
      expect((await attemptsOf(delivery!.id)).map((x) => [x.attempt, x.status_code])).toEqual([[1, 200], [2, 500]]);
      expect(receiver.requests).toHaveLength(1);
    });

    it('sends nothing for an inactive webhook, and forgets deliveries of a deleted one', async () => {
      const paused = await addHook('/paused');
      const deleted = await addHook('/deleted');
      await dispatch(await emit('ticket.updated', {}));
      await api.db.query('update webhooks set is_active = false where id = $1', [paused]);
      await api.db.query('delete from webhooks where id = $1', [deleted]);
      const worker = webhookDelivery({ db: api.db, clock: api.clock, logger: api.logger, retry });
      expect(await worker.runOnce()).toBe(0);
      expect(receiver.requests).toHaveLength(0);
      expect((await deliveriesOf(paused)).map((d) => d.status)).toEqual(['pending']);
      expect(await deliveriesOf(deleted)).toEqual([]);
      // Active again: the waiting delivery goes out.
      await api.db.query('update webhooks set is_active = true where id = $1', [paused]);
      expect(await worker.runOnce()).toBe(1);
      expect(receiver.requests.map((r) => r.path)).toEqual(['/paused']);
    });
  });
});

describe('webhook retry delays', () => {
  const policy = (random: number): RetryPolicy => ({ maxAttempts: 10, baseDelaySeconds: 30, maxDelaySeconds: 3600, random: () => random });

  it('doubles from the base, caps, and spreads by ±20%', () => {
    // 30 × 2^(n−1): 30, 60, 120 … 1920 after the 7th failure, then the cap of 3600.
    expect([1, 2, 3, 7, 8, 9].map((n) => retryDelaySeconds(policy(0.5), n))).toEqual([30, 60, 120, 1920, 3600, 3600]);
    // random 0 → ×0.8; random 0.75 → ×1.1.
    expect(retryDelaySeconds(policy(0), 1)).toBe(24);
    expect(retryDelaySeconds(policy(0.75), 2)).toBeCloseTo(66, 10);
    expect(retryDelaySeconds(policy(0), 9)).toBe(2880);
  });
});
