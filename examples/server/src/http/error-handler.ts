/**
 * The last stop for every failure. Problems become their problem+json body; database refusals are
 * mapped to 4xx problems; anything else is a bug: logged with its stack on the server, and answered
 * with a bare 500 problem that reveals nothing about the internals.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../context.js';
import type { Logger } from '../logger.js';
import { isDatabaseError, problemFromDatabaseError } from './database-errors.js';
import { Problem } from './problem.js';

export function problemResponse(c: Context<AppEnv>, problem: Problem): Response {
  const body = problem.body(c.req.path, c.get('requestId'));
  return c.body(JSON.stringify(body), problem.status as 400, {
    ...problem.headers,
    'Content-Type': 'application/problem+json',
  });
}

export function errorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return function onError(error, c) {
    const problem = toProblem(error);
    if (problem) return problemResponse(c, problem);
    logger.log('error', 'unhandled error', {
      request_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    return c.body(
      JSON.stringify({
        type: 'about:blank',
        title: 'Internal server error',
        status: 500,
        detail: 'Something went wrong on our side. Quote the request id when reporting it.',
        instance: c.req.path,
        code: 'internal_error',
        request_id: c.get('requestId'),
      }),
      500,
      { 'Content-Type': 'application/problem+json' },
    );
  };
}

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, new Problem(404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`));

function toProblem(error: unknown): Problem | undefined {
  if (error instanceof Problem) return error;
  if (isDatabaseError(error)) return problemFromDatabaseError(error);
  if (error instanceof HTTPException) {
    // Raised by Hono's own middleware (body limit, malformed bodies).
    if (error.status === 413) return new Problem(413, 'payload_too_large', error.message || 'The body is too large.');
    if (error.status === 400) return new Problem(400, 'malformed_request', error.message || 'The request is malformed.');
  }
  return undefined;
}
