import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindActor, withActor } from '../src/db/actor.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { createEventHub, EVENTS_CHANNEL } from '../src/events/create-event-hub.js';
import { createTestDatabase, engines, inRolledBackTransaction, type TestDatabase } from './support/test-database.js';
import { buildWorld, type World } from './support/world.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

function counter() {
  const state = { count: 0 };
  return { state, wake: () => void (state.count += 1) };
}

/** No safety tick within a test: wakes can only come from notifications. */
const NO_TICK = { pollIntervalMs: 600_000 };

describe.each(engines)('event hub (%s)', (engine) => {
  let test: TestDatabase;
  let world: World;
  beforeAll(async () => {
    test = await createTestDatabase(engine);
    world = await test.db.transaction((tx) => buildWorld(tx));
  });
  afterAll(() => test.drop());

  const insertNotes = (count: number, db: Database = test.db) =>
    withActor(db, { userId: world.users.agent }, (tx) =>
      tx.query("insert into comments (ticket_id, body, is_internal) select $1, 'Note ' || n, true from generate_series(1, $2::int) as n", [
        world.ids.mine,
        count,
      ]),
    );

  it('wakes its subscribers when an event commits, not when one rolls back, and stops after unsubscribe', async () => {
    const hub = createEventHub(test.db, NO_TICK);
    const first = counter();
    const second = counter();
    const unsubscribeFirst = hub.subscribe(first.wake);
    hub.subscribe(second.wake);
    await hub.ready();

    await inRolledBackTransaction(test.db, async (tx) => {
      await bindActor(tx, { userId: world.users.agent });
      await tx.query("insert into comments (ticket_id, body, is_internal) values ($1, 'Never committed', true)", [world.ids.mine]);
    });
    await sleep(300);
    expect([first.state.count, second.state.count]).toEqual([0, 0]);

    await insertNotes(1);
    await eventually(() => first.state.count === 1 && second.state.count === 1);
    unsubscribeFirst();
    await insertNotes(1);
    await eventually(() => second.state.count === 2);
    expect(first.state.count).toBe(1);
    await hub.close();
  });

  it('turns a burst of notifications into a few wakes', async () => {
    const hub = createEventHub(test.db, NO_TICK);
    const subscriber = counter();
    hub.subscribe(subscriber.wake);
    await hub.ready();
    await insertNotes(50);
    await eventually(() => subscriber.state.count > 0);
    await sleep(300);
    expect(subscriber.state.count).toBeLessThanOrEqual(5);
    await hub.close();
  });

  it('wakes on its safety tick only when an event became deliverable unheard, and stops ticking when nobody listens', async () => {
    // Deaf to notifications: every wake comes from the tick.
    const deaf: Database = { ...test.db, listen: () => ({ ready: Promise.resolve(), close: () => Promise.resolve() }) };
    const hub = createEventHub(deaf, { pollIntervalMs: 30 });
    const subscriber = counter();
    const unsubscribe = hub.subscribe(subscriber.wake);
    // The first tick finds the events already there (the world's).
    await eventually(() => subscriber.state.count >= 1);
    // Idle: many ticks, no new event, no wake. Waking every stream on every tick is what starved
    // a server holding thousands of idle streams (each wake is a read transaction).
    await sleep(300);
    const idle = subscriber.state.count;
    await sleep(300);
    expect(subscriber.state.count).toBe(idle);
    await insertNotes(1);
    await eventually(() => subscriber.state.count > idle);
    unsubscribe();
    const after = subscriber.state.count;
    await insertNotes(1);
    await sleep(150);
    expect(subscriber.state.count).toBe(after);
    await hub.close();
  });

  it('closes once: aborts its signal, stops listening and ignores later subscribers', async () => {
    const hub = createEventHub(test.db, NO_TICK);
    const before = counter();
    hub.subscribe(before.wake);
    await hub.ready();
    await hub.close();
    expect(hub.closed.aborted).toBe(true);
    const after = counter();
    hub.subscribe(after.wake)();
    await insertNotes(1);
    await sleep(300);
    expect([before.state.count, after.state.count]).toEqual([0, 0]);
    await hub.close();
  });

  it('lets thousands of streams wait on its closing without a listener-leak warning', async () => {
    const hub = createEventHub(test.db, NO_TICK);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning.name);
    process.on('warning', onWarning);
    const ends = Array.from({ length: 1000 }, () => () => undefined);
    for (const end of ends) hub.closed.addEventListener('abort', end);
    await sleep(50); // Node emits the warning on a later tick
    process.off('warning', onWarning);
    for (const end of ends) hub.closed.removeEventListener('abort', end);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
    await hub.close();
  });

  it('does not listen until someone subscribes', async () => {
    const listens: string[] = [];
    const spy: Database = { ...test.db, listen: (channel, onNotify) => (listens.push(channel), test.db.listen(channel, onNotify)) };
    const hub = createEventHub(spy, NO_TICK);
    expect(listens).toEqual([]);
    const unsubscribe = hub.subscribe(() => undefined);
    hub.subscribe(() => undefined);
    await hub.ready();
    expect(listens).toEqual([EVENTS_CHANNEL]);
    unsubscribe();
    await hub.close();
  });

  it('passes each event id as the payload of Database.listen', async () => {
    const payloads: (string | undefined)[] = [];
    const listener = test.db.listen(EVENTS_CHANNEL, (payload) => payloads.push(payload));
    await listener.ready;
    await insertNotes(2);
    const { rows } = await test.db.query<{ id: string }>('select e.id::text as id from events e order by e.id desc limit 2');
    await eventually(() => payloads.length === 2);
    expect(payloads).toEqual(rows.map((row) => row.id).reverse());
    await listener.close();
    await insertNotes(1);
    await sleep(300);
    expect(payloads).toHaveLength(2);
  });
});

