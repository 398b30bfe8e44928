/**
 * Response validation against a scripted fetch: off by default, on per client or per request, pages
 * of a list validated one by one, data returned as sent, and a mismatch reported as a
 * ResponseValidationError (not an APIError) that says where, for which request, without credentials.
 */
import { describe, expect, it } from 'vitest';
import { APIError, ResponseValidationError, Ticketflow, TicketflowError } from '../../src/index.js';
import { json, scriptedFetch, type Answer } from './fake-fetch.js';

const BASE = 'https://helpdesk.test';
const API_KEY = 'tf_abcdefgh_secret';

const tag = (overrides: Record<string, unknown> = {}) => ({
  id: '9b2f6a8e-3c1d-4e5f-8a7b-1c2d3e4f5a6b',
  name: 'outage',
  color: '#dc2626',
  description: null,
  created_by: null,
  created_at: '2025-03-14T09:26:53.589Z',
  ...overrides,
});

function client(answers: Answer[], validate?: boolean) {
  const script = scriptedFetch(answers);
  const tf = new Ticketflow({ baseUrl: BASE, apiKey: API_KEY, fetch: script.fetch, ...(validate === undefined ? {} : { validate }) });
  return { tf, sent: script.sent };
}

/** The rejection of `promise`, which must reject. */
async function rejectionOf(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error,
  );
}

describe('response validation', () => {
  it('returns a valid body unchanged, unknown extra fields included', async () => {
    const sent = tag({ added_in_a_later_version: { nested: [1, 2] } });
    const { tf } = client([json(200, sent)], true);
    const { data } = await tf.tags.get(sent.id).withResponse();
    expect(data).toEqual(sent);
  });

  it('rejects a body that breaks the contract with the path of the bad field, the request id and the headers', async () => {
    const { tf } = client([json(200, tag({ color: 'red', created_at: 'yesterday' }), { 'x-request-id': 'req-42' })], true);
    const error = await rejectionOf(tf.tags.get('t1'));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toBeInstanceOf(TicketflowError);
    expect(error).not.toBeInstanceOf(APIError);
    const failure = error as ResponseValidationError;
    expect(failure).toMatchObject({ operation: 'getTag', status: 200, requestId: 'req-42' });
    expect(failure.headers.get('x-request-id')).toBe('req-42');
    expect(failure.issues.map((issue) => issue.path)).toEqual([['color'], ['created_at']]);
    expect(failure.message).toContain('GET /v1/tags/t1 (getTag) answered 200');
    expect(failure.message).toContain('color: ');
    expect(failure.message).not.toContain(API_KEY);
    expect(JSON.stringify(failure.issues)).not.toContain(API_KEY);
  });

  it('reports a missing required field and a wrong type, deep in a list page', async () => {
    const nameless: Record<string, unknown> = tag();
    delete nameless.name;
    const { tf } = client([json(200, { data: [tag(), nameless, tag({ description: 7 })], next_cursor: null })], true);
    const error = (await rejectionOf(tf.tags.list())) as ResponseValidationError;
    expect(error.issues.map((issue) => [issue.path, issue.code])).toEqual([
      [['data', 1, 'name'], 'invalid_type'],
      [['data', 2, 'description'], 'invalid_type'],
    ]);
  });

  it('reports a body that breaks the contract to onError and the log, as the failure of the call', async () => {
    const script = scriptedFetch([json(200, tag({ color: 'red' }))]);
    const errors: { error: unknown; willRetry: boolean }[] = [];
    const logged: string[] = [];
    const tf = new Ticketflow({
      baseUrl: BASE,
      apiKey: API_KEY,
      fetch: script.fetch,
      validate: true,
      hooks: { onError: ({ error, willRetry }) => void errors.push({ error, willRetry }) },
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (message: string) => void logged.push(message) },
    });
    const error = await rejectionOf(tf.tags.get('t1'));
    expect(errors).toEqual([{ error, willRetry: false }]);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('GET https://helpdesk.test/v1/tags/t1 failed');
  });

  it('is off by default: a body that breaks the contract is returned as it came', async () => {
    const { tf } = client([json(200, tag({ color: 'red' }))]);
    expect(await tf.tags.get('t1')).toEqual(tag({ color: 'red' }));
  });

  it('is turned on or off per request, whatever the client says', async () => {
    const off = client([json(200, tag({ color: 'red' }))], false);
    await expect(off.tf.tags.get('t1', { validate: true })).rejects.toBeInstanceOf(ResponseValidationError);
    const on = client([json(200, tag({ color: 'red' }))], true);
    expect(await on.tf.tags.get('t1', { validate: false })).toEqual(tag({ color: 'red' }));
  });

  it('validates every page of a list as the loop fetches it', async () => {
    const { tf, sent } = client([json(200, { data: [tag()], next_cursor: 'c2' }), json(200, { data: [tag({ color: 'red' })], next_cursor: null })], true);
    const seen: unknown[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const item of tf.tags.list()) seen.push(item);
      })(),
    );
    expect(seen).toEqual([tag()]);
    expect(sent).toHaveLength(2);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).issues[0]!.path).toEqual(['data', 0, 'color']);
  });

  it('lets a 204 through: there is no body to check', async () => {
    const { tf } = client([new Response(null, { status: 204 })], true);
    expect(await tf.tags.delete('t1')).toBeUndefined();
  });

  it('refuses a validate option that is not a boolean', () => {
    const fetch = scriptedFetch([]).fetch;
    // @ts-expect-error: validate is a boolean
    expect(() => new Ticketflow({ baseUrl: BASE, apiKey: API_KEY, fetch, validate: 'yes' })).toThrow('validate must be true or false');
  });
});
