/** Bad input gets the server's answers: 400 with field errors, 415, malformed JSON, bad path and query parameters. */
import { describe, expect, it } from 'vitest';
import { failure, useMock } from './support.js';

describe('validation on the mock', () => {
  const { mock, client } = useMock({ scenario: 'demo' });


  it('names each invalid field of a body, as the server does', async () => {
    const error = await failure(client('customer').tickets.create({ title: '   ', priority: 'asap' } as never));
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    expect(error.problem?.errors).toEqual([
      { location: 'body', path: 'title', message: 'must not be blank' },
      { location: 'body', path: 'priority', message: expect.any(String) as string },
    ]);
    expect(mock().db.tickets.size).toBe(6);
  });

  it('refuses fields the contract does not have', async () => {
    const error = await failure(client('customer').tickets.create({ title: 'x', colour: 'red' } as never));
    expect(error.problem?.errors).toEqual([{ location: 'body', path: '', message: 'Unrecognized key: "colour"' }]);
  });

  it('trims what the server trims', async () => {
    expect((await client('customer').tickets.create({ title: '  Padded  ' })).title).toBe('Padded');
  });

  it('answers 415 to a body not sent as JSON, and 400 to JSON that does not parse', async () => {
    const { headers } = mock().as('customer');
    const url = `${mock().baseUrl}/v1/tickets`;
    const asText = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: 'title=x' });
    expect([asText.status, ((await asText.json()) as { code: string }).code]).toEqual([415, 'unsupported_media_type']);
    const broken = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"title":' });
    expect([broken.status, ((await broken.json()) as { code: string }).code]).toEqual([400, 'malformed_request']);
  });

  it('checks path and query parameters', async () => {
    const badId = await failure(client('agent').tickets.get('not-a-uuid'));
    expect(badId.problem?.errors).toEqual([{ location: 'path', path: 'ticket_id', message: 'must be a UUID' }]);
    const badLimit = await failure(client('agent').tickets.list({ limit: 500 }));
    expect(badLimit.problem?.errors?.[0]).toMatchObject({ location: 'query', path: 'limit' });
  });

  it('answers problem bodies shaped as RFC 9457, with the request id', async () => {
    const response = await fetch(`${mock().baseUrl}/v1/tickets/not-a-uuid`, { headers: { ...mock().as('agent').headers, 'x-request-id': 'req-42' } });
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-request-id')).toBe('req-42');
    expect(await response.json()).toEqual({
      type: 'https://ticketflow.dev/problems/validation_failed',
      title: 'The request is invalid',
      status: 400,
      detail: 'ticket_id: must be a UUID',
      instance: '/v1/tickets/not-a-uuid',
      code: 'validation_failed',
      request_id: 'req-42',
      errors: [{ location: 'path', path: 'ticket_id', message: 'must be a UUID' }],
    });
  });
});
