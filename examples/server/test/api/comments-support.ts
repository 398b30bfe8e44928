/**
 * Helpers shared by the comments, attachments and feedback HTTP tests: tickets in a given state,
 * API keys with chosen scopes, multipart bodies, and raw downloads (the harness reads bodies as
 * text, which would mangle binary content).
 */
import { createHash, randomUUID } from 'node:crypto';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { signAccessToken } from '../../src/auth/access-tokens.js';
import { loadOpenApiDocument } from '../../src/openapi-document.js';
import type { ApiHarness } from '../support/api-harness.js';
import { recordCoverage } from '../support/contract-coverage.js';
import { createContractValidator } from '../support/openapi-validator.js';
import { unique, type UserKey } from '../support/world.js';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export const text = (value: string) => new TextEncoder().encode(value);

// A complete 1×1 PNG.
export const PNG = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
);
// The start of a Windows executable: "MZ", then a DOS header.
export const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00]);

export const MISSING_ID = '7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f';

interface TicketOptions {
  assignee?: UserKey;
  department?: string | undefined;
  team?: string | undefined;
  /** Statuses to move through after `open` (the assignee moves it). */
  path?: string[];
}

/** A ticket requested by `requester`, built as the owner with the actors bound, like the world. */
export async function createTicket(api: ApiHarness, requester: UserKey, options: TicketOptions = {}): Promise<string> {
  return api.db.transaction(async (tx) => {
    const actAs = (key: UserKey) =>
      tx.query("select set_config('app.user_id', id::text, true), set_config('app.role', role::text, true) from users where id = $1", [
        api.world.users[key],
      ]);
    await actAs(requester);
    const { rows } = await tx.query<{ id: string }>(
      'insert into tickets (title, description, requester_id, created_by, department_id, team_id) values ($1, $2, $3, $3, $4, $5) returning id',
      [unique('Ticket'), 'Something is broken', api.world.users[requester], options.department ?? null, options.team ?? null],
    );
    const id = rows[0]!.id;
    if (options.assignee) {
      await actAs(options.assignee);
      await tx.query("update tickets set assignee_id = $2, status = 'open' where id = $1", [id, api.world.users[options.assignee]]);
    }
    for (const status of options.path ?? []) await tx.query('update tickets set status = $2 where id = $1', [id, status]);
    await tx.query("select set_config('app.user_id', '', true), set_config('app.role', '', true)");
    return id;
  });
}

/** An API key acting as `user` with exactly `scopes`. */
export async function createApiKey(api: ApiHarness, user: UserKey, scopes: string[]): Promise<string> {
  const key = generateApiKey();
  await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
    unique('key'),
    key.prefix,
    key.hash,
    api.world.users[user],
    scopes,
  ]);
  return key.key;
}

export interface FilePart {
  bytes: Uint8Array;
  name?: string;
  type?: string;
  field?: string;
}

/** A multipart/form-data body as bytes, with its Content-Type and Content-Length, for the harness's `raw`. */
export async function multipart(files: FilePart[], fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const { bytes, name = 'note.txt', type = 'text/plain', field = 'file' } of files) {
    form.append(field, new Blob([bytes], { type }), name);
  }
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const encoded = new Response(form);
  const raw = new Uint8Array(await encoded.arrayBuffer());
  return {
    raw,
    headers: { 'content-type': encoded.headers.get('content-type')!, 'content-length': String(raw.byteLength) },
  };
}

const validator = createContractValidator(loadOpenApiDocument());

/**
 * A request whose response body is read as bytes. The response is checked against the contract as
 * the harness does (binary bodies are only checked for their content type and headers).
 */
export async function rawRequest(api: ApiHarness, user: UserKey, method: string, path: string, init: RequestInit = {}) {
  const token = await signAccessToken(api.auth, api.clock, { userId: api.world.users[user], sessionId: randomUUID() });
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  const response = await api.app.request(new Request(`http://localhost${path}`, { ...init, method, headers }));
  const bytes = new Uint8Array(await response.arrayBuffer());
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  const body: unknown = bytes.length === 0 ? undefined : isJson ? JSON.parse(new TextDecoder().decode(bytes)) : 'binary';
  const violations = validator.check({ method, url: `http://localhost${path}`, status: response.status, headers: response.headers, body });
  if (violations.length > 0) throw new Error(`Response breaks the contract:\n  ${violations.join('\n  ')}`);
  const operationId = validator.operationFor(method, `http://localhost${path}`);
  if (operationId) recordCoverage(operationId, response.status);
  return { status: response.status, headers: response.headers, bytes, body: body as any };
}

/** Every row of `table` matching `where`, read as the owner (past row-level security). */
export async function ownerRows<T = Record<string, unknown>>(api: ApiHarness, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await api.db.query<T>(sql, params)).rows;
}
