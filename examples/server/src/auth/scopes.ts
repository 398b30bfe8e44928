/**
 * What an API key may do. Each group of routes belongs to an area; reading (GET) needs
 * `<area>:read`, anything else `<area>:write`, which also grants reading. `admin` areas need the
 * `admin` scope. Access tokens carry no scopes: a user may do all that row-level security allows.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';
import { Problem } from '../http/problem.js';

export type ScopeArea = 'tickets' | 'kb' | 'chat' | 'directory' | 'notifications' | 'events' | 'admin';

const READS = new Set(['GET', 'HEAD']);

export function requiredScope(area: ScopeArea, method: string): string {
  if (area === 'admin') return 'admin';
  return `${area}:${READS.has(method) ? 'read' : 'write'}`;
}

export function requireScope(area: ScopeArea): MiddlewareHandler<AppEnv> {
  return async function requireScope(c, next) {
    const { scopes } = c.get('principal');
    const needed = requiredScope(area, c.req.method);
    const granted = scopes === null || scopes.has(needed) || (needed.endsWith(':read') && scopes.has(needed.replace(':read', ':write')));
    if (!granted) {
      throw new Problem(403, 'insufficient_scope', `This API key lacks the ${needed} scope.`);
    }
    await next();
  };
}
