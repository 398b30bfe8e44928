/**
 * Binding the actor of a request to its transaction. This is the only way request code reaches
 * the database: as the role `ticketflow_app`, which owns nothing and cannot bypass row-level
 * security, with the acting user set for this transaction alone.
 */
import type { Database, Queryable } from './database.js';

/** The database role every request runs as. */
export const APP_ROLE = 'ticketflow_app';

export type UserRole = 'customer' | 'agent' | 'manager' | 'admin';

export interface Actor {
  userId: string;
  /** Recorded in history and audit rows. */
  clientIp?: string | undefined;
  userAgent?: string | undefined;
}

/**
 * Switches the current transaction to the request role and binds `actor` to it, in one statement:
 * `set_config('role', …, true)` is `SET LOCAL ROLE`, and a round trip of its own would be one more
 * per request. `SET LOCAL` and `set_config(…, true)` both end with the transaction, so nothing
 * carries over to the next user of a pooled connection. Returns the actor's role as the database
 * sees it (the users table decides, not the caller); an unknown, inactive or locked user is refused.
 */
export async function bindActor(tx: Queryable, actor: Actor): Promise<UserRole> {
  const { rows } = await tx.query<{ role: UserRole }>(
    `select app.bind_actor($1) as role,
            set_config('app.client_ip', $2, true),
            set_config('app.user_agent', $3, true),
            set_config('role', '${APP_ROLE}', true)`,
    [actor.userId, actor.clientIp ?? '', actor.userAgent ?? ''],
  );
  const role = rows[0]?.role;
  if (!role) throw new Error('app.bind_actor returned no role');
  return role;
}

/** Runs `fn` in one transaction as `actor`, under row-level security. */
export function withActor<T>(db: Database, actor: Actor, fn: (tx: Queryable, role: UserRole) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => fn(tx, await bindActor(tx, actor)));
}
