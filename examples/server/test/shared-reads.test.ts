/**
 * Streams that ask alike in the same turn share one read of the outbox; a read already under way is
 * never joined, so no stream can miss what committed before it asked; different users never share.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../src/db/actor.js';
import type { Database } from '../src/db/database.js';
import { startNow, type Cursor, type EventFilter } from '../src/events/read-events.js';
import { createSharedReads } from '../src/events/shared-reads.js';
import { createTestDatabase, engines, type TestDatabase } from './support/test-database.js';
import { buildWorld, type World } from './support/world.js';

const EVERYTHING: EventFilter = { ticketId: null, types: null };
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe.each(engines)('shared reads of the outbox (%s)', (engine) => {
  let test: TestDatabase;
  let world: World;
  beforeAll(async () => {
    test = await createTestDatabase(engine);
    world = await test.db.transaction((tx) => buildWorld(tx));
  });
  afterAll(() => test.drop());

  /** The database, counting the transactions opened through it. */
  const counted = () => {
    const state = { transactions: 0 };
    const db: Database = { ...test.db, transaction: (fn) => (state.transactions++, test.db.transaction(fn)) };
    return { db, state };
  };
  const opened = (userId: string) => withActor(test.db, { userId }, (tx) => startNow(tx));
  /** A comment by the agent on the customer's ticket; its id. */
  const note = async (body: string, isInternal: boolean) => {
    const { rows } = await withActor(test.db, { userId: world.users.agent }, (tx) =>
      tx.query<{ id: string }>('insert into comments (ticket_id, body, is_internal) values ($1, $2, $3) returning id', [world.ids.mine, body, isInternal]),
    );
    return rows[0]!.id;
  };
  /** The comments a batch announces. */
  const comments = (batch: { events: { type: string; payload: Record<string, unknown> }[] }) =>
    batch.events.filter((event) => event.type === 'comment.created').map((event) => event.payload.comment_id);

  it('reads once for the streams of one user that ask alike in the same turn, and apart for another user', async () => {
    const { db, state } = counted();
    const reads = createSharedReads(db, 500);
    const agentCursor = await opened(world.users.agent);
    const customerCursor = await opened(world.users.customer);
    const internal = await note('Shared internal note', true);
    const reply = await note('Shared public reply', false);

    const [first, second, third, customer] = await Promise.all([
      reads.read({ userId: world.users.agent }, agentCursor, EVERYTHING),
      reads.read({ userId: world.users.agent, clientIp: '10.0.0.9' }, agentCursor, EVERYTHING),
      reads.read({ userId: world.users.agent }, agentCursor, EVERYTHING),
      reads.read({ userId: world.users.customer }, customerCursor, EVERYTHING),
    ]);

    expect(state.transactions).toBe(2);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(comments(first)).toEqual([internal, reply]);
    // The customer's own read, under their own policies: no internal note.
    expect(comments(customer)).toEqual([reply]);
  });

  it('never joins a read under way: a later ask reads again, and sees what committed in between', async () => {
    const { db, state } = counted();
    const reads = createSharedReads(db, 500);
    const cursor = await opened(world.users.agent);
    const early = reads.read({ userId: world.users.agent }, cursor, EVERYTHING);
    await nextTurn(); // the early read has started
    const comment = await note('Committed after the first read started', false);

    const late = await reads.read({ userId: world.users.agent }, cursor, EVERYTHING);
    await early;

    expect(state.transactions).toBe(2);
    expect(comments(late)).toEqual([comment]);
  });

  it('brings streams opened at different times to one cursor once their opening snapshots stop mattering', async () => {
    const reads = createSharedReads(test.db, 500);
    const before: Cursor = await opened(world.users.agent);
    const between = await note('Between the two openings', false);
    const after: Cursor = await opened(world.users.agent);
    expect(after).not.toEqual(before);

    const fromBefore = await reads.read({ userId: world.users.agent }, before, EVERYTHING);
    const fromAfter = await reads.read({ userId: world.users.agent }, after, EVERYTHING);

    // Each saw what is new to it, and they now stand at the same place.
    expect(comments(fromBefore)).toEqual([between]);
    expect(comments(fromAfter)).toEqual([]);
    expect(fromAfter.next).toEqual(fromBefore.next);
    expect(fromAfter.next.committedBefore).toBeNull();
  });
});
