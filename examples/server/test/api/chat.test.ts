import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { createApiHarness, type ApiHarness, type ApiResponse, type Client } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

const MISSING = '7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f';

interface Session {
  id: string;
  customer_id: string;
  agent_id: string | null;
  status: string;
  started_at: string | null;
  ended_at: string | null;
}

describe.each(engines)('chat over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let waitChat: string;
  beforeAll(async () => {
    api = await createApiHarness(engine);
    waitChat = (await api.db.query<{ id: string }>("select id from chat_sessions where status = 'waiting' and customer_id = $1", [api.world.users.customer2]))
      .rows[0]!.id;
  });
  afterAll(() => api.close());

  /** A new waiting session opened by `customer`. */
  const open = async (customer: UserKey = 'customer', subject: string | null = 'Printer on fire') => {
    const res = await api.as(customer).post<Session>('/v1/chat/sessions', { subject });
    expect(res.status).toBe(201);
    return res.body;
  };

  /** Every session id a client sees, following cursors. */
  const allSessionIds = async (client: Client, filter = '') => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse<{ data: Session[]; next_cursor: string | null }> = await client.get(
        `/v1/chat/sessions?limit=2${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status, res.text).toBe(200);
      ids.push(...res.body.data.map((s) => s.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    return ids;
  };

  describe('listChatSessions and getChatSession', () => {
    it('shows customers their own sessions, agents the queue and their own, managers and admins everything', async () => {
      const { custChat, foreignChat } = api.world.ids;
      const world = [custChat!, waitChat, foreignChat!];
      const expected: Record<UserKey, string[]> = {
        customer: [custChat!],
        customer2: [waitChat, foreignChat!],
        agent: [custChat!, waitChat],
        agent2: [waitChat, foreignChat!],
        manager: world,
        admin: world,
        spare: [],
      };
      for (const [user, visible] of Object.entries(expected) as [UserKey, string[]][]) {
        const seen = (await allSessionIds(api.as(user))).filter((id) => world.includes(id));
        expect(seen.sort(), user).toEqual([...visible].sort());
        for (const id of world) {
          const res = await api.as(user).get(`/v1/chat/sessions/${id}`);
          expect(res.status, `${user} GET ${id}`).toBe(visible.includes(id) ? 200 : 404);
          if (res.status === 404) expect(res.body.code).toBe('not_found');
        }
      }
    });

    it('pages newest first without gaps or repeats, and filters by status', async () => {
      const created = [await open('spare', 'one'), await open('spare', 'two'), await open('spare', 'three')];
      const ids = await allSessionIds(api.as('spare'));
      expect(ids).toEqual(created.map((s) => s.id).reverse());
      await api.as('spare').post(`/v1/chat/sessions/${created[0]!.id}/end`);
      expect(await allSessionIds(api.as('spare'), '&status=ended')).toEqual([created[0]!.id]);
      expect(await allSessionIds(api.as('spare'), '&status=waiting')).toEqual([created[2]!.id, created[1]!.id]);
      expect((await allSessionIds(api.as('spare'), '&status=waiting&status=ended')).length).toBe(3);
      const asAdmin = await allSessionIds(api.as('admin'), '&status=active');
      for (const id of asAdmin) {
        expect((await api.as('admin').get(`/v1/chat/sessions/${id}`)).body.status).toBe('active');
      }
    });

    it('refuses bad filters, ids and cursors', async () => {
      const agent = api.as('agent');
      const badStatus = await agent.get('/v1/chat/sessions?status=closed');
      expect(badStatus.status).toBe(400);
      expect(badStatus.body.errors[0]).toMatchObject({ location: 'query', path: expect.stringMatching(/^status/) });
      expect((await agent.get('/v1/chat/sessions?limit=0')).status).toBe(400);
      expect((await agent.get('/v1/chat/sessions?limit=abc')).status).toBe(400);
      expect((await agent.get('/v1/chat/sessions?colour=red')).status).toBe(400);
      expect((await agent.get('/v1/chat/sessions?cursor=garbage')).body.code).toBe('invalid_cursor');
      const first = await api.as('admin').get('/v1/chat/sessions?limit=1');
      const reused = await api.as('admin').get(`/v1/chat/sessions?limit=1&status=waiting&cursor=${first.body.next_cursor}`);
      expect(reused.status).toBe(400);
      expect(reused.body.code).toBe('invalid_cursor');
      const badId = await agent.get('/v1/chat/sessions/not-a-uuid');
      expect(badId.status).toBe(400);
      expect(badId.body.errors[0]).toMatchObject({ location: 'path', path: 'session_id' });
      expect((await agent.get(`/v1/chat/sessions/${MISSING}`)).status).toBe(404);
    });
  });

  describe('createChatSession', () => {
    it('opens a waiting session for a customer, with a Location', async () => {
      const res = await api.as('customer').post('/v1/chat/sessions', { subject: 'VPN down' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        customer_id: api.world.users.customer, agent_id: null, ticket_id: null, subject: 'VPN down',
        status: 'waiting', started_at: null, ended_at: null,
      });
      expect(res.headers.get('location')).toBe(`/v1/chat/sessions/${res.body.id}`);
      expect((await api.as('customer').get(res.headers.get('location')!)).body).toEqual(res.body);
      const bare = await api.as('customer').post('/v1/chat/sessions', {});
      expect(bare.status).toBe(201);
      expect(bare.body.subject).toBeNull();
    });

    it('refuses staff, who answer chats rather than open them', async () => {
      for (const role of ['agent', 'manager', 'admin'] as const) {
        const res = await api.as(role).post('/v1/chat/sessions', { subject: 'x' });
        expect(res.status, role).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
    });

    it('replays a retried creation instead of opening a second session', async () => {
      const headers = { 'idempotency-key': `chat-${Date.now()}` };
      const first = await api.as('customer').post('/v1/chat/sessions', { subject: 'Once' }, { headers });
      const again = await api.as('customer').post('/v1/chat/sessions', { subject: 'Once' }, { headers });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.id).toBe(first.body.id);
      const other = await api.as('customer').post('/v1/chat/sessions', { subject: 'Twice' }, { headers });
      expect(other.status).toBe(422);
    });

    it('answers bad input with 4xx problems naming the field', async () => {
      const customer = api.as('customer');
      const cases = [
        { body: { subject: 'x'.repeat(256) }, path: 'subject' },
        { body: { subject: 42 }, path: 'subject' },
        { body: { subject: 'x', agent_id: api.world.users.agent }, path: '' },
        { body: [], path: '' },
        { body: null, path: '' },
      ];
      for (const { body, path } of cases) {
        const res = await customer.post('/v1/chat/sessions', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('validation_failed');
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      const malformed = await customer.request('POST', '/v1/chat/sessions', { raw: '{"subject":', headers: { 'content-type': 'application/json' } });
      expect(malformed.body.code).toBe('malformed_request');
      const wrongType = await customer.request('POST', '/v1/chat/sessions', { raw: 'subject=x', headers: { 'content-type': 'text/plain' } });
      expect(wrongType.status).toBe(415);
    });
  });

  describe('acceptChatSession', () => {
    it('lets an agent take a waiting session, which then leaves the other agents\' queue', async () => {
      const session = await open();
      const accepted = await api.as('agent2').post(`/v1/chat/sessions/${session.id}/accept`);
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ id: session.id, status: 'active', agent_id: api.world.users.agent2, ended_at: null });
      expect(Date.parse(accepted.body.started_at)).not.toBeNaN();
      // Taken by someone else: no longer in this agent's view at all.
      expect((await api.as('agent').post(`/v1/chat/sessions/${session.id}/accept`)).status).toBe(404);
      expect((await api.as('agent').get(`/v1/chat/sessions/${session.id}`)).status).toBe(404);
      // Still visible to an admin, for whom it is simply no longer waiting.
      const late = await api.as('admin').post(`/v1/chat/sessions/${session.id}/accept`);
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('conflict');
    });

    it('lets managers accept, and refuses customers in the database', async () => {
      const session = await open();
      const byCustomer = await api.as('customer').post(`/v1/chat/sessions/${session.id}/accept`);
      expect(byCustomer.status).toBe(403);
      expect(byCustomer.body.detail).toMatch(/customers cannot choose the agent/);
      expect((await api.as('customer2').post(`/v1/chat/sessions/${session.id}/accept`)).status).toBe(404);
      const byManager = await api.as('manager').post(`/v1/chat/sessions/${session.id}/accept`);
      expect(byManager.status).toBe(200);
      expect(byManager.body.agent_id).toBe(api.world.users.manager);
    });

    it('refuses an ended session, bad ids and unknown ones', async () => {
      const session = await open();
      await api.as('customer').post(`/v1/chat/sessions/${session.id}/end`);
      const res = await api.as('admin').post(`/v1/chat/sessions/${session.id}/accept`);
      expect(res.status).toBe(409);
      expect(res.body.detail).toMatch(/already ended/);
      expect((await api.as('agent').post('/v1/chat/sessions/nope/accept')).status).toBe(400);
      expect((await api.as('agent').post(`/v1/chat/sessions/${MISSING}/accept`)).status).toBe(404);
    });
  });

  describe('endChatSession', () => {
    it('lets the customer end a waiting session, once', async () => {
      const session = await open();
      const ended = await api.as('customer').post(`/v1/chat/sessions/${session.id}/end`);
      expect(ended.status).toBe(200);
      expect(ended.body).toMatchObject({ status: 'ended', agent_id: null, started_at: null });
      expect(Date.parse(ended.body.ended_at)).not.toBeNaN();
      const again = await api.as('customer').post(`/v1/chat/sessions/${session.id}/end`);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('conflict');
    });

    it('lets the accepting agent end an active session, but not an agent merely looking at the queue', async () => {
      const session = await open();
      expect((await api.as('agent2').post(`/v1/chat/sessions/${session.id}/end`)).status).toBe(403);
      await api.as('agent').post(`/v1/chat/sessions/${session.id}/accept`);
      expect((await api.as('agent2').post(`/v1/chat/sessions/${session.id}/end`)).status).toBe(404);
      expect((await api.as('customer2').post(`/v1/chat/sessions/${session.id}/end`)).status).toBe(404);
      const ended = await api.as('agent').post(`/v1/chat/sessions/${session.id}/end`);
      expect(ended.status).toBe(200);
      expect(ended.body.status).toBe('ended');
      expect(ended.body.agent_id).toBe(api.world.users.agent);
    });

    it('refuses bad and unknown ids', async () => {
      expect((await api.as('customer').post('/v1/chat/sessions/1234/end')).status).toBe(400);
      expect((await api.as('customer').post(`/v1/chat/sessions/${MISSING}/end`)).status).toBe(404);
    });
  });

  describe('listChatMessages and postChatMessage', () => {
    it('carries a conversation between the participants, oldest first, with a cursor', async () => {
      const session = await open();
      await api.as('agent').post(`/v1/chat/sessions/${session.id}/accept`);
      const lines: [UserKey, string][] = [['customer', 'Hello'], ['agent', 'Hi, how can I help?'], ['customer', 'VPN'], ['agent', 'Restarting it']];
      for (const [user, body] of lines) {
        const res = await api.as(user).post(`/v1/chat/sessions/${session.id}/messages`, { body });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ session_id: session.id, sender_id: api.world.users[user], body });
      }
      for (const reader of ['customer', 'agent', 'manager', 'admin'] as const) {
        const bodies: string[] = [];
        let cursor: string | null = null;
        do {
          const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
          const page = await api.as(reader).get(`/v1/chat/sessions/${session.id}/messages${query}`);
          expect(page.status).toBe(200);
          bodies.push(...page.body.data.map((m: { body: string }) => m.body));
          cursor = page.body.next_cursor;
        } while (cursor);
        expect(bodies, reader).toEqual(lines.map(([, body]) => body));
      }
      for (const outsider of ['customer2', 'agent2'] as const) {
        expect((await api.as(outsider).get(`/v1/chat/sessions/${session.id}/messages`)).status).toBe(404);
        expect((await api.as(outsider).post(`/v1/chat/sessions/${session.id}/messages`, { body: 'Intruding' })).status).toBe(404);
      }
    });

    it('lets only participants write: an agent who sees a waiting session but has not accepted it may not', async () => {
      const session = await open();
      expect((await api.as('customer').post(`/v1/chat/sessions/${session.id}/messages`, { body: 'Anyone?' })).status).toBe(201);
      expect((await api.as('agent').get(`/v1/chat/sessions/${session.id}/messages`)).body.data).toHaveLength(1);
      const agent = await api.as('agent').post(`/v1/chat/sessions/${session.id}/messages`, { body: 'Me!' });
      expect(agent.status).toBe(403);
      expect(agent.body.code).toBe('forbidden');
      const manager = await api.as('manager').post(`/v1/chat/sessions/${session.id}/messages`, { body: 'Supervisor here' });
      expect(manager.status).toBe(201);
    });

    it('takes no message once the session has ended, from anyone', async () => {
      const session = await open();
      await api.as('agent').post(`/v1/chat/sessions/${session.id}/accept`);
      await api.as('customer').post(`/v1/chat/sessions/${session.id}/end`);
      for (const user of ['customer', 'agent', 'admin'] as const) {
        const res = await api.as(user).post(`/v1/chat/sessions/${session.id}/messages`, { body: 'Still there?' });
        expect(res.status, user).toBe(409);
        expect(res.body.code).toBe('conflict');
      }
    });

    it('answers bad input with 4xx problems', async () => {
      const session = await open();
      const customer = api.as('customer');
      const path = `/v1/chat/sessions/${session.id}/messages`;
      for (const body of [{}, { body: '' }, { body: ' \n\t ' }, { body: 'x'.repeat(10_001) }, { body: 7 }, { body: 'x', sender_id: api.world.users.agent }]) {
        const res = await customer.post(path, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('validation_failed');
      }
      expect((await customer.request('POST', path, { raw: '{', headers: { 'content-type': 'application/json' } })).body.code).toBe('malformed_request');
      expect((await customer.request('POST', path, { raw: 'hi', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
      expect((await customer.post('/v1/chat/sessions/nope/messages', { body: 'x' })).status).toBe(400);
      expect((await customer.get('/v1/chat/sessions/nope/messages')).status).toBe(400);
      expect((await customer.get(`/v1/chat/sessions/${MISSING}/messages`)).status).toBe(404);
      expect((await customer.get(`${path}?cursor=abc`)).body.code).toBe('invalid_cursor');
      expect((await customer.get(`${path}?limit=101`)).status).toBe(400);
      // A cursor from another session's list is refused, not misapplied.
      const other = await open();
      for (const body of ['a', 'b']) await customer.post(`/v1/chat/sessions/${other.id}/messages`, { body });
      const first = await customer.get(`/v1/chat/sessions/${other.id}/messages?limit=1`);
      expect((await customer.get(`${path}?limit=1&cursor=${first.body.next_cursor}`)).body.code).toBe('invalid_cursor');
    });
  });

  describe('the workflow in the database', () => {
    /** Runs `sql` as the request role with `user` bound, as the API would; returns the error code. */
    const asRequestRole = (user: UserKey, sql: string, params: unknown[]) =>
      api.db
        .transaction(async (tx) => {
          await tx.exec('set local role ticketflow_app');
          await tx.query('select app.bind_actor($1)', [api.world.users[user]]);
          await tx.query(sql, params);
          return 'ok';
        })
        .catch((error: { code?: string }) => error.code);

    it('never reopens an ended session nor lets a customer make themselves the agent', async () => {
      const session = await open();
      expect(await asRequestRole('customer', "update chat_sessions set status = 'active', agent_id = $2 where id = $1", [session.id, api.world.users.agent]))
        .toBe('42501');
      await api.as('customer').post(`/v1/chat/sessions/${session.id}/end`);
      expect(await asRequestRole('admin', "update chat_sessions set status = 'waiting', ended_at = null where id = $1", [session.id])).toBe('23514');
      expect(await asRequestRole('customer', "insert into chat_messages (session_id, body) values ($1, 'late')", [session.id])).toBe('42501');
      expect(await asRequestRole('customer', "update chat_sessions set subject = 'renamed' where id = $1", [session.id])).toBe('ok');
    });
  });

  it('needs the chat scopes for API keys, and credentials', async () => {
    const key = async (user: UserKey, scopes: string[]) => {
      const { key, prefix, hash } = generateApiKey();
      await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
        `chat ${scopes.join(' ')}`, prefix, hash, api.world.users[user], scopes]);
      return api.withToken(key);
    };
    const ticketsOnly = await (await key('agent', ['tickets:write'])).get('/v1/chat/sessions');
    expect(ticketsOnly.status).toBe(403);
    expect(ticketsOnly.body.code).toBe('insufficient_scope');
    const reader = await key('customer', ['chat:read']);
    expect((await reader.get('/v1/chat/sessions')).status).toBe(200);
    const write = await reader.post('/v1/chat/sessions', { subject: 'From a bot' });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('insufficient_scope');
    const writer = await key('customer', ['chat:write']);
    expect((await writer.post('/v1/chat/sessions', { subject: 'From a bot' })).status).toBe(201);
    expect((await api.anonymous().get('/v1/chat/sessions')).status).toBe(401);
    expect((await api.anonymous().post('/v1/chat/sessions', {})).status).toBe(401);
  });
});
