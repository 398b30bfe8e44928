import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { withActor } from '../../src/db/actor.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createEventHub } from '../../src/events/create-event-hub.js';
import { memoryLogger } from '../../src/logger.js';
import type { EventHub } from '../../src/events/event-hub.js';
import { memoryStorage } from '../../src/storage.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';
import { envelope, openStream, type SseStream } from './events-support.js';

/** Counts live subscriptions, to prove that a finished stream lets go of the hub. */
function countingHub(inner: () => EventHub) {
  const counter = { active: 0 };
  const hub: EventHub = {
    subscribe(wake) {
      counter.active += 1;
      const unsubscribe = inner().subscribe(wake);
      let done = false;
      return () => {
        if (!done) counter.active -= 1;
        done = true;
        unsubscribe();
      };
    },
    ready: () => inner().ready(),
    get closed() {
      return inner().closed;
    },
    close: () => inner().close(),
  };
  return { hub, counter };
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(engines)('live events over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let hubInstance: EventHub;
  const { hub, counter } = countingHub(() => hubInstance);

  beforeAll(async () => {
    api = await createApiHarness(engine, {
      app: { events: hub, limits: { heartbeatSeconds: 1, rateLimit: 100_000, authRateLimit: 100_000 } },
    });
    hubInstance = createEventHub(api.db);
  });
  afterAll(() => api.close());

  const bearer = async (user: UserKey) => `Bearer ${await api.tokenFor(user)}`;
  const open = async (user: UserKey, query = '', headers: Record<string, string> = {}) =>
    openStream(api.app, `/v1/events${query}`, { authorization: await bearer(user), headers });

  /** Runs SQL as a user of the world, under row-level security, and commits. */
  const as = <T = Record<string, unknown>>(user: UserKey, sql: string, params: unknown[] = []) =>
    withActor(api.db, { userId: api.world.users[user] }, async (tx) => (await tx.query<T>(sql, params)).rows);

  const comment = async (user: UserKey, ticket: string, internal: boolean) => {
    const [row] = await as<{ id: string }>(user, 'insert into comments (ticket_id, body, is_internal) values ($1, $2, $3) returning id', [
      api.world.ids[ticket],
      `Note by ${user}`,
      internal,
    ]);
    return row!.id;
  };

  /** The outbox id of the comment.created event of a comment. */
  const eventOf = async (commentId: string) => {
    const { rows } = await api.db.query<{ id: string }>(
      "select id::text as id from events where type = 'comment.created' and payload ->> 'comment_id' = $1",
      [commentId],
    );
    return rows[0]!.id;
  };

  /** Reads events until one matches `last`, returning all of them (so nothing unexpected hides before it). */
  const readThrough = async (stream: SseStream, last: (event: any) => boolean) => {
    const seen: any[] = [];
    for (;;) {
      const message = await stream.next();
      const event = envelope(message);
      expect(message.id).toBe(String(event.id));
      expect(message.event).toBe(event.type);
      seen.push(event);
      if (last(event)) return seen;
    }
  };

  it('delivers a new comment to the agent, and an internal note to staff only (RLS)', async () => {
    const agent = await open('agent');
    const customer = await open('customer');
    expect(agent.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(agent.response.headers.get('cache-control')).toBe('no-cache');
    expect(agent.response.headers.get('x-request-id')).toBeTruthy();

    const internal = await comment('agent', 'mine', true);
    const reply = await comment('agent', 'mine', false);

    const first = envelope(await agent.next());
    expect(first).toMatchObject({
      type: 'comment.created',
      ticket_id: api.world.ids.mine,
      chat_session_id: null,
      actor_id: api.world.users.agent,
      data: { comment_id: internal, is_internal: true },
    });
    expect(first.id).toBe(Number(await eventOf(internal)));
    expect(envelope(await agent.next())).toMatchObject({ type: 'comment.created', data: { comment_id: reply, is_internal: false } });

    const seen = envelope(await customer.next());
    expect(seen).toMatchObject({ type: 'comment.created', ticket_id: api.world.ids.mine, data: { comment_id: reply, is_internal: false } });
    // Nothing internal follows: not the note, not the internal ticket.updated of the first response.
    expect(await customer.collect(1500)).toEqual([]);
    await agent.cancel();
    await customer.cancel();
  });

  it("keeps other customers' tickets out of a customer's stream", async () => {
    const customer = await open('customer');
    const other = await comment('customer2', 'foreign', false);
    const own = await comment('customer', 'mine', false);
    const events = await readThrough(customer, (event) => event.data.comment_id === own);
    expect(events.map((event) => event.data.comment_id)).toEqual([own]);
    expect(events.map((event) => event.data.comment_id)).not.toContain(other);
    await customer.cancel();
  });

  it('filters by type, by resource wildcard and by ticket', async () => {
    const comments = await open('admin', '?types=comment.*');
    const updates = await open('admin', '?types=ticket.updated');
    const queue = await open('admin', `?ticket_id=${api.world.ids.queue}`);
    const mine = await open('admin', `?types=ticket.*,comment.created&ticket_id=${api.world.ids.mine}`);
    const repeated = await open('admin', '?types=ticket.updated&types=comment.created');

    await as('admin', "update tickets set priority = 'high' where id = $1", [api.world.ids.mine]);
    const onQueue = await comment('admin', 'queue', true);
    await as('admin', "update tickets set priority = 'low' where id = $1", [api.world.ids.queue]);
    const onMine = await comment('admin', 'mine', true);

    const summary = (event: any) => `${event.type} ${event.ticket_id === api.world.ids.mine ? 'mine' : 'queue'}`;
    const isLast = (commentId: string) => (event: any) => event.data.comment_id === commentId;
    expect((await readThrough(comments, isLast(onMine))).map(summary)).toEqual(['comment.created queue', 'comment.created mine']);
    expect((await readThrough(updates, (event) => event.ticket_id === api.world.ids.queue)).map(summary)).toEqual([
      'ticket.updated mine',
      'ticket.updated queue',
    ]);
    expect((await readThrough(queue, (event) => event.type === 'ticket.updated')).map(summary)).toEqual([
      'comment.created queue',
      'ticket.updated queue',
    ]);
    expect((await readThrough(mine, isLast(onMine))).map(summary)).toEqual(['ticket.updated mine', 'comment.created mine']);
    expect((await readThrough(repeated, isLast(onMine))).map(summary)).toEqual([
      'ticket.updated mine',
      'comment.created queue',
      'ticket.updated queue',
      'comment.created mine',
    ]);
    expect(onQueue).toBeTruthy();
    for (const stream of [comments, updates, queue, mine, repeated]) await stream.cancel();
  });

  it('resumes right after Last-Event-ID, without gaps or repeats', async () => {
    const notes = [await comment('agent', 'mine', true), await comment('agent', 'mine', true), await comment('agent', 'mine', true)];
    const [first, second, third] = await Promise.all(notes.map(eventOf));
    const idsOf = async (stream: SseStream, count: number) => {
      const ids: string[] = [];
      while (ids.length < count) ids.push((await stream.next()).id!);
      await stream.cancel();
      return ids;
    };

    expect(await idsOf(await open('agent', '', { 'Last-Event-ID': first! }), 2)).toEqual([second, third]);
    expect(await idsOf(await open('agent', `?last_event_id=${first}`), 2)).toEqual([second, third]);
    // The header wins over the query: a reconnecting EventSource keeps its URL.
    expect(await idsOf(await open('agent', `?last_event_id=${first}`, { 'Last-Event-ID': second! }), 1)).toEqual([third]);

    const caughtUp = await open('agent', '', { 'Last-Event-ID': third! });
    const fourth = await comment('agent', 'mine', true);
    expect((await caughtUp.next()).id).toBe(await eventOf(fourth));
    await caughtUp.cancel();
  });

  it('replays everything the caller may see with Last-Event-ID 0, in the order the database gives', async () => {
    const expected = (await as<{ id: string }>('customer', 'select e.id::text as id from events e order by e.tx_id, e.id')).map((row) => row.id);
    expect(expected.length).toBeGreaterThan(3);
    const stream = await open('customer', '', { 'Last-Event-ID': '0' });
    const received: string[] = [];
    while (received.length < expected.length) received.push((await stream.next()).id!);
    expect(received).toEqual(expected);
    // Nothing internal was among them.
    const { rows } = await api.db.query<{ internal: number }>('select count(*)::int as internal from events where id = any ($1::bigint[]) and is_internal', [received]);
    expect(rows[0]!.internal).toBe(0);
    expect(await stream.collect(500)).toEqual([]);
    await stream.cancel();
  });

  it('resumes after the last visible event when Last-Event-ID names one the caller cannot see', async () => {
    await comment('customer', 'mine', false);
    const hidden = await eventOf(await comment('agent', 'mine', true));
    const after = await comment('customer', 'mine', false);
    const stream = await open('customer', '', { 'Last-Event-ID': hidden });
    expect(envelope(await stream.next()).data.comment_id).toBe(after);
    await stream.cancel();
  });

  it('reads a backlog longer than one batch in order', async () => {
    const before = (await api.db.query<{ id: string }>('select max(id)::text as id from events')).rows[0]!.id;
    await as('agent', "insert into comments (ticket_id, body, is_internal) select $1, 'Bulk ' || n, true from generate_series(1, 620) as n", [
      api.world.ids.mine,
    ]);
    const expected = (
      await api.db.query<{ id: string }>('select e.id::text as id from events e where e.id > $1 order by e.tx_id, e.id', [before])
    ).rows.map((row) => row.id);
    expect(expected.length).toBeGreaterThanOrEqual(620);
    const stream = await open('agent', '', { 'Last-Event-ID': before });
    const received: string[] = [];
    while (received.length < expected.length) received.push((await stream.next()).id!);
    expect(received).toEqual(expected);
    await stream.cancel();
  });

  it('sends the retry delay and a heartbeat comment while quiet', async () => {
    const stream = await open('manager');
    expect(stream.retry).toBe(3000);
    expect(await stream.nextComment(3000)).toBe('heartbeat');
    expect(await stream.nextComment(3000)).toBe('heartbeat');
    await stream.cancel();
  });

  it('lets go of the hub when the client disconnects or aborts', async () => {
    await eventually(() => counter.active === 0);
    const cancelled = await open('agent');
    expect(counter.active).toBe(1);
    await cancelled.cancel();
    await eventually(() => counter.active === 0);

    const controller = new AbortController();
    const aborted = await openStream(api.app, '/v1/events', { authorization: await bearer('agent'), signal: controller.signal });
    expect(counter.active).toBe(1);
    controller.abort();
    await aborted.ended;
    await eventually(() => counter.active === 0);
    expect(api.logger.entries.filter((entry) => entry.message === 'event stream failed')).toEqual([]);
  });

  it('answers HEAD without starting a stream', async () => {
    await eventually(() => counter.active === 0);
    const response = await api.app.request('/v1/events', { method: 'HEAD', headers: { authorization: await bearer('agent') } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(counter.active).toBe(0);
  });

  it('ends every stream when the app closes', async () => {
    const app = createApp({ db: api.db, storage: memoryStorage(), auth: api.auth, clock: api.clock, logger: memoryLogger() });
    const stream = await openStream(app, '/v1/events', { authorization: await bearer('agent') });
    await app.close();
    await stream.ended;
  });

  it('ends when the access token expires, when the API key is revoked and when the account is deactivated', async () => {
    const token = await open('manager');
    api.clock.advance(api.auth.accessTokenTtlSeconds + 1);
    await token.ended;

    const key = generateApiKey();
    await api.db.query("insert into api_keys (name, prefix, key_hash, user_id, scopes) values ('Stream', $1, $2, $3, '{events:read}')", [
      key.prefix,
      key.hash,
      api.world.users.agent,
    ]);
    const keyed = await openStream(api.app, '/v1/events', { authorization: `Bearer ${key.key}` });
    await api.db.query('update api_keys set revoked_at = now() where prefix = $1', [key.prefix]);
    // A busy stream lapses too: events keep coming (no quiet heartbeat interval) until it ends.
    let keyedEnded = false;
    void keyed.ended.then(() => (keyedEnded = true));
    await eventually(async () => {
      if (!keyedEnded) await comment('agent', 'mine', true);
      return keyedEnded;
    }, 10_000);

    const spare = await open('spare');
    await api.db.query('update users set is_active = false where id = $1', [api.world.users.spare]);
    await spare.ended;
    expect((await api.as('spare').get('/v1/events')).status).toBe(401);
  });

  it('needs the events:read scope for API keys, and credentials', async () => {
    const key = generateApiKey();
    await api.db.query("insert into api_keys (name, prefix, key_hash, user_id, scopes) values ('Tickets only', $1, $2, $3, '{tickets:write}')", [
      key.prefix,
      key.hash,
      api.world.users.agent,
    ]);
    const refused = await api.withToken(key.key).get('/v1/events');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('insufficient_scope');
    const anonymous = await api.anonymous().get('/v1/events');
    expect(anonymous.status).toBe(401);
  });

  it('answers bad input with 400 problems naming the parameter', async () => {
    const cases: [string, Record<string, string>, string, string][] = [
      ['?types=nope', {}, 'query', 'types'],
      ['?types=ticket.nope', {}, 'query', 'types'],
      ['?types=ticket', {}, 'query', 'types'],
      ['?types=*', {}, 'query', 'types'],
      ['?types=', {}, 'query', 'types'],
      ['?types=ticket.created,,comment.created', {}, 'query', 'types'],
      [`?types=${Array(51).fill('ticket.created').join(',')}`, {}, 'query', 'types'],
      ['?ticket_id=not-a-uuid', {}, 'query', 'ticket_id'],
      ['?last_event_id=abc', {}, 'query', 'last_event_id'],
      ['?last_event_id=-1', {}, 'query', 'last_event_id'],
      ['?last_event_id=9223372036854775808', {}, 'query', 'last_event_id'],
      ['?last_event_id=123456789012345678901', {}, 'query', 'last_event_id'],
      ['?colour=red', {}, 'query', ''],
      ['', { 'Last-Event-ID': 'abc' }, 'header', 'Last-Event-ID'],
      ['', { 'Last-Event-ID': '1.5' }, 'header', 'Last-Event-ID'],
    ];
    for (const [query, headers, location, path] of cases) {
      const response = await api.as('agent').get(`/v1/events${query}`, { headers });
      expect(response.status, `${query} ${JSON.stringify(headers)}`).toBe(400);
      expect(response.body.code).toBe('validation_failed');
      expect(response.body.errors.map((error: { location: string; path: string }) => `${error.location}:${error.path}`)).toContain(`${location}:${path}`);
    }
  });

  it('accepts the largest event id and an empty Last-Event-ID', async () => {
    const largest = await open('agent', '?last_event_id=9223372036854775807');
    await largest.cancel();
    const empty = await open('agent', '', { 'Last-Event-ID': '' });
    const note = await comment('agent', 'mine', true);
    expect(envelope(await empty.next()).data.comment_id).toBe(note);
    await empty.cancel();
  });
});

describe.each(engines.filter((engine) => engine === 'postgres'))('live events across transactions and instances (%s)', (engine) => {
  let api: ApiHarness;
  const connections: pg.Client[] = [];
  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(async () => {
    for (const connection of connections) await connection.end().catch(() => undefined);
    await api.close();
  });

  const bearer = async (user: UserKey) => `Bearer ${await api.tokenFor(user)}`;
  const open = async (user: UserKey, headers: Record<string, string> = {}) =>
    openStream(api.app, '/v1/events', { authorization: await bearer(user), headers });

  /** A connection of its own (as the owner), to hold a transaction open across steps. */
  const connect = async () => {
    const connection = new pg.Client({ connectionString: api.url });
    await connection.connect();
    connections.push(connection);
    return connection;
  };
  const note = async (on: pg.Client | Database, body: string) => {
    const sql = 'insert into comments (ticket_id, body, is_internal) values ($1, $2, true) returning id';
    const params = [api.world.ids.mine, body];
    const { rows } = on instanceof pg.Client ? await on.query<{ id: string }>(sql, params) : await on.query<{ id: string }>(sql, params);
    return rows[0]!.id;
  };
  const eventOf = async (commentId: string) => {
    const { rows } = await api.db.query<{ id: string }>(
      "select id::text as id from events where type = 'comment.created' and payload ->> 'comment_id' = $1",
      [commentId],
    );
    return rows[0]!.id;
  };
  const commentOf = async (stream: SseStream) => envelope(await stream.next()).data.comment_id as string;

  it('holds a later event back until an earlier-numbered one commits, then delivers both in order', async () => {
    const stream = await open('agent');
    const first = await connect();
    const second = await connect();
    await first.query('begin');
    const early = await note(first, 'Numbered first, committed last');
    await second.query('begin');
    const late = await note(second, 'Numbered second, committed first');
    await second.query('commit');

    expect(await stream.collect(2500)).toEqual([]);
    await first.query('commit');
    expect(await commentOf(stream)).toBe(early);
    expect(await commentOf(stream)).toBe(late);
    expect(Number(await eventOf(early))).toBeLessThan(Number(await eventOf(late)));
    await stream.cancel();
  });

  it('does not skip a lower id that commits after a higher one from an older transaction', async () => {
    // The case ordering by id alone gets wrong: the older transaction (smaller xid) writes its event
    // last and commits first; the younger one holds the lower event id and commits afterwards.
    const stream = await open('agent');
    const older = await connect();
    const younger = await connect();
    await older.query('begin');
    await older.query('select pg_current_xact_id()');
    await younger.query('begin');
    const low = await note(younger, 'Lower id, younger transaction');
    const high = await note(older, 'Higher id, older transaction');
    await older.query('commit');
    expect(await commentOf(stream)).toBe(high);
    await younger.query('commit');
    expect(await commentOf(stream)).toBe(low);
    await stream.cancel();

    const [lowId, highId] = [await eventOf(low), await eventOf(high)];
    expect(Number(lowId)).toBeLessThan(Number(highId));
    // Resuming is exact either way: after the higher id comes the lower one, after the lower one nothing old.
    const afterHigh = await open('agent', { 'Last-Event-ID': highId });
    expect(await commentOf(afterHigh)).toBe(low);
    await afterHigh.cancel();
    const afterLow = await open('agent', { 'Last-Event-ID': lowId });
    const fence = await note(api.db, 'Fence');
    expect(await commentOf(afterLow)).toBe(fence);
    await afterLow.cancel();
  });

  it('delays events behind a long transaction that writes none, and delivers them when it ends', async () => {
    const stream = await open('agent');
    const idle = await connect();
    await idle.query('begin');
    await idle.query('select pg_current_xact_id()');
    const held = await note(api.db, 'Behind a long transaction');
    expect(await stream.collect(2500)).toEqual([]);
    // Its end notifies nobody: the hub's safety tick finds the event.
    await idle.query('commit');
    expect(await commentOf(stream)).toBe(held);
    await stream.cancel();
  });

  it('reaches a stream held by another instance over the same database', async () => {
    const otherDb = await openDatabase({ databaseUrl: api.url, maxConnections: 2 });
    const other = createApp({
      db: otherDb,
      storage: memoryStorage(),
      auth: api.auth,
      clock: api.clock,
      logger: memoryLogger(),
    });
    try {
      const stream = await openStream(other, '/v1/events', { authorization: await bearer('agent') });
      const written = await note(api.db, 'Written through the first instance');
      expect(await commentOf(stream)).toBe(written);
      await stream.cancel();
    } finally {
      await other.close();
      await otherDb.close();
    }
  });
});
