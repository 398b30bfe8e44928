/**
 * The contract validator the HTTP tests rely on, checked against a small inline OpenAPI 3.1 document:
 * conforming responses pass, and each kind of drift (body, status, path, content type, headers,
 * writeOnly leaks) is reported with a message that says what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { createContractValidator, type ResponseToCheck } from './support/openapi-validator.js';

const problem = { $ref: '#/components/responses/Problem' };
const json = (schema: object) => ({ 'application/json': { schema } });

const document = {
  openapi: '3.1.0',
  info: { title: 'contract fixture', version: '1.0.0' },
  servers: [{ url: 'http://localhost/api' }],
  paths: {
    // Listed before the literal /v1/tickets/search on purpose: document order must not decide.
    '/v1/tickets/{ticket_id}': {
      parameters: [{ $ref: '#/components/parameters/TicketId' }],
      get: {
        operationId: 'getTicket',
        responses: { '200': { description: 'The ticket.', content: json({ $ref: '#/components/schemas/Ticket' }) }, '4XX': problem },
      },
      delete: { operationId: 'deleteTicket', responses: { '204': { description: 'Deleted.' } } },
    },
    '/v1/tickets/search': {
      get: {
        operationId: 'searchTickets',
        responses: {
          '200': {
            description: 'Matches.',
            content: json({
              type: 'object',
              required: ['matches'],
              properties: { matches: { type: 'array', items: { $ref: '#/components/schemas/Ticket' } } },
            }),
          },
        },
      },
    },
    '/v1/tickets': {
      get: {
        operationId: 'listTickets',
        responses: {
          '200': {
            description: 'A page of tickets.',
            headers: {
              'RateLimit-Remaining': { $ref: '#/components/headers/RateLimitRemaining' },
              'X-Cache-Hit': { schema: { type: 'boolean' } },
              'Content-Type': { required: true, schema: { type: 'string', const: 'never/checked' } },
            },
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['data'],
                  additionalProperties: false,
                  properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Ticket' } } },
                },
              },
            },
          },
          default: problem,
        },
      },
    },
    '/v1/users/{user_id}': {
      get: { operationId: 'getUser', responses: { '200': { description: 'The user.', content: json({ $ref: '#/components/schemas/User' }) } } },
    },
    '/v1/tickets/{ticket_id}/export': {
      get: {
        operationId: 'exportTicket',
        responses: { '200': { description: 'A rendering.', content: { 'text/*': { schema: { type: 'string' } } } } },
      },
    },
    '/v1/attachments/{attachment_id}': {
      get: {
        operationId: 'downloadAttachment',
        responses: {
          '200': {
            description: 'The file, or its metadata when JSON is asked for.',
            content: {
              '*/*': { schema: { type: 'string', format: 'binary' } },
              'application/json': { schema: { $ref: '#/components/schemas/UserRef' } },
            },
          },
        },
      },
    },
  },
  components: {
    parameters: { TicketId: { name: 'ticket_id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } } },
    headers: {
      RateLimitRemaining: { required: true, description: 'Requests left in the window.', schema: { type: 'integer', minimum: 0 } },
    },
    responses: {
      Problem: {
        description: 'An RFC 9457 problem.',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
    schemas: {
      Ticket: {
        type: 'object',
        required: ['id', 'status', 'requester', 'created_at'],
        properties: {
          id: { type: 'string', format: 'uuid', readOnly: true },
          status: { $ref: '#/components/schemas/TicketStatus' },
          requester: { $ref: '#/components/schemas/UserRef' },
          due_on: { type: ['string', 'null'], format: 'date' },
          created_at: { type: 'string', format: 'date-time', readOnly: true },
          channel: { $ref: '#/components/schemas/Channel' },
        },
        example: { id: '6f1c0c2e-6d3a-4b8e-9a53-1b2c3d4e5f60', status: 'new' },
        xml: { name: 'ticket' },
        externalDocs: { url: 'https://example.com/tickets' },
      },
      TicketStatus: { type: 'string', enum: ['new', 'open', 'pending', 'solved', 'closed'], examples: ['open'] },
      Channel: {
        oneOf: [{ $ref: '#/components/schemas/EmailChannel' }, { $ref: '#/components/schemas/WebChannel' }],
        discriminator: { propertyName: 'kind' },
      },
      EmailChannel: {
        type: 'object',
        required: ['kind', 'address'],
        properties: { kind: { const: 'email' }, address: { type: 'string', format: 'email' } },
      },
      WebChannel: { type: 'object', required: ['kind'], properties: { kind: { const: 'web' }, page: { type: 'string', format: 'uri' } } },
      UserRef: {
        type: 'object',
        required: ['id', 'email'],
        properties: { id: { type: 'string', format: 'uuid' }, email: { type: 'string', format: 'email' } },
      },
      User: {
        type: 'object',
        required: ['id', 'email', 'password'],
        properties: {
          id: { type: 'string', format: 'uuid', readOnly: true },
          email: { type: 'string', format: 'email' },
          password: { $ref: '#/components/schemas/Password' },
        },
      },
      Password: { type: 'string', minLength: 12, writeOnly: true },
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status'],
        properties: { type: { type: 'string', format: 'uri' }, title: { type: 'string' }, status: { type: 'integer' } },
      },
    },
  },
};

const validator = createContractValidator(document);

const TICKET_ID = '6f1c0c2e-6d3a-4b8e-9a53-1b2c3d4e5f60';
const USER_ID = '0b7e4c1a-2f3d-4e5a-8b9c-0d1e2f3a4b5c';
const ticket = (overrides: Record<string, unknown> = {}) => ({
  id: TICKET_ID,
  status: 'open',
  requester: { id: USER_ID, email: 'ada@example.com' },
  due_on: null,
  created_at: '2025-01-02T03:04:05Z',
  channel: { kind: 'email', address: 'support@example.com' },
  ...overrides,
});

const JSON_TYPE = 'application/json; charset=utf-8';
function response(method: string, url: string, status: number, body: unknown, headers: Record<string, string> = {}): ResponseToCheck {
  const withType = body === undefined ? headers : { 'content-type': JSON_TYPE, ...headers };
  return { method, url, status, headers: new Headers(withType), body };
}
const page = (body: unknown, headers: Record<string, string> = { 'RateLimit-Remaining': '41' }) =>
  response('GET', 'http://localhost/v1/tickets?limit=2', 200, body, headers);

describe('openapi contract validator', () => {
  it('lists the operations and routes literal segments before templated ones', () => {
    expect([...validator.operationIds].sort()).toEqual(
      ['deleteTicket', 'downloadAttachment', 'exportTicket', 'getTicket', 'getUser', 'listTickets', 'searchTickets'],
    );
    expect(validator.operationFor('GET', 'http://localhost/v1/tickets/search?q=printer')).toBe('searchTickets');
    expect(validator.operationFor('get', `/v1/tickets/${TICKET_ID}`)).toBe('getTicket');
    expect(validator.operationFor('DELETE', `/v1/tickets/${TICKET_ID}`)).toBe('deleteTicket');
    expect(validator.operationFor('GET', `/v1/tickets/${TICKET_ID}/export`)).toBe('exportTicket');
    expect(validator.operationFor('PUT', `/v1/tickets/${TICKET_ID}`)).toBeUndefined();
    expect(validator.operationFor('GET', '/v1/tickets/a/b/c')).toBeUndefined();
    expect(validator.operationFor('GET', '/api/v1/tickets')).toBeUndefined(); // servers[] base paths are ignored
  });

  it('accepts conforming responses, readOnly properties included', () => {
    const conforming = [
      page({ data: [ticket(), ticket({ status: 'new', due_on: '2025-02-01', channel: { kind: 'web' } })] }, {
        'RateLimit-Remaining': '0',
        'X-Cache-Hit': 'true',
      }),
      response('GET', `/v1/tickets/${TICKET_ID}`, 200, ticket()),
      response('GET', '/v1/tickets/search?q=x', 200, { matches: [ticket()] }),
      response('DELETE', `/v1/tickets/${TICKET_ID}`, 204, undefined),
      response('GET', `/v1/users/${USER_ID}`, 200, { id: USER_ID, email: 'ada@example.com' }),
      response('GET', `/v1/tickets/${TICKET_ID}/export`, 200, 'Ticket 1', { 'content-type': 'text/markdown' }),
      response('GET', '/v1/attachments/a1', 200, undefined, { 'content-type': 'image/png' }),
      response('GET', '/v1/tickets', 503, { type: 'about:blank', title: 'Unavailable', status: 503 }, {
        'content-type': 'application/problem+json',
      }),
    ];
    expect(conforming.map((each) => validator.check(each))).toEqual(conforming.map(() => []));
  });

  it('reports a value outside an enum, with the allowed values', () => {
    expect(validator.check(page({ data: [ticket({ status: 'reopened' })] }))).toEqual([
      'GET /v1/tickets 200: body/data/0/status must be equal to one of the allowed values (new, open, pending, solved, closed)',
    ]);
  });

  it('reports a missing required property', () => {
    const withoutStatus: Record<string, unknown> = ticket();
    delete withoutStatus.status;
    expect(validator.check(response('GET', `/v1/tickets/${TICKET_ID}`, 200, withoutStatus))).toEqual([
      `GET /v1/tickets/${TICKET_ID} 200: body must have required property 'status'`,
    ]);
  });

  it('reports an extra property where additionalProperties is false', () => {
    expect(validator.check(page({ data: [], next_cursor: 'abc' }))).toEqual([
      'GET /v1/tickets 200: body must NOT have additional properties (next_cursor)',
    ]);
  });

  it('reports wrong types and formats inside nested $ref schemas', () => {
    const bad = ticket({ requester: { id: 42, email: 'not-an-email' }, channel: { kind: 'email', address: 7 } });
    const problems = validator.check(response('GET', `/v1/tickets/${TICKET_ID}`, 200, bad));
    expect(problems).toContain(`GET /v1/tickets/${TICKET_ID} 200: body/requester/id must be string`);
    expect(problems).toContain(`GET /v1/tickets/${TICKET_ID} 200: body/requester/email must match format "email"`);
    expect(problems).toContain(`GET /v1/tickets/${TICKET_ID} 200: body/channel/address must be string`);
  });

  it('uses the literal path\'s schema, not the templated one, for /v1/tickets/search', () => {
    expect(validator.check(response('GET', '/v1/tickets/search', 200, ticket()))).toEqual([
      "GET /v1/tickets/search 200: body must have required property 'matches'",
    ]);
  });

  it('reports an undocumented status', () => {
    expect(validator.check(response('GET', `/v1/users/${USER_ID}`, 404, { title: 'Not Found' }))).toEqual([
      `GET /v1/users/${USER_ID} 404: status 404 is not documented for getUser`,
    ]);
  });

  it('falls back to the 4XX range, then to default', () => {
    const notFound = (body: unknown) =>
      response('GET', `/v1/tickets/${TICKET_ID}`, 404, body, { 'content-type': 'application/problem+json' });
    expect(validator.check(notFound({ type: 'about:blank', title: 'Not Found', status: 404 }))).toEqual([]);
    expect(validator.check(notFound({ title: 'Not Found', status: 404 }))).toEqual([
      `GET /v1/tickets/${TICKET_ID} 404: body must have required property 'type'`,
    ]);
    expect(validator.check(response('GET', `/v1/tickets/${TICKET_ID}`, 500, { oops: true }))).toEqual([
      `GET /v1/tickets/${TICKET_ID} 500: status 500 is not documented for getTicket`,
    ]);
    expect(validator.check(response('GET', '/v1/tickets', 500, { title: 'x' }, { 'content-type': 'application/problem+json' })))
      .toEqual(["GET /v1/tickets 500: body must have required property 'type'", "GET /v1/tickets 500: body must have required property 'status'"]);
  });

  it('reports a response from an undocumented path or method', () => {
    expect(validator.check(response('GET', '/v1/macros', 200, []))).toEqual([
      'GET /v1/macros 200: the response came from an undocumented operation (no path template and method in the document match)',
    ]);
    expect(validator.check(response('PATCH', `/v1/tickets/${TICKET_ID}`, 200, ticket()))[0]).toContain('undocumented operation');
  });

  it('reports a content type that is not declared', () => {
    expect(validator.check(page({ data: [] }, { 'RateLimit-Remaining': '3', 'content-type': 'text/html' }))).toEqual([
      'GET /v1/tickets 200: content-type text/html is not one of the documented application/json',
    ]);
    expect(validator.check(response('GET', `/v1/tickets/${TICKET_ID}/export`, 200, '{}'))).toEqual([
      `GET /v1/tickets/${TICKET_ID}/export 200: content-type application/json is not one of the documented text/*`,
    ]);
    // An exact media type wins over */*: the JSON body is checked against the application/json schema.
    expect(validator.check(response('GET', '/v1/attachments/a1', 200, { id: USER_ID }))).toEqual([
      "GET /v1/attachments/a1 200: body must have required property 'email'",
    ]);
    expect(validator.check({ ...page({ data: [] }), headers: new Headers({ 'RateLimit-Remaining': '3' }) })).toEqual([
      'GET /v1/tickets 200: the content-type header is missing; expected application/json',
    ]);
  });

  it('reports a body on a response that declares no content, and on a 204', () => {
    expect(validator.check(response('DELETE', `/v1/tickets/${TICKET_ID}`, 204, { deleted: true }))).toEqual([
      `DELETE /v1/tickets/${TICKET_ID} 204: a 204 response must not have a body`,
    ]);
    expect(validator.check(response('DELETE', `/v1/tickets/${TICKET_ID}`, 204, ''))).toEqual([]);
  });

  it('reports a body on a non-204 response that declares no content', () => {
    const withoutContent = structuredClone(document);
    withoutContent.paths['/v1/tickets/{ticket_id}'].delete.responses = { '200': { description: 'Deleted.' } } as never;
    const strict = createContractValidator(withoutContent);
    expect(strict.check(response('DELETE', `/v1/tickets/${TICKET_ID}`, 200, { deleted: true }))).toEqual([
      `DELETE /v1/tickets/${TICKET_ID} 200: the response has a body but deleteTicket declares no content for 200`,
    ]);
    expect(strict.check(response('DELETE', `/v1/tickets/${TICKET_ID}`, 200, undefined))).toEqual([]);
  });

  it('reports a missing required header and ignores a declared Content-Type header', () => {
    expect(validator.check(page({ data: [] }, {}))).toEqual(['GET /v1/tickets 200: required header RateLimit-Remaining is missing']);
  });

  it('reports headers of the wrong type, reading numbers and booleans from strings', () => {
    expect(validator.check(page({ data: [] }, { 'RateLimit-Remaining': 'plenty', 'X-Cache-Hit': 'yes' }))).toEqual([
      'GET /v1/tickets 200: header RateLimit-Remaining must be integer',
      'GET /v1/tickets 200: header X-Cache-Hit must be boolean',
    ]);
    expect(validator.check(page({ data: [] }, { 'RateLimit-Remaining': '-1' }))).toEqual([
      'GET /v1/tickets 200: header RateLimit-Remaining must be >= 0',
    ]);
    expect(validator.check(page({ data: [] }, { 'RateLimit-Remaining': '1.5' }))).toEqual([
      'GET /v1/tickets 200: header RateLimit-Remaining must be integer',
    ]);
  });

  it('reports a writeOnly property in a response but does not require it', () => {
    expect(validator.check(response('GET', `/v1/users/${USER_ID}`, 200, { id: USER_ID, email: 'a@example.com', password: 'hunter2hunter2' })))
      .toEqual([`GET /v1/users/${USER_ID} 200: body/password is writeOnly and must not appear in a response`]);
  });
});
