/**
 * The HTTP test harness: a migrated database with the access-test world in it, the app built over
 * it, and clients that call the app in-process as any user of the world (or with an API key, or
 * anonymously). Every response a client receives is checked against the OpenAPI document; a
 * response the contract does not allow fails the test that received it.
 */
import { randomUUID } from 'node:crypto';
import { createApp, DEFAULT_AUTH, type App, type AppOptions } from '../../src/app.js';
import { signAccessToken } from '../../src/auth/access-tokens.js';
import type { Clock } from '../../src/clock.js';
import type { AuthSettings } from '../../src/context.js';
import type { Database, Engine } from '../../src/db/database.js';
import { memoryLogger } from '../../src/logger.js';
import { memoryMailbox } from '../../src/mailbox.js';
import { loadOpenApiDocument } from '../../src/openapi-document.js';
import { memoryStorage } from '../../src/storage.js';
import { recordCoverage } from './contract-coverage.js';
import { createContractValidator } from './openapi-validator.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { buildWorld, type UserKey, type World } from './world.js';

const validator = createContractValidator(loadOpenApiDocument());

/** A clock tests can move. */
export interface TestClock extends Clock {
  advance(seconds: number): void;
  set(at: Date): void;
}

export function testClock(start = new Date()): TestClock {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance: (seconds) => {
      now += seconds * 1000;
    },
    set: (at) => {
      now = at.getTime();
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON for JSON responses, the text otherwise. */
  body: T;
  text: string;
}

export interface RequestOptions {
  /** Sent as JSON unless `raw` is given. */
  json?: unknown;
  /** A body sent as is (with your own Content-Type header). */
  raw?: ConstructorParameters<typeof Request>[1] extends infer I ? (I extends { body?: infer B } ? B : never) : never;
  headers?: Record<string, string>;
}

export interface Client {
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  get<T = any>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  post<T = any>(path: string, json?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  patch<T = any>(path: string, json?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  put<T = any>(path: string, json?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  delete<T = any>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
}

export interface ApiHarness {
  app: App;
  db: Database;
  /** For extra pools on the same PostgreSQL database; undefined on PGlite. */
  url: string | undefined;
  engine: Engine;
  world: World;
  clock: TestClock;
  storage: ReturnType<typeof memoryStorage>;
  mailbox: ReturnType<typeof memoryMailbox>;
  logger: ReturnType<typeof memoryLogger>;
  auth: AuthSettings;
  /** A client acting as a user of the world (by key) or any user id. */
  as(user: UserKey | { userId: string }): Client;
  /** A client that sends `Authorization: Bearer <token>` (an API key or any token). */
  withToken(token: string): Client;
  /** An access token for a user of the world (by key) or any user id, for requests made without a client. */
  tokenFor(user: UserKey | { userId: string }): Promise<string>;
  anonymous(): Client;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Options passed to createApp on top of the harness's own. */
  app?: Partial<AppOptions>;
  maxConnections?: number;
}

export async function createApiHarness(engine: Engine, options: HarnessOptions = {}): Promise<ApiHarness> {
  const database: TestDatabase = await createTestDatabase(engine, { maxConnections: options.maxConnections ?? 8 });
  const world = await database.db.transaction((tx) => buildWorld(tx));
  const clock = testClock();
  const storage = memoryStorage();
  const mailbox = memoryMailbox();
  const logger = memoryLogger();
  const auth: AuthSettings = {
    ...DEFAULT_AUTH,
    jwtSecret: new TextEncoder().encode(`test-secret-${randomUUID()}`),
    ...options.app?.auth,
  };
  const app = createApp({
    db: database.db,
    storage,
    clock,
    mailbox,
    logger,
    // Generous by default so suites are not throttled; rate-limit tests set their own.
    limits: { rateLimit: 100_000, authRateLimit: 100_000 },
    ...options.app,
    auth,
  });

  const client = (authorization: () => Promise<string | undefined>): Client => {
    const request = async <T>(method: string, path: string, init: RequestOptions = {}): Promise<ApiResponse<T>> => {
      const headers = new Headers(init.headers);
      const token = await authorization();
      if (token !== undefined && !headers.has('authorization')) headers.set('authorization', token);
      let body: RequestOptions["raw"] = init.raw;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      }
      const response = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
      return checked<T>(method, path, response);
    };
    return {
      request,
      get: (path, init) => request('GET', path, init),
      post: (path, json, init) => request('POST', path, { ...init, json }),
      patch: (path, json, init) => request('PATCH', path, { ...init, json }),
      put: (path, json, init) => request('PUT', path, { ...init, json }),
      delete: (path, init) => request('DELETE', path, init),
    };
  };

  const tokenFor = (userId: string) =>
    signAccessToken(auth, clock, { userId, sessionId: randomUUID() }).then((token) => `Bearer ${token}`);

  return {
    app,
    db: database.db,
    url: database.url,
    engine,
    world,
    clock,
    storage,
    mailbox,
    logger,
    auth,
    as: (user) => {
      const userId = typeof user === 'string' ? world.users[user] : user.userId;
      return client(() => tokenFor(userId));
    },
    withToken: (token) => client(() => Promise.resolve(`Bearer ${token}`)),
    tokenFor: (user) =>
      signAccessToken(auth, clock, { userId: typeof user === 'string' ? world.users[user] : user.userId, sessionId: randomUUID() }),
    anonymous: () => client(() => Promise.resolve(undefined)),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** Reads the response, checks it against the contract, and records which operation it exercised. */
async function checked<T>(method: string, path: string, response: Response): Promise<ApiResponse<T>> {
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const isJson = /^application\/([a-z.+-]+\+)?json/.test(type);
  let body: unknown = text;
  if (isJson && text !== '') body = JSON.parse(text);
  if (text === '') body = undefined;
  const url = `http://localhost${path}`;
  const violations = validator.check({ method, url, status: response.status, headers: response.headers, body });
  if (violations.length > 0) {
    throw new Error(`Response breaks the contract:\n  ${violations.join('\n  ')}\nBody: ${text.slice(0, 2000)}`);
  }
  const operationId = validator.operationFor(method, url);
  if (operationId) recordCoverage(operationId, response.status);
  return { status: response.status, headers: response.headers, body: body as T, text };
}
