/**
 * What a flow module is given: a way to register cases that honours the target's declared
 * limits, the target once it exists, and SDK clients acting as its users. Every client sends through
 * one recording fetch, which notes each request (for checks of what the SDK sent) and which
 * operation of the contract it exercised.
 */
import { it } from 'vitest';
import { Ticketflow, type ClientOptions } from '../../src/index.js';
import { OperationLog } from './contract-operations.js';
import type { Capability, ConformanceTarget, Role, TargetFactory } from './target.js';

/** One request as the SDK sent it. */
export interface SentRequest {
  method: string;
  /** Without the base URL's own prefix: `/v1/auth/login`. */
  path: string;
  authorization: string | null;
}

/** A well-formed API key that belongs to nobody: anonymous calls must succeed without using it. */
const WORTHLESS_KEY = 'tf_nothing1_0000000000000000000000000000000000000000';

export class Conformance {
  readonly log = new OperationLog();
  /** Every request of every client, in order. */
  readonly sent: SentRequest[] = [];
  readonly #factory: TargetFactory;
  readonly #titles = new Set<string>();
  readonly #clients = new Map<Role, Ticketflow>();
  #target: ConformanceTarget | undefined;
  #prefix = '';

  constructor(factory: TargetFactory) {
    this.#factory = factory;
  }

  /** The target; only inside cases (it is made in the suite's `beforeAll`). */
  get target(): ConformanceTarget {
    if (!this.#target) throw new Error(`the ${this.#factory.name} target was not created`);
    return this.#target;
  }

  start(target: ConformanceTarget): void {
    this.#target = target;
    this.#prefix = new URL(target.baseUrl).pathname.replace(/\/+$/, '');
  }

  async stop(): Promise<void> {
    await this.#target?.close();
  }

  /**
   * Registers a case; one the target declares unsupported is registered as a todo that carries the
   * reason. Titles are the keys of `unsupported`, so each must be unique.
   */
  test(title: string, fn: () => Promise<void>): void {
    if (this.#titles.has(title)) throw new Error(`two conformance cases are titled "${title}"`);
    this.#titles.add(title);
    const reason = this.#factory.unsupported?.[title];
    if (reason === undefined) it(title, fn);
    else it.todo(`${title} (unsupported on ${this.#factory.name}: ${reason})`);
  }

  /** Fails when `unsupported` names a case that does not exist (a typo would hide nothing, silently). */
  checkUnsupported(): void {
    const unknown = Object.keys(this.#factory.unsupported ?? {}).filter((title) => !this.#titles.has(title));
    if (unknown.length > 0) throw new Error(`${this.#factory.name} declares unknown cases unsupported: ${unknown.join('; ')}`);
  }

  /** A capability of the target; a case that needs one the target lacks fails, naming it. */
  need<C extends Capability>(capability: C): NonNullable<ConformanceTarget[C]> {
    const power = this.target[capability];
    if (!power) {
      throw new Error(`${this.#factory.name} has no ${capability}: list this case in the factory's unsupported cases, with the reason`);
    }
    return power;
  }

  /** A client signed in with the role's email and password (one per role, so one login each). */
  as(role: Role): Ticketflow {
    let client = this.#clients.get(role);
    if (!client) {
      const { email, password } = this.target.users[role];
      client = this.signIn({ email, password });
      this.#clients.set(role, client);
    }
    return client;
  }

  /** A new client signed in with these credentials. */
  signIn(credentials: { email: string; password: string }): Ticketflow {
    return this.#client({ credentials });
  }

  withToken(accessToken: string): Ticketflow {
    return this.#client({ accessToken });
  }

  withApiKey(apiKey: string): Ticketflow {
    return this.#client({ apiKey });
  }

  /** A client whose own credential is worthless: what it may do, anyone may. */
  stranger(): Ticketflow {
    return this.withApiKey(WORTHLESS_KEY);
  }

  /** The Authorization headers sent to `path` from index `from` of {@link sent} on. */
  authorizationsTo(path: string, from: number): (string | null)[] {
    return this.sent.slice(from).filter((request) => request.path === path).map((request) => request.authorization);
  }

  #client(auth: { credentials: { email: string; password: string } } | { accessToken: string } | { apiKey: string }): Ticketflow {
    const options = { baseUrl: this.target.baseUrl, fetch: this.#fetch, ...auth } as ClientOptions;
    return new Ticketflow(options);
  }

  readonly #fetch: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const url = input instanceof Request ? input.url : input instanceof URL ? input.href : input;
    const path = new URL(url).pathname.slice(this.#prefix.length);
    const authorization = new Headers(init?.headers ?? request?.headers).get('authorization');
    this.sent.push({ method, path, authorization });
    const response = await (this.target.fetch ?? globalThis.fetch)(input, init);
    this.log.record(method, path, response.status);
    return response;
  };
}
