/**
 * Reliability under bad input: for every operation of the contract, requests generated from its
 * schemas with one fault each (see bad-requests.ts), sent in-process as an admin and as a customer.
 * Every answer must be a 4xx problem+json the contract documents (never a 5xx, never a 2xx), and
 * nothing may be written: the database (every row of every table), the attachment storage and the
 * outgoing mail are compared before and after each operation's batch.
 *
 * Reproducible: the seed is fixed unless FC_SEED is set, and printed; FC_RUNS sets the requests per
 * operation and caller. A failure prints the request and fast-check's seed and path for it; rerun
 * with the same FC_SEED and `-t <operationId>` to replay it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/app.js';
import { signAccessToken } from '../../src/auth/access-tokens.js';
import { loadOpenApiDocument } from '../../src/openapi-document.js';
import { createApiHarness, testClock, type ApiHarness } from '../support/api-harness.js';
import { createContractValidator } from '../support/openapi-validator.js';
import { engines } from '../support/test-database.js';
import type { UserKey, World } from '../support/world.js';
import { badRequests, takesInput, type BadRequest, type Setting } from './bad-requests.js';
import { loadContract, type Operation } from './contract-operations.js';
import { changes, fingerprint } from './db-fingerprint.js';
import { refusalFaults, type Answer } from './refusal-check.js';

const DEFAULT_SEED = 20_260_611;
const DEFAULT_RUNS = 10;
const seed = Number(process.env.FC_SEED ?? DEFAULT_SEED);
const runs = Number(process.env.FC_RUNS ?? DEFAULT_RUNS);

const contract = loadContract();
const validator = createContractValidator(loadOpenApiDocument());
// The health checks take no input at all: no request to them can be wrong.
const operations = contract.operations.filter(takesInput);
const CALLERS = ['admin', 'customer'] as const satisfies readonly UserKey[];

/** Rows every caller can reach, so that a fault in the body is met by validation rather than a 404. */
function pathValues(world: World): Record<string, string> {
  const row = (table: string, name: string) => String(world.rows[table]?.[name]?.params[0]);
  return {
    user_id: world.users.customer,
    invitation_id: row('user_invitations', 'supportInvite'),
    api_key_id: row('api_keys', 'customerKey'),
    department_id: world.ids.support!,
    team_id: world.ids.alpha!,
    category_id: world.ids.network!,
    tag_id: world.ids.vip!,
    ticket_id: world.ids.mine!,
    comment_id: row('comments', 'publicMine'),
    attachment_id: row('attachments', 'mineFile'),
    sla_policy_id: row('sla_policies', 'p1'),
    escalation_id: row('escalations', 'mineEsc'),
    notification_id: row('notifications', 'customerNote'),
    kb_category_id: row('kb_categories', 'leaf'),
    article_id: row('kb_articles', 'published'),
    version: '1',
    session_id: world.ids.custChat!,
    webhook_id: world.ids.hook!,
    delivery_id: world.ids.hookDelivery!,
  };
}

