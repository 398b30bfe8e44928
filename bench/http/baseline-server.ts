/**
 * The baseline: Hono and the database driver doing the same queries as the reference server (its
 * own query functions), with no framework work around them: no authentication, request id, access
 * log, rate limit, body limit, input validation, per-request transaction, actor binding or
 * row-level security, idempotency or ETag. Reads run outside any transaction; writes run in one
 * with the actor's id set, because the triggers that write history read it.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { INSERT_COMMENT_SQL } from '../../examples/server/src/api/comments/routes.js';
import { ListQuery, listTickets } from '../../examples/server/src/api/tickets/list-query.js';
import type { TicketCreate } from '../../examples/server/src/api/tickets/schemas.js';
import { createTicket, readTicket } from '../../examples/server/src/api/tickets/writes.js';
import type { Queryable } from '../../examples/server/src/db/database.js';
import { announce, childConfig, onStop } from '../lib/child.js';
import { openTarget } from '../lib/target.js';
import type { ServerConfig } from './server-config.js';
import type { z } from 'zod';

const config = childConfig<ServerConfig>();
const db = await openTarget(config.target, config.maxConnections);
const actAs = (tx: Queryable, userId: string) => tx.query("select set_config('app.user_id', $1, true)", [userId]);
const defaultList = ListQuery.parse({});

const app = new Hono()
  .get('/v1/tickets', async (c) => c.json(await listTickets(db, defaultList, { userId: config.actors.agent, role: 'agent' })))
  .get('/v1/tickets/:id', async (c) => c.json(await readTicket(db, c.req.param('id'))))
  .post('/v1/tickets', async (c) => {
    const body = await c.req.json<z.output<typeof TicketCreate>>();
    const row = await db.transaction(async (tx) => {
      await actAs(tx, config.actors.customer);
      return createTicket(tx, body);
    });
    return c.json(row, 201);
  })
  .post('/v1/tickets/:id/comments', async (c) => {
    const { body } = await c.req.json<{ body: string }>();
    const row = await db.transaction(async (tx) => {
      await actAs(tx, config.actors.agent);
      return (await tx.query(INSERT_COMMENT_SQL, [c.req.param('id'), body, false])).rows[0];
    });
    return c.json(row, 201);
  });

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => announce(info.port));
onStop(async () => {
  server.close();
  await db.close();
});
