import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { createApiHarness, type ApiHarness, type ApiResponse } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

const MISSING = '7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f';

describe.each(engines)('escalations over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let mineEsc: string;
  let foreignEsc: string;
  beforeAll(async () => {
    api = await createApiHarness(engine);
    mineEsc = api.world.rows.escalations!.mineEsc!.params[0] as string;
    foreignEsc = api.world.rows.escalations!.foreignEsc!.params[0] as string;
  });
  afterAll(() => api.close());

  /** A ticket of the support department, which agent and manager see and agent2 does not. */
  async function supportTicket(): Promise<string> {
    const { rows } = await api.db.transaction(async (tx) => {
      await tx.query("select set_config('app.user_id', $1, true), set_config('app.role', 'customer', true)", [api.world.users.customer]);
      return tx.query<{ id: string }>(
        "insert into tickets (title, requester_id, created_by, department_id) values ('Escalation test', $1, $1, $2) returning id",
        [api.world.users.customer, api.world.ids.support],
      );
    });
    return rows[0]!.id;
  }

  const level = async (ticketId: string) =>
    (await api.db.query<{ escalation_level: number }>('select escalation_level from tickets where id = $1', [ticketId])).rows[0]!.escalation_level;

  async function escalate(ticketId: string, by: UserKey, body: Record<string, unknown>) {
    const res = await api.as(by).post(`/v1/tickets/${ticketId}/escalations`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; escalation_level: number };
  }

  const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((e) => e.id);

  it('shows escalations to staff who see the ticket, and none to customers', async () => {
    expect(ids(await api.as('admin').get('/v1/escalations'))).toEqual(expect.arrayContaining([mineEsc, foreignEsc]));
    for (const role of ['agent', 'manager'] as const) {
      const list = ids(await api.as(role).get('/v1/escalations'));
      expect(list, role).toContain(mineEsc);
      expect(list, role).not.toContain(foreignEsc);
      expect((await api.as(role).get(`/v1/escalations/${foreignEsc}`)).status).toBe(404);
    }
    expect(ids(await api.as('agent2').get('/v1/escalations'))).toEqual([foreignEsc]);
    expect((await api.as('customer').get('/v1/escalations')).body).toEqual({ data: [], next_cursor: null });
    expect((await api.as('customer').get(`/v1/escalations/${mineEsc}`)).status).toBe(404);

    const one = await api.as('agent').get(`/v1/escalations/${mineEsc}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id: mineEsc,
      ticket_id: api.world.ids.mine,
      from_user_id: api.world.users.manager,
      to_user_id: api.world.users.agent,
      reason: 'Customer waiting',
      escalation_level: 1,
      escalation_type: 'manual',
      status: 'pending',
      resolution_notes: null,
      acknowledged_at: null,
    });
  });

  it("lists a ticket's escalations for staff; a customer's own ticket lists none", async () => {
    const mine = api.world.ids.mine!;
    expect(ids(await api.as('agent').get(`/v1/tickets/${mine}/escalations`))).toContain(mineEsc);
    const own = await api.as('customer').get(`/v1/tickets/${mine}/escalations`);
    expect(own.status).toBe(200);
    expect(own.body.data).toEqual([]);
    expect((await api.as('customer').get(`/v1/tickets/${api.world.ids.foreign}/escalations`)).status).toBe(404);
    expect((await api.as('agent2').get(`/v1/tickets/${mine}/escalations`)).status).toBe(404);
    expect((await api.as('agent').get(`/v1/tickets/${MISSING}/escalations`)).status).toBe(404);
  });

  it('escalates one level above the ticket by default, and raises the ticket to the highest open level', async () => {
    const ticketId = await supportTicket();
    const first = await api.as('agent').post(`/v1/tickets/${ticketId}/escalations`, { reason: '  Needs a specialist  ' });
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`/v1/escalations/${first.body.id}`);
    expect(first.body).toMatchObject({
      ticket_id: ticketId,
      from_user_id: api.world.users.agent,
      to_user_id: null,
      reason: 'Needs a specialist',
      escalation_level: 1,
      escalation_type: 'manual',
      status: 'pending',
      resolution_notes: null,
      acknowledged_at: null,
      resolved_at: null,
      cancelled_at: null,
    });
    expect(await level(ticketId)).toBe(1);
    const second = await escalate(ticketId, 'manager', { reason: 'Still stuck', to_user_id: api.world.users.manager });
    expect(second.escalation_level).toBe(2);
    expect(await level(ticketId)).toBe(2);
    const top = await escalate(ticketId, 'admin', { reason: 'All hands', escalation_level: 5 });
    expect(top.escalation_level).toBe(5);
    expect((await escalate(ticketId, 'admin', { reason: 'Capped' })).escalation_level).toBe(5);
    // An explicit lower level does not lower the ticket.
    await escalate(ticketId, 'admin', { reason: 'Side issue', escalation_level: 1 });
    expect(await level(ticketId)).toBe(5);
    expect((await api.as('agent').get(`/v1/tickets/${ticketId}/escalations`)).body.data).toHaveLength(5);
  });

  it('lets staff who see a ticket escalate it, and nobody else', async () => {
    const mine = api.world.ids.mine!;
    const byCustomer = await api.as('customer').post(`/v1/tickets/${mine}/escalations`, { reason: 'Please hurry' });
    expect(byCustomer.status).toBe(403);
    expect(byCustomer.body.code).toBe('forbidden');
    expect((await api.as('customer').post(`/v1/tickets/${api.world.ids.foreign}/escalations`, { reason: 'x' })).status).toBe(404);
    expect((await api.as('agent2').post(`/v1/tickets/${mine}/escalations`, { reason: 'x' })).status).toBe(404);
    expect((await api.as('admin').post(`/v1/tickets/${MISSING}/escalations`, { reason: 'x' })).status).toBe(404);
    // The handler must be an active member of staff.
    for (const target of [api.world.users.customer, MISSING]) {
      const res = await api.as('manager').post(`/v1/tickets/${mine}/escalations`, { reason: 'x', to_user_id: target });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('unprocessable');
    }
    const after = await api.as('admin').get(`/v1/tickets/${mine}/escalations`);
    expect(after.body.data.map((e: { reason: string }) => e.reason)).not.toContain('x');
  });

  it('walks pending → acknowledged → resolved, and refuses every other move with 409', async () => {
    const ticketId = await supportTicket();
    const { id } = await escalate(ticketId, 'manager', { reason: 'Database down', to_user_id: api.world.users.agent, escalation_level: 3 });
    expect(await level(ticketId)).toBe(3);

    const acknowledged = await api.as('agent').post(`/v1/escalations/${id}/acknowledge`);
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ status: 'acknowledged', resolved_at: null });
    expect(acknowledged.body.acknowledged_at).not.toBeNull();
    expect(await level(ticketId)).toBe(3);

    const twice = await api.as('agent').post(`/v1/escalations/${id}/acknowledge`);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('invalid_transition');

    const resolved = await api.as('agent').post(`/v1/escalations/${id}/resolve`, { resolution_notes: 'Failed over' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution_notes: 'Failed over', acknowledged_at: acknowledged.body.acknowledged_at });
    expect(resolved.body.resolved_at).not.toBeNull();
    expect(await level(ticketId)).toBe(0);

    for (const [action, body] of [['acknowledge', undefined], ['resolve', { resolution_notes: 'Again' }], ['cancel', { reason: 'Late' }], ['cancel', undefined]] as const) {
      const res = await api.as('admin').post(`/v1/escalations/${id}/${action}`, body);
      expect(res.status, action).toBe(409);
      expect(res.body.code).toBe('invalid_transition');
    }
    expect((await api.as('admin').get(`/v1/escalations/${id}`)).body).toEqual(resolved.body);
  });

  it('resolves a pending escalation at once, and cancels with or without a reason', async () => {
    const ticketId = await supportTicket();
    const direct = await escalate(ticketId, 'manager', { reason: 'Quick one', escalation_level: 2 });
    const resolved = await api.as('manager').post(`/v1/escalations/${direct.id}/resolve`, { resolution_notes: 'Done' });
    expect(resolved.body).toMatchObject({ status: 'resolved', acknowledged_at: null });

    const withReason = await escalate(ticketId, 'manager', { reason: 'Wrong ticket', escalation_level: 4 });
    const low = await escalate(ticketId, 'manager', { reason: 'Keep me', escalation_level: 1 });
    expect(await level(ticketId)).toBe(4);
    const cancelled = await api.as('manager').post(`/v1/escalations/${withReason.id}/cancel`, { reason: 'Escalated by mistake' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', resolution_notes: 'Escalated by mistake' });
    expect(cancelled.body.cancelled_at).not.toBeNull();
    // The ticket falls back to its highest escalation still open.
    expect(await level(ticketId)).toBe(1);

    const bare = await api.as('admin').request('POST', `/v1/escalations/${low.id}/cancel`);
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject({ status: 'cancelled', resolution_notes: null });
    expect(await level(ticketId)).toBe(0);

    const acknowledged = await escalate(ticketId, 'manager', { reason: 'Later', to_user_id: api.world.users.agent });
    await api.as('agent').post(`/v1/escalations/${acknowledged.id}/acknowledge`);
    expect((await api.as('agent').post(`/v1/escalations/${acknowledged.id}/cancel`, {})).body.status).toBe('cancelled');
  });

  it('lets the agent escalated to, and managers and admins, handle an escalation; other staff get 403', async () => {
    const ticketId = await supportTicket();
    const toManager = await escalate(ticketId, 'agent', { reason: 'Need approval', to_user_id: api.world.users.manager });
    for (const action of ['acknowledge', 'cancel'] as const) {
      const res = await api.as('agent').post(`/v1/escalations/${toManager.id}/${action}`);
      expect(res.status, action).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
    expect((await api.as('agent').post(`/v1/escalations/${toManager.id}/resolve`, { resolution_notes: 'x' })).status).toBe(403);
    // The refusal comes before the workflow: it is not the agent's to move, whatever its state.
    expect((await api.as('manager').post(`/v1/escalations/${toManager.id}/acknowledge`)).status).toBe(200);
    expect((await api.as('agent').post(`/v1/escalations/${toManager.id}/acknowledge`)).status).toBe(403);

    expect((await api.as('agent2').post(`/v1/escalations/${mineEsc}/acknowledge`)).status).toBe(404);
    expect((await api.as('manager').post(`/v1/escalations/${foreignEsc}/acknowledge`)).status).toBe(404);
    expect((await api.as('customer').post(`/v1/escalations/${mineEsc}/cancel`)).status).toBe(404);
    expect((await api.as('admin').post(`/v1/escalations/${MISSING}/acknowledge`)).status).toBe(404);
    expect((await api.as('agent2').post(`/v1/escalations/${foreignEsc}/acknowledge`)).status).toBe(200);
    expect((await api.as('admin').post(`/v1/escalations/${foreignEsc}/resolve`, { resolution_notes: 'Sorted' })).status).toBe(200);
  });

  it('filters by status, type, level, ticket and handler, newest first with a cursor', async () => {
    const ticketId = await supportTicket();
    const made: string[] = [];
    for (let n = 1; n <= 3; n += 1) {
      made.push((await escalate(ticketId, 'manager', { reason: `Filter ${n}`, escalation_level: n, to_user_id: n === 2 ? api.world.users.agent : null })).id);
    }
    await api.as('manager').post(`/v1/escalations/${made[0]}/acknowledge`);

    const seen: { id: string; escalated_at: string }[] = [];
    let cursor: string | null = null;
    do {
      const query = `?ticket_id=${ticketId}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res: ApiResponse = await api.as('manager').get(`/v1/escalations${query}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data);
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(new Set(seen.map((e) => e.id))).toEqual(new Set(made));
    const times = seen.map((e) => Date.parse(e.escalated_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    expect(ids(await api.as('manager').get(`/v1/escalations?ticket_id=${ticketId}&status=acknowledged`))).toEqual([made[0]]);
    expect(new Set(ids(await api.as('manager').get(`/v1/escalations?ticket_id=${ticketId}&status=pending&status=acknowledged`)))).toEqual(new Set(made));
    expect(ids(await api.as('manager').get(`/v1/escalations?ticket_id=${ticketId}&level=3`))).toEqual([made[2]]);
    expect(ids(await api.as('manager').get(`/v1/escalations?ticket_id=${ticketId}&to_user_id=${api.world.users.agent}`))).toEqual([made[1]]);
    expect(ids(await api.as('manager').get(`/v1/escalations?ticket_id=${ticketId}&type=sla_breach`))).toEqual([]);
    expect(ids(await api.as('manager').get(`/v1/escalations?ticket_id=${ticketId}&type=manual&type=complexity`))).toHaveLength(3);
    expect(ids(await api.as('manager').get(`/v1/tickets/${ticketId}/escalations?status=pending`))).toEqual(expect.arrayContaining([made[1], made[2]]));

    const first = await api.as('manager').get('/v1/escalations?limit=1');
    const reused = await api.as('manager').get(`/v1/escalations?limit=1&status=pending&cursor=${first.body.next_cursor}`);
    expect(reused.body.code).toBe('invalid_cursor');
    expect((await api.as('manager').get('/v1/escalations?cursor=nope')).body.code).toBe('invalid_cursor');
    expect((await api.as('manager').get(`/v1/tickets/${ticketId}/escalations?cursor=nope`)).body.code).toBe('invalid_cursor');
  });

  it('answers bad input with 4xx problems naming the field', async () => {
    const mine = api.world.ids.mine!;
    const admin = api.as('admin');
    const cases: [unknown, string][] = [
      [{}, 'reason'],
      [{ reason: '   ' }, 'reason'],
      [{ reason: 'x'.repeat(10_001) }, 'reason'],
      [{ reason: 42 }, 'reason'],
      [{ reason: 'x', escalation_level: 6 }, 'escalation_level'],
      [{ reason: 'x', escalation_level: '2' }, 'escalation_level'],
      [{ reason: 'x', to_user_id: 'agent' }, 'to_user_id'],
      [{ reason: 'x', escalation_type: 'sla_breach' }, ''],
      [[], ''],
    ];
    for (const [body, path] of cases) {
      const res = await admin.post(`/v1/tickets/${mine}/escalations`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const json = { 'content-type': 'application/json' };
    expect((await admin.request('POST', `/v1/tickets/${mine}/escalations`, { raw: '{"reason":', headers: json })).body.code).toBe('malformed_request');
    expect((await admin.request('POST', `/v1/tickets/${mine}/escalations`, { raw: 'reason=x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await admin.post(`/v1/escalations/${mineEsc}/resolve`, {})).body.errors[0].path).toBe('resolution_notes');
    expect((await admin.post(`/v1/escalations/${mineEsc}/resolve`, { resolution_notes: ' ' })).status).toBe(400);
    expect((await admin.request('POST', `/v1/escalations/${mineEsc}/resolve`)).status).toBe(415);
    expect((await admin.post(`/v1/escalations/${mineEsc}/cancel`, { reason: '' })).status).toBe(400);
    expect((await admin.post(`/v1/escalations/${mineEsc}/cancel`, { why: 'x' })).status).toBe(400);
    expect((await admin.request('POST', `/v1/escalations/${mineEsc}/cancel`, { raw: '{', headers: json })).body.code).toBe('malformed_request');
    expect((await admin.request('POST', `/v1/escalations/${mineEsc}/cancel`, { raw: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    // None of the refused requests changed the escalation.
    expect((await admin.get(`/v1/escalations/${mineEsc}`)).body.status).toBe('pending');

    for (const [method, path] of [
      ['GET', '/v1/escalations/nope'],
      ['POST', '/v1/escalations/nope/acknowledge'],
      ['POST', '/v1/escalations/nope/resolve'],
      ['POST', '/v1/escalations/nope/cancel'],
    ] as const) {
      const res = await admin.request(method, path, method === 'POST' ? { json: { resolution_notes: 'x' } } : {});
      expect(res.status, path).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ location: 'path', path: 'escalation_id' });
    }
    for (const path of ['/v1/tickets/nope/escalations']) {
      expect((await admin.get(path)).body.errors[0]).toMatchObject({ location: 'path', path: 'ticket_id' });
      expect((await admin.post(path, { reason: 'x' })).body.errors[0]).toMatchObject({ location: 'path', path: 'ticket_id' });
    }
    for (const query of ['level=0', 'level=two', 'status=open', 'type=auto', 'ticket_id=x', 'to_user_id=x', 'limit=101', 'colour=red']) {
      const res = await admin.get(`/v1/escalations?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors[0].location).toBe('query');
    }
    expect((await admin.get(`/v1/tickets/${mine}/escalations?level=1`)).status).toBe(400);
  });

  it('needs tickets scopes for API keys, credentials for everyone, and replays idempotent requests', async () => {
    const { key, prefix, hash } = generateApiKey();
    await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
      'esc', prefix, hash, api.world.users.manager, ['tickets:read'],
    ]);
    expect((await api.withToken(key).get('/v1/escalations')).status).toBe(200);
    const refused = await api.withToken(key).post(`/v1/escalations/${mineEsc}/acknowledge`);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('insufficient_scope');
    expect((await api.anonymous().get('/v1/escalations')).status).toBe(401);

    const ticketId = await supportTicket();
    const { id } = await escalate(ticketId, 'manager', { reason: 'Replay me' });
    const headers = { 'idempotency-key': `ack-${id}` };
    const first = await api.as('manager').post(`/v1/escalations/${id}/acknowledge`, undefined, { headers });
    const again = await api.as('manager').post(`/v1/escalations/${id}/acknowledge`, undefined, { headers });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });
});
