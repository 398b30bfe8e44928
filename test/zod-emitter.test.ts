/**
 * The emitter refuses what it does not understand: a contract change that needs it to grow fails
 * `npm run generate` instead of validating less. (What it does emit is checked against ajv by
 * test/client/schemas-contract.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { emitZodSchemas } from '../scripts/zod-emitter.js';

const documentWith = (schemas: Record<string, unknown>, paths: Record<string, unknown> = {}) => ({ openapi: '3.1.0', paths, components: { schemas } });

describe('zod-emitter', () => {
  it.each([
    ['an unknown keyword', { X: { type: 'string', contentEncoding: 'base64' } }, 'keyword contentEncoding'],
    ['an unknown format', { X: { type: 'string', format: 'hostname' } }, 'format "hostname"'],
    ['a keyword of another type', { X: { type: 'integer', maxLength: 3 } }, 'keyword maxLength'],
    ['anyOf', { X: { anyOf: [{ type: 'string' }, { type: 'integer' }] } }, 'keyword anyOf'],
    ['a discriminator', { X: { oneOf: [{ type: 'string' }, { type: 'integer' }], discriminator: { propertyName: 'kind' } } }, 'keyword discriminator'],
    ['OpenAPI 3.0 nullable', { X: { type: 'string', nullable: true } }, 'keyword nullable'],
    ['a schema for additional properties', { X: { type: 'object', additionalProperties: { type: 'string' } } }, 'additionalProperties that is not a boolean'],
    ['a type union beyond X | null', { X: { type: ['string', 'integer'] } }, 'type ["string","integer"]'],
    ['a required field without a schema', { X: { type: 'object', required: ['a'], properties: {} } }, 'required "a"'],
    ['a recursive schema', { X: { type: 'object', properties: { child: { $ref: '#/components/schemas/X' } } } }, 'recursive schema (X → X)'],
    ['a $ref to nothing', { X: { $ref: '#/components/schemas/Y' } }, 'missing schema Y'],
  ])('fails on %s', (_, schemas, message) => {
    expect(() => emitZodSchemas(documentWith(schemas))).toThrow(message);
  });

  it('fails on an operation whose 200 and 201 have different schemas', () => {
    const json = (type: string) => ({ content: { 'application/json': { schema: { type } } } });
    const paths = { '/x': { put: { operationId: 'putX', responses: { 200: json('string'), 201: json('integer') } } } };
    expect(() => emitZodSchemas(documentWith({}, paths))).toThrow('different JSON schemas');
  });

  it('enforces required fields, makes the others optional, and lets unknown keys through', () => {
    const source = emitZodSchemas(documentWith({ X: { type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'string' } }, additionalProperties: false } }));
    expect(source).toContain('export const XSchema = z.looseObject({\n  "a": z.string(),\n  "b": z.string().optional(),\n})');
  });
});
