/** Liveness and readiness (examples/server/src/api/health): the mock is always up and migrated. */
import { ok, type HandlerTable } from '../operation.js';

export const healthHandlers: HandlerTable = {
  getHealth: { anonymous: true, handle: () => ok({ status: 'ok' as const }) },
  getReadiness: { anonymous: true, handle: () => ok({ status: 'ok' as const, checks: { database: 'ok' as const, migrations: 'ok' as const } }) },
};
