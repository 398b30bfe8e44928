/**
 * The zod schemas of response validation (src/generated/schemas.ts, emitted by
 * scripts/zod-emitter.ts) against the contract itself, as ajv (JSON Schema 2020-12, ajv-formats)
 * reads it: for every operation's success schema, both must give the same verdict on values
 * generated from the contract and on mutations of them. The deliberate differences (undeclared keys
 * pass, integers past 2^53 do not) are asserted as such, and nothing else may differ.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as generated from '../../src/generated/schemas.js';
import { SchemaValues } from './json-schema-values.js';

type Json = Record<string, unknown>;

const document = JSON.parse(readFileSync(new URL('../../src/generated/openapi.json', import.meta.url), 'utf8')) as Json;
const DOCUMENT_ID = 'openapi.json';
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const ajv = new Ajv2020({ strict: false });
addFormats.default(ajv);
ajv.addSchema(document, DOCUMENT_ID);
const pointer = (tokens: string[]) => tokens.map((token) => encodeURIComponent(token.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');
const ajvAt = (tokens: string[]): ValidateFunction => ajv.compile({ $ref: `${DOCUMENT_ID}#/${pointer(tokens)}` });

/** Each operation's success JSON schema and where it is, found independently of the emitter. */
function successSchemas(): { operationId: string; schema: unknown; at: string[] }[] {
  const found: { operationId: string; schema: unknown; at: string[] }[] = [];
  for (const [path, item] of Object.entries(document.paths as Json)) {
    for (const [method, operation] of Object.entries(item as Json)) {
      if (!isObject(operation) || !isObject(operation.responses)) continue;
      for (const status of ['200', '201', '202']) {
        let response = operation.responses[status];
        let at = ['paths', path, method, 'responses', status];
        if (isObject(response) && typeof response.$ref === 'string') {
          const name = response.$ref.split('/').pop()!;
          response = ((document.components as Json).responses as Json)[name];
          at = ['components', 'responses', name];
        }
        const media = isObject(response) && isObject(response.content) ? response.content['application/json'] : undefined;
        if (isObject(media) && media.schema !== undefined) {
          found.push({ operationId: operation.operationId as string, schema: media.schema, at: [...at, 'content', 'application/json', 'schema'] });
          break; // 200 and 201 of one operation share a schema (the emitter refuses otherwise)
        }
      }
    }
  }
  return found;
}

const values = new SchemaValues(document);
const operations = successSchemas();
const responseSchemas = generated.responseSchemas as Record<string, z.ZodType>;

describe('the zod response schemas', () => {
  it('cover exactly the operations with a JSON success response, and every component schema', () => {
    expect(Object.keys(responseSchemas).sort()).toEqual(operations.map((operation) => operation.operationId).sort());
    const exported = Object.keys(generated).filter((name) => name.endsWith('Schema'));
    expect(exported.sort()).toEqual(Object.keys((document.components as Json).schemas as Json).map((name) => `${name}Schema`).sort());
  });

  // Operations sharing a schema (getUser, updateUser, …) are checked once, under all their names.
  const bySchema = new Map<string, typeof operations>();
  for (const operation of operations) {
    const key = JSON.stringify(operation.schema);
    bySchema.set(key, [...(bySchema.get(key) ?? []), operation]);
  }
  const distinct = [...bySchema.values()].map((group) => [group.map((operation) => operation.operationId).join(', '), group[0]!] as const);

  it.each(distinct)('agree with the contract for %s', (_, { operationId, schema, at }) => {
    const zod = responseSchemas[operationId]!;
    const contract = ajvAt(at);
    let refused = 0;
    fc.assert(
      fc.property(values.valid(schema), (value) => {
        expect(contract(value), `the generator made an invalid value: ${JSON.stringify(contract.errors)}`).toBe(true);
        expect(zod.safeParse(value).error?.issues ?? [], 'zod refuses a valid value').toEqual([]);
        const differing: string[] = [];
        for (const mutation of values.mutations(schema, value)) {
          const [byContract, byZod] = [contract(mutation.value), zod.safeParse(mutation.value).success];
          if (!byContract) refused += 1;
          const expected = mutation.deliberate === 'extra key' ? true : mutation.deliberate === 'unsafe integer' ? false : byContract;
          if (byZod !== expected) differing.push(`${mutation.label}: contract ${byContract ? 'accepts' : 'refuses'}, zod ${byZod ? 'accepts' : 'refuses'}`);
        }
        expect(differing).toEqual([]);
      }),
      { numRuns: 12 },
    );
    expect(refused, 'the mutations broke nothing: they test nothing').toBeGreaterThan(0);
  });

  it('give the contract\'s verdict on every example of a component schema, Event variants included', () => {
    let checked = 0;
    for (const [name, schema] of Object.entries((document.components as Json).schemas as Json)) {
      if (!isObject(schema) || schema.example === undefined) continue;
      const zod = (generated as unknown as Record<string, z.ZodType>)[`${name}Schema`]!;
      expect(zod.safeParse(schema.example).success, name).toBe(ajvAt(['components', 'schemas', name])(schema.example));
      checked += 1;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
