/**
 * One transaction per request, as the caller, under row-level security. The handler's writes, the
 * history and events the triggers add, and the idempotency record commit together; a request that
 * fails (any 4xx or 5xx) rolls back whole, so nothing is ever half-written.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../context.js';
import { withActor } from '../db/actor.js';
import { clientAddress } from './client-address.js';

/** Thrown inside the transaction to roll it back once the response is an error. */
class RollbackResponse extends Error {}

const committedTasks = new WeakMap<Context, (() => Promise<void>)[]>();

/**
 * Runs `task` once the request's transaction has committed, and never after a rollback: for effects
 * outside the database that must follow a change only if it happened (an email linking to a row the
 * request wrote). The response waits for it; a task handles its own failures.
 */
export function afterCommit(c: Context, task: () => Promise<void>): void {
  const tasks = committedTasks.get(c);
  if (!tasks) throw new Error('afterCommit() runs only inside the request transaction');
  tasks.push(task);
}

export function transaction(deps: Pick<AppDeps, 'db'>): MiddlewareHandler<AppEnv> {
  return async function transaction(c, next) {
    const actor = {
      userId: c.get('principal').userId,
      clientIp: clientAddress(c),
      userAgent: c.req.header('user-agent')?.slice(0, 500),
    };
    const tasks: (() => Promise<void>)[] = [];
    committedTasks.set(c, tasks);
    try {
      await withActor(deps.db, actor, async (tx, role) => {
        c.set('tx', tx);
        c.set('role', role);
        await next();
        if (c.error || c.res.status >= 400) throw new RollbackResponse();
      });
      for (const task of tasks) await task();
    } catch (error) {
      if (!(error instanceof RollbackResponse)) throw error;
    }
  };
}
