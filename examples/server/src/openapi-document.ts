/**
 * The bundled OpenAPI document (`npm run generate` writes it from `openapi/`), served at
 * `/openapi.json` and rendered at `/docs`.
 */
import { readFileSync } from 'node:fs';

export function loadOpenApiDocument(): Record<string, unknown> {
  const url = new URL('../../../src/generated/openapi.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}
