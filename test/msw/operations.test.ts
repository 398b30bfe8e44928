/**
 * The kit's operation table is the contract's, and each SDK method name in it sends exactly the
 * operation it is mapped to; an operation the kit does not implement answers 501 naming it.
 */
import { describe, expect, it } from 'vitest';
import contract from '../../src/generated/openapi.json' with { type: 'json' };
import { getResponse } from 'msw';
import { Ticketflow } from '../../src/index.js';
import { CallLog } from '../../src/msw/calls.js';
import { createClock } from '../../src/msw/clock.js';
import { Faults } from '../../src/msw/faults.js';
import { createIds } from '../../src/msw/ids.js';
import { OPERATIONS, operationNamed } from '../../src/msw/operations.js';
import { buildHandlers } from '../../src/msw/router.js';
import { Store } from '../../src/msw/store.js';
import { DEFAULT_SETTINGS } from '../../src/msw/world.js';
import { useMock } from './support.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const ID = '3f1c2a9e-0b7d-4c55-9a11-2b3c4d5e6f70';

const templateRegex = (template: string) => new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);

/** Arguments for the methods whose first arguments are not ids or objects. */
const SPECIAL_ARGS: Record<string, unknown[]> = {
  'attachments.upload': [ID, new Blob(['x']), { filename: 'a.txt' }],
  'attachments.uploadToComment': [ID, ID, new Blob(['x']), { filename: 'a.txt' }],
  'kb.versions.get': [ID, 1],
};

function method(client: Ticketflow, name: string): (...args: unknown[]) => unknown {
  const parts = name.split('.');
  let owner: unknown = client;
  for (const part of parts.slice(0, -1)) owner = (owner as Record<string, unknown>)[part];
  const fn = (owner as Record<string, unknown>)[parts.at(-1)!];
  if (typeof fn !== 'function') throw new Error(`${name} is not an SDK method`);
  return (...args: unknown[]) => (fn as (...a: unknown[]) => unknown).apply(owner, args);
}

describe('the operation table', () => {
  it('holds exactly the operations of the contract, with their methods and paths', () => {
    const paths = (contract as { paths: Record<string, Partial<Record<(typeof METHODS)[number], { operationId?: string }>>> }).paths;
    const fromContract = Object.entries(paths)
      .flatMap(([path, item]) => METHODS.filter((m) => item[m]?.operationId).map((m) => `${m.toUpperCase()} ${path} ${item[m]!.operationId!}`))
      .sort();
    expect(OPERATIONS.map((op) => `${op.method} ${op.path} ${op.operationId}`).sort()).toEqual(fromContract);
  });

  it('maps each SDK method to the operation that method sends', async () => {
    const sent: { method: string; path: string }[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      sent.push({ method: request.method, path: new URL(request.url).pathname });
      return Promise.resolve(new Response(null, { status: 204 }));
    };
    const client = new Ticketflow({ baseUrl: 'https://api.example.test', accessToken: 'token', maxRetries: 0, fetch });
    for (const op of OPERATIONS) {
      sent.length = 0;
      const result = method(client, op.sdkName)(...(SPECIAL_ARGS[op.sdkName] ?? [ID, ID, ID]));
      if (result instanceof Promise || (typeof result === 'object' && result !== null && 'then' in result)) await Promise.resolve(result).catch(() => undefined);
      else if (typeof result === 'object' && result !== null && Symbol.asyncIterator in result) await (result as AsyncIterable<unknown>)[Symbol.asyncIterator]().next().catch(() => undefined);
      expect(sent, op.sdkName).toHaveLength(1);
      expect(sent[0]!.method, op.sdkName).toBe(op.method);
      expect(sent[0]!.path, op.sdkName).toMatch(templateRegex(op.path));
    }
  });

  it('finds operations by SDK name or operationId, and refuses unknown names', () => {
    expect(operationNamed('tickets.create').operationId).toBe('createTicket');
    expect(operationNamed('createTicket').sdkName).toBe('tickets.create');
    expect(() => operationNamed('tickets.make')).toThrow(/no operation is called "tickets.make"/);
  });
});

describe('operations the kit does not implement', () => {
  const { mock } = useMock({ scenario: 'demo' });

  it('are none: every operation of the contract is mocked', () => {
    expect(OPERATIONS.filter((op) => !mock().implemented.has(op.operationId)).map((op) => op.operationId)).toEqual([]);
  });

  it('would answer 501 naming the operation, never a made-up success', async () => {
    const clock = createClock();
    const world = { store: new Store(clock.now()), clock, ids: createIds('501'), settings: DEFAULT_SETTINGS };
    const calls = new CallLog();
    const handlers = buildHandlers({ baseUrl: 'https://api.ticketflow.test', world, handlers: {}, calls, faults: new Faults() });
    const response = await getResponse(handlers, new Request('https://api.ticketflow.test/v1/kb/articles'));
    expect(response?.status).toBe(501);
    const problem = (await response!.json()) as { code: string; detail: string };
    expect(problem.code).toBe('not_implemented');
    expect(problem.detail).toContain('listArticles (kb.articles.list, GET /v1/kb/articles)');
    expect(calls.list('kb.articles.list')).toHaveLength(1);
  });

  it('answers a path outside the contract with the server’s 404', async () => {
    const response = await fetch(`${mock().baseUrl}/v1/nothing-here`, { headers: mock().as('agent').headers });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'not_found', detail: 'No route for GET /v1/nothing-here.' });
  });
});
