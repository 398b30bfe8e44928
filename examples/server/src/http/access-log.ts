/**
 * One log line per request. Only the method, the path without its query string (queries can carry
 * search terms and emails), the status, the duration and the ids are logged; never bodies or headers.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';
import type { Logger } from '../logger.js';

export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async function accessLog(c, next) {
    const started = performance.now();
    await next();
    const status = c.res.status;
    logger.log(status >= 500 ? 'error' : 'info', 'request', {
      request_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      user_id: c.get('principal')?.userId,
    });
  };
}