/** A stable seed per operation and caller: adding an operation does not change the others' requests. */
function seedFor(operationId: string, caller: string): number {
  let hash = seed;
  for (const char of `${operationId}/${caller}`) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

async function send(api: ApiHarness, request: BadRequest): Promise<Answer> {
  const response = await api.app.request(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    // An open stream never ends: stop it, and let the status tell the rest.
    await response.body?.cancel();
    return { status: response.status, headers: response.headers, text: '(an event stream)' };
  }
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The request in a few lines, bodies cut short (some are over a megabyte). */
function describeRequest(request: BadRequest): string {
  const body = request.body === undefined ? '' : typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('latin1');
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${value.length > 80 ? `${value.slice(0, 80)}…` : value}`);
  return [
    `${request.method} ${request.url.length > 300 ? `${request.url.slice(0, 300)}…` : request.url}`,
    ...headers,
    body === '' ? '' : `body (${body.length} bytes): ${JSON.stringify(body.slice(0, 300))}${body.length > 300 ? '…' : ''}`,
    `fault (${request.family}): ${request.why}`,
  ].filter(Boolean).join('\n  ');
}

describe.each(engines)('bad input on %s', (engine) => {
  let api: ApiHarness;
  let paths: Record<string, string>;
  const settings = new Map<string, Omit<Setting, 'cursors' | 'foreignCursors'>>();
  /** Per caller, the cursors each list issued. */
  const cursors = new Map<string, Map<string, string>>();
  /** Per fault family, how often each status answered it. */
  const tally = new Map<string, Map<number, number>>();
  let started = 0;

  beforeAll(async () => {
    api = await createApiHarness(engine);
    paths = pathValues(api.world);
    console.log(`bad input on ${engine}: seed ${seed}, ${runs} requests per operation and caller (FC_SEED, FC_RUNS to change)`);
    for (const caller of CALLERS) {
      const userId = api.world.users[caller];
      const sign = (settings: typeof api.auth, clock = api.clock, user = userId) => signAccessToken(settings, clock, { userId: user, sessionId: randomUUID() });
      const token = await sign(api.auth);
      const [header, , signature] = token.split('.');
      const otherPayload = (await sign(api.auth, api.clock, api.world.users.admin)).split('.')[1];
      const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const badTokens = [
        // Expired a day ago.
        await sign(api.auth, testClock(new Date(api.clock.now().getTime() - 24 * 3600 * 1000))),
        // Signed with another secret.
        await sign({ ...api.auth, jwtSecret: randomBytes(32) }),
        // Properly signed, for a user who does not exist.
        await sign(api.auth, api.clock, randomUUID()),
        // Another user's claims under this token's signature.
        `${header}.${otherPayload}.${signature}`,
        // Unsigned.
        `${noneHeader}.${token.split('.')[1]}.`,
        // Cut short.
        token.slice(0, -10),
      ];
      settings.set(caller, {
        pathValue: (name) => {
          const value = paths[name];
          if (value === undefined) throw new Error(`no row for the path parameter ${name}: add one to pathValues()`);
          return value;
        },
        authorization: `Bearer ${token}`,
        badAuthorizations: badTokens.filter((bad) => bad !== token).map((bad) => `Bearer ${bad}`),
        maxJsonBytes: DEFAULT_LIMITS.maxJsonBytes,
      });
      cursors.set(caller, await issuedCursors(api, `Bearer ${token}`, paths));
    }
    started = Date.now();
  });

  afterAll(async () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const count = (statuses: Map<number, number>) => [...statuses.values()].reduce((sum, n) => sum + n, 0);
    const total = [...tally.values()].reduce((sum, statuses) => sum + count(statuses), 0);
    const lines = [...tally]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([family, statuses]) => `  ${family.padEnd(16)} ${String(count(statuses)).padStart(6)}: ${[...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ')}`);
    console.log(`bad input on ${engine}: ${total} requests in ${seconds} s\n${lines.join('\n')}`);
    await api?.close();
  });

  it.each(operations.map((operation) => [operation.id, operation] as const))('%s refuses every bad request and writes nothing', async (_, operation: Operation) => {
    const before = await fingerprint(api.db);
    const storedBefore = api.storage.keys().length;
    const mailBefore = api.mailbox.messages.length;
    for (const caller of CALLERS) {
      const issued = cursors.get(caller)!;
      const setting: Setting = {
        ...settings.get(caller)!,
        cursors: issued.has(operation.id) ? [issued.get(operation.id)!] : [],
        foreignCursors: [...issued].filter(([id]) => id !== operation.id).map(([, cursor]) => cursor),
      };
      await fc.assert(
        fc.asyncProperty(badRequests(contract, operation, setting), async (request) => {
          const answer = await send(api, request);
          const statuses = tally.get(request.family) ?? new Map<number, number>();
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          tally.set(request.family, statuses);
          const routed = validator.operationFor(request.method, `http://localhost${request.url}`) === operation.id;
          const faults = refusalFaults(request, answer, contract.problemCodes, routed ? validator : undefined);
          expect(faults, `as ${caller}:\n  ${describeRequest(request)}\nanswer ${answer.status}: ${answer.text.slice(0, 500)}`).toEqual([]);
        }),
        { seed: seedFor(operation.id, caller), numRuns: runs },
      );
    }
    // The requests were all invalid: nothing anywhere may have changed.
    expect(changes(before, await fingerprint(api.db)), 'tables written by invalid requests').toEqual([]);
    expect(api.storage.keys().length, 'objects left in storage').toBe(storedBefore);
    expect(api.mailbox.messages.length, 'mail sent').toBe(mailBefore);
  });
});

/** For each list operation, a `next_cursor` it gave this caller (lists with fewer than two rows give none). */
async function issuedCursors(api: ApiHarness, authorization: string, paths: Record<string, string>): Promise<Map<string, string>> {
  const issued = new Map<string, string>();
  for (const operation of contract.operations) {
    const hasCursor = operation.parameters.some((parameter) => parameter.name === 'cursor');
    const needsMore = operation.parameters.some((parameter) => parameter.in === 'query' && parameter.required);
    if (operation.method !== 'GET' || !hasCursor || needsMore) continue;
    const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => paths[name] ?? '');
    const response = await api.app.request(`${path}?limit=1`, { headers: { authorization } });
    const body = (await response.json()) as { next_cursor?: string | null };
    if (response.ok && typeof body.next_cursor === 'string') issued.set(operation.id, body.next_cursor);
  }
  return issued;
}
