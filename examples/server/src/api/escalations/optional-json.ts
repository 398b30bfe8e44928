/**
 * Bodies an operation may leave out entirely (`POST …/cancel` with or without a reason). An empty
 * body reads as `{}`; anything sent must still be valid JSON of the right type.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../../context.js';
import { parseInput, readJson } from '../../http/input.js';

export async function readOptionalJson<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  if ((await c.req.text()) === '') return parseInput('body', schema, {});
  return readJson(c, schema);
}