describe.each(engines.filter((engine) => engine === 'postgres'))('event hub across connections (%s)', (engine) => {
  let test: TestDatabase;
  let world: World;
  beforeAll(async () => {
    test = await createTestDatabase(engine);
    world = await test.db.transaction((tx) => buildWorld(tx));
  });
  afterAll(() => test.drop());

  const insertNote = (db: Database) =>
    withActor(db, { userId: world.users.agent }, (tx) =>
      tx.query("insert into comments (ticket_id, body, is_internal) values ($1, 'Note', true)", [world.ids.mine]),
    );

  it('wakes a hub of another instance (another pool) when an event commits', async () => {
    const otherDb = await openDatabase({ databaseUrl: test.url, maxConnections: 1 });
    const hub = createEventHub(otherDb, NO_TICK);
    try {
      const subscriber = counter();
      hub.subscribe(subscriber.wake);
      await hub.ready();
      await insertNote(test.db);
      await eventually(() => subscriber.state.count >= 1);
    } finally {
      await hub.close();
      await otherDb.close();
    }
  });

  it('listens again after losing its connection, and wakes subscribers so nothing is missed', async () => {
    const hub = createEventHub(test.db, NO_TICK);
    const subscriber = counter();
    hub.subscribe(subscriber.wake);
    await hub.ready();
    const listenerPid = async () =>
      (
        await test.db.query<{ pid: number }>(
          "select pid from pg_stat_activity where application_name = 'ticketflow-listener' and datname = current_database()",
        )
      ).rows.map((row) => row.pid);
    const [before] = await listenerPid();
    expect(before).toBeDefined();

    await test.db.query('select pg_terminate_backend($1)', [before]);
    // The reconnection itself wakes the subscriber: notifications sent while it was down are lost.
    await eventually(() => subscriber.state.count >= 1);
    await eventually(async () => {
      const pids = await listenerPid();
      return pids.length === 1 && pids[0] !== before;
    });
    const woken = subscriber.state.count;
    await insertNote(test.db);
    await eventually(() => subscriber.state.count > woken);
    await hub.close();
    expect(await listenerPid()).toEqual([]);
  });
});
