/** Liveness and readiness probes. */
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../context.js';
import { pendingMigrations } from '../../db/migrate.js';

export function healthRoutes(deps: Pick<AppDeps, 'db'>) {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' as const }))
    .get('/readyz', async (c) => {
      let database: 'ok' | 'unreachable' = 'ok';
      let migrations: 'ok' | 'pending' = 'pending';
      try {
        await deps.db.query('select 1');
        migrations = (await pendingMigrations(deps.db)).length === 0 ? 'ok' : 'pending';
      } catch {
        database = 'unreachable';
      }
      const ready = database === 'ok' && migrations === 'ok';
      return c.json({ status: ready ? ('ok' as const) : ('unavailable' as const), checks: { database, migrations } }, ready ? 200 : 503);
    });
}
