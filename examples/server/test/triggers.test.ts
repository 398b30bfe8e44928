/**
 * What the database maintains by itself: history for every kind of change, the status workflow,
 * lifecycle timestamps, versions, ticket numbers, append-only audit tables, KB versions, and the
 * events outbox. Changes are made as real actors under row-level security.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindActor } from '../src/db/actor.js';
import type { Queryable } from '../src/db/database.js';
import { createTestDatabase, engines, inRolledBackTransaction, type TestDatabase } from './support/test-database.js';
import { NEXT_STATUSES, STATUSES, type Status } from './support/visibility-model.js';
import { buildWorld, hex, type UserKey, type World } from './support/world.js';

/** A valid path from new to each status. */
const PATH_TO: Record<Status, Status[]> = {
  new: [],
  open: ['open'],
  in_progress: ['open', 'in_progress'],
  pending: ['open', 'in_progress', 'pending'],
  resolved: ['open', 'in_progress', 'resolved'],
  closed: ['open', 'in_progress', 'resolved', 'closed'],
};

async function errorOf(promise: Promise<unknown>): Promise<{ code?: string; constraint?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; constraint?: string; message: string };
  }
  throw new Error('expected the statement to fail');
}

describe.each(engines)('triggers on %s', (engine) => {
  let test: TestDatabase;
  let world: World;

  beforeAll(async () => {
    test = await createTestDatabase(engine);
    world = await test.db.transaction(buildWorld);
  });
  afterAll(() => test.drop());

  const as = (tx: Queryable, user: UserKey) => bindActor(tx, { userId: world.users[user] });
  const asOwner = (tx: Queryable) => tx.exec('reset role');
  const newTicket = async (tx: Queryable, fields: { department?: string | undefined } = {}) => {
    await as(tx, 'customer');
    const { rows } = await tx.query<{ id: string; ticket_number: string }>(
      "insert into tickets (title, description) values ('Printer on fire', 'Smoke everywhere') returning id, ticket_number",
    );
    const ticket = rows[0]!;
    if (fields.department) {
      await as(tx, 'admin');
      await tx.query('update tickets set department_id = $2 where id = $1', [ticket.id, fields.department]);
    }
    return ticket;
  };
  const ticketRow = async (tx: Queryable, id: string) =>
    (await tx.query<Record<string, unknown>>('select to_jsonb(t) as row from tickets t where id = $1', [id])).rows[0]?.row as
      Record<string, unknown>;

  it('records a history entry, with old and new values and the actor, for every kind of change', async () => {
    const entries = await inRolledBackTransaction(test.db, async (tx) => {
      const { id } = await newTicket(tx, { department: world.ids.support });
      await as(tx, 'manager');
      await tx.query("update tickets set assignee_id = $2, status = 'open' where id = $1", [id, world.users.agent]);
      await tx.query("update tickets set priority = 'urgent' where id = $1", [id]);
      await tx.query('update tickets set assignee_id = $2 where id = $1', [id, world.users.manager]);
      await tx.query('update tickets set assignee_id = $2 where id = $1', [id, world.users.agent]);
      await as(tx, 'agent');
      await tx.query("update tickets set status = 'in_progress', title = 'Printer still on fire' where id = $1", [id]);
      const { rows } = await tx.query<{ id: string }>("insert into comments (ticket_id, body, is_internal) values ($1, 'Called facilities', true) returning id", [id]);
      await tx.query(
        "insert into attachments (ticket_id, file_name, mime_type, size_bytes, sha256, storage_key) values ($1, 'photo.jpg', 'image/jpeg', 10, $2, $3)",
        [id, hex(), `k-${hex(4)}`]);
      await tx.query("insert into escalations (ticket_id, reason, escalation_type, escalation_level) values ($1, 'Fire', 'manual', 2)", [id]);
      await tx.query("update tickets set status = 'resolved' where id = $1", [id]);
      await as(tx, 'customer');
      await tx.query("update tickets set status = 'closed' where id = $1", [id]);
      await tx.query("update tickets set status = 'open' where id = $1", [id]);
      await asOwner(tx);
      const history = await tx.query<{ action: string; field: string | null; old_value: unknown; new_value: unknown; actor_id: string; is_internal: boolean }>(
        'select action, field, old_value, new_value, actor_id, is_internal from ticket_history where ticket_id = $1 order by seq', [id]);
      return history.rows.map((row) => ({ ...row, commentId: rows[0]!.id }));
    });
    const { users, ids } = world;
    const commentId = entries[0]?.commentId;
    const simplified = entries.map(({ action, field, old_value, new_value, actor_id, is_internal }) =>
      [action, field, old_value, action === 'created' || action === 'attachment_added' ? '…' : new_value, actor_id, is_internal]);
    expect(simplified).toEqual([
      ['created', null, null, '…', users.customer, false],
      ['field_updated', 'department_id', null, ids.support, users.admin, true],
      ['assigned', 'assignee_id', null, users.agent, users.manager, false],
      ['status_changed', 'status', 'new', 'open', users.manager, false],
      ['priority_changed', 'priority', 'medium', 'urgent', users.manager, false],
      ['reassigned', 'assignee_id', users.agent, users.manager, users.manager, false],
      ['reassigned', 'assignee_id', users.manager, users.agent, users.manager, false],
      ['status_changed', 'status', 'open', 'in_progress', users.agent, false],
      ['field_updated', 'title', 'Printer on fire', 'Printer still on fire', users.agent, false],
      ['comment_added', null, null, { comment_id: commentId, is_internal: true }, users.agent, true],
      ['attachment_added', null, null, '…', users.agent, false],
      ['escalated', 'escalation_level', 0, 2, users.agent, true],
      ['status_changed', 'status', 'in_progress', 'resolved', users.agent, false],
      ['closed', 'status', 'resolved', 'closed', users.customer, false],
      ['reopened', 'status', 'closed', 'open', users.customer, false],
    ]);
  });

  it('refuses every transition the workflow does not allow, and allows every one it does', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const from of STATUSES) {
      for (const to of STATUSES.filter((status) => status !== from)) {
        expected.push(`${from} → ${to}: ${NEXT_STATUSES[from].includes(to) ? 'allowed' : 'refused'}`);
        const outcome = await inRolledBackTransaction(test.db, async (tx) => {
          const { id } = await newTicket(tx);
          await as(tx, 'admin');
          for (const status of PATH_TO[from]) await tx.query('update tickets set status = $2 where id = $1', [id, status]);
          await tx.exec('savepoint attempt');
          try {
            await tx.query('update tickets set status = $2 where id = $1', [id, to]);
            return 'allowed';
          } catch (error) {
            const { code, constraint } = error as { code?: string; constraint?: string };
            await tx.exec('rollback to savepoint attempt');
            const row = await ticketRow(tx, id);
            if (code !== '23514' || constraint !== 'ticket_status_transition' || row.status !== from) {
              return `failed oddly: ${code} ${constraint} status=${String(row.status)}`;
            }
            return 'refused';
          }
        });
        outcomes.push(`${from} → ${to}: ${outcome}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('explains a refused transition and the moves that are allowed', async () => {
    const error = await inRolledBackTransaction(test.db, async (tx) => {
      const { id } = await newTicket(tx);
      await as(tx, 'admin');
      return errorOf(tx.query("update tickets set status = 'resolved' where id = $1", [id]));
    });
    expect(error.message).toBe('invalid status transition from new to resolved');
    expect((error as { hint?: string }).hint).toBe('from new a ticket may move to: open');
  });

  it('maintains version, resolved_at, closed_at and reopen_count; clients cannot forge them', async () => {
    const states = await inRolledBackTransaction(test.db, async (tx) => {
      const { id } = await newTicket(tx);
      const seen: Record<string, unknown>[] = [await ticketRow(tx, id)];
      await as(tx, 'admin');
      const steps = [
        "status = 'open', version = 99, reopen_count = 7, resolved_at = '2001-01-01'",
        "status = 'in_progress'", "status = 'resolved'", "status = 'closed'", "status = 'open'",
      ];
      for (const step of steps) {
        await tx.query(`update tickets set ${step} where id = $1`, [id]);
        seen.push(await ticketRow(tx, id));
      }
      return seen.map((row) => ({
        status: row.status, version: row.version, reopen: row.reopen_count,
        resolved: row.resolved_at !== null, closed: row.closed_at !== null,
      }));
    });
    expect(states).toEqual([
      { status: 'new', version: 1, reopen: 0, resolved: false, closed: false },
      { status: 'open', version: 2, reopen: 0, resolved: false, closed: false },
      { status: 'in_progress', version: 3, reopen: 0, resolved: false, closed: false },
      { status: 'resolved', version: 4, reopen: 0, resolved: true, closed: false },
      { status: 'closed', version: 5, reopen: 0, resolved: true, closed: true },
      { status: 'open', version: 6, reopen: 1, resolved: false, closed: false },
    ]);
  });

  it('lets an optimistic-locking update win only against the current version', async () => {
    const counts = await inRolledBackTransaction(test.db, async (tx) => {
      const { id } = await newTicket(tx);
      await as(tx, 'customer');
      const write = (version: number) =>
        tx.query("update tickets set title = title || '!' where id = $1 and version = $2", [id, version]);
      return [(await write(1)).rowCount, (await write(1)).rowCount, (await write(2)).rowCount];
    });
    expect(counts).toEqual([1, 0, 1]);
  });

  it('refuses a customer changing anything but title, description and status, or moving a ticket along', async () => {
    const codes = await inRolledBackTransaction(test.db, async (tx) => {
      const { id } = await newTicket(tx);
      const attempt = async (set: string) => {
        await tx.exec('savepoint attempt');
        const error = await errorOf(tx.query(`update tickets set ${set} where id = $1`, [id]));
        await tx.exec('rollback to savepoint attempt');
        return error.code;
      };
      return [await attempt("priority = 'urgent'"), await attempt("metadata = '{\"x\": 1}'"), await attempt("status = 'open'")];
    });
    expect(codes).toEqual(['42501', '42501', '42501']);
  });

  it('numbers tickets PREFIX-year-sequence from the company settings, without gaps', async () => {
    const numbers = await inRolledBackTransaction(test.db, async (tx) => {
      const first = await newTicket(tx);
      const second = await newTicket(tx);
      await as(tx, 'admin');
      await tx.query("update company_settings set ticket_prefix = 'OPS'");
      const third = await newTicket(tx);
      return [first, second, third].map((ticket) => ticket.ticket_number);
    });
    const year = new Date().getUTCFullYear();
    const [first, second, third] = numbers;
    expect(first).toMatch(new RegExp(`^TKT-${year}-\\d{5}$`));
    expect(Number(second?.slice(-5))).toBe(Number(first?.slice(-5)) + 1);
    expect(third).toBe(`OPS-${year}-00001`);
  });

  it('keeps numbering past 99999 tickets in a year without cutting digits', async () => {
    const numbers = await inRolledBackTransaction(test.db, async (tx) => {
      const year = new Date().getUTCFullYear();
      await tx.query("insert into ticket_counters (prefix, year, last_value) values ('TKT', $1, 99998) on conflict (prefix, year) do update set last_value = 99998", [year]);
      return [(await newTicket(tx)).ticket_number, (await newTicket(tx)).ticket_number];
    });
    const year = new Date().getUTCFullYear();
    expect(numbers).toEqual([`TKT-${year}-99999`, `TKT-${year}-100000`]);
  });

  it('keeps ticket_history and audit_logs append-only, for the owner too', async () => {
    const results: string[] = [];
    for (const table of ['ticket_history', 'audit_logs']) {
      for (const statement of [`update ${table} set created_at = now()`, `delete from ${table}`, `truncate ${table}`]) {
        const error = await inRolledBackTransaction(test.db, (tx) => errorOf(tx.query(statement)));
        results.push(`${statement}: ${error.code} ${error.message}`);
      }
    }
    expect(results).toEqual([
      'update ticket_history set created_at = now(): 42501 ticket_history is append-only: update is not allowed',
      'delete from ticket_history: 42501 ticket_history is append-only: delete is not allowed',
      'truncate ticket_history: 42501 ticket_history is append-only: truncate is not allowed',
      'update audit_logs set created_at = now(): 42501 audit_logs is append-only: update is not allowed',
      'delete from audit_logs: 42501 audit_logs is append-only: delete is not allowed',
      'truncate audit_logs: 42501 audit_logs is append-only: truncate is not allowed',
    ]);
  });

  it('keeps history when an admin deletes a ticket, and records the deletion', async () => {
    const actions = await inRolledBackTransaction(test.db, async (tx) => {
      const { id } = await newTicket(tx);
      await as(tx, 'admin');
      await tx.query('delete from tickets where id = $1', [id]);
      const { rows } = await tx.query<{ action: string }>('select action from ticket_history where ticket_id = $1 order by seq', [id]);
      return rows.map((row) => row.action);
    });
    expect(actions).toEqual(['created', 'deleted']);
  });

  it('marks comments edited, counts edits, and follows escalations with the ticket level', async () => {
    const result = await inRolledBackTransaction(test.db, async (tx) => {
      const { id } = await newTicket(tx);
      const { rows } = await tx.query<{ id: string }>("insert into comments (ticket_id, body) values ($1, 'First') returning id", [id]);
      const commentId = rows[0]!.id;
      await tx.query("update comments set body = 'First, edited' where id = $1", [commentId]);
      await tx.query("update comments set body = 'First, edited twice' where id = $1", [commentId]);
      const comment = (await tx.query<{ edited: boolean; edit_count: number }>('select edited, edit_count from comments where id = $1', [commentId])).rows[0];
      await as(tx, 'admin');
      const escalate = async (level: number) => (await tx.query<{ id: string }>(
        "insert into escalations (ticket_id, reason, escalation_type, escalation_level) values ($1, 'x', 'manual', $2) returning id", [id, level])).rows[0]!.id;
      const level = async () => (await ticketRow(tx, id)).escalation_level;
      const low = await escalate(1);
      const high = await escalate(3);
      const levels = [await level()];
      await tx.query("update escalations set status = 'resolved' where id = $1", [high]);
      levels.push(await level());
      await tx.query("update escalations set status = 'cancelled' where id = $1", [low]);
      levels.push(await level());
      return { comment, levels };
    });
    expect(result.comment).toEqual({ edited: true, edit_count: 2 });
    expect(result.levels).toEqual([3, 1, 0]);
  });

  it('accepts feedback only from the requester once the ticket is resolved', async () => {
    const outcome = await inRolledBackTransaction(test.db, async (tx) => {
      const { id } = await newTicket(tx);
      const rate = async () => {
        await tx.exec('savepoint attempt');
        try {
          await tx.query('insert into ticket_feedback (ticket_id, rating) values ($1, 5)', [id]);
          return 'accepted';
        } catch (error) {
          await tx.exec('rollback to savepoint attempt');
          return (error as { constraint?: string }).constraint;
        }
      };
      const early = await rate();
      await as(tx, 'admin');
      for (const status of PATH_TO.resolved) await tx.query('update tickets set status = $2 where id = $1', [id, status]);
      await as(tx, 'customer');
      return [early, await rate()];
    });
    expect(outcome).toEqual(['ticket_feedback_when_resolved', 'accepted']);
  });

  it('keeps a version of every knowledge-base content change', async () => {
    const versions = await inRolledBackTransaction(test.db, async (tx) => {
      await as(tx, 'agent');
      const { rows } = await tx.query<{ id: string }>("insert into kb_articles (title, slug, body) values ('Reset a password', 'reset', 'Step 1') returning id");
      const id = rows[0]!.id;
      await tx.query("update kb_articles set body = 'Step 1. Step 2.' where id = $1", [id]);
      await tx.query("update kb_articles set status = 'published' where id = $1", [id]);
      await tx.query("update kb_articles set title = 'Reset your password' where id = $1", [id]);
      return (await tx.query<{ version: number; title: string; body: string }>(
        'select version, title, body from kb_article_versions where article_id = $1 order by version', [id])).rows;
    });
    expect(versions).toEqual([
      { version: 1, title: 'Reset a password', body: 'Step 1' },
      { version: 2, title: 'Reset a password', body: 'Step 1. Step 2.' },
      { version: 3, title: 'Reset your password', body: 'Step 1. Step 2.' },
    ]);
  });

  it('writes outbox events in the same transaction as the change, and none when it rolls back', async () => {
    const before = (await test.db.query<{ n: number }>('select count(*)::int as n from events')).rows[0]!.n;
    const inside = await inRolledBackTransaction(test.db, async (tx) => {
      const { id } = await newTicket(tx);
      await tx.query("insert into comments (ticket_id, body) values ($1, 'Hello')", [id]);
      await tx.query("update tickets set title = 'Renamed' where id = $1", [id]);
      await asOwner(tx);
      return (await tx.query<{ type: string; payload: { changes?: string[] } }>(
        'select type, payload from events where ticket_id = $1 order by id', [id])).rows.map((row) => [row.type, row.payload.changes ?? null]);
    });
    const after = (await test.db.query<{ n: number }>('select count(*)::int as n from events')).rows[0]!.n;
    expect(inside).toEqual([['ticket.created', null], ['comment.created', null], ['ticket.updated', ['title']]]);
    expect(after).toBe(before);
  });

  it('audits role changes', async () => {
    const audit = await inRolledBackTransaction(test.db, async (tx) => {
      await as(tx, 'admin');
      await tx.query("update users set role = 'agent' where id = $1", [world.users.spare]);
      await asOwner(tx);
      return (await tx.query<{ event_type: string; actor_id: string; metadata: unknown }>(
        "select event_type, actor_id, metadata from audit_logs where user_id = $1", [world.users.spare])).rows;
    });
    expect(audit).toEqual([{ event_type: 'role_changed', actor_id: world.users.admin, metadata: { old_role: 'customer', new_role: 'agent' } }]);
  });

  if (engine === 'postgres') {
    it('gives 50 concurrent inserts 50 distinct, consecutive numbers', async () => {
      const concurrent = await createTestDatabase('postgres', { maxConnections: 50 });
      try {
        const people = await concurrent.db.transaction(buildWorld);
        const inserted = await Promise.all(Array.from({ length: 50 }, (_, i) => concurrent.db.transaction(async (tx) => {
          await bindActor(tx, { userId: people.users.customer });
          const { rows } = await tx.query<{ ticket_number: string }>(
            'insert into tickets (title) values ($1) returning ticket_number', [`Concurrent ${i}`]);
          return rows[0]!.ticket_number;
        })));
        const sequence = inserted.map((number) => Number(number.slice(-5))).sort((a, b) => a - b);
        expect(new Set(inserted).size).toBe(50);
        expect(sequence.at(-1)! - sequence[0]!).toBe(49);
      } finally {
        await concurrent.drop();
      }
    });
  }
});
