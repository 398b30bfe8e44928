/**
 * The msw kit as a target of the SDK's conformance suite (test/conformance/): one mock seeded with
 * the records the suite expects (the reference server's test world: Support and Infrastructure,
 * teams Alpha and Beta, a category, two tags, one user per role with a password), answering
 * through a fetch built on msw's `getResponse`, so no global fetch is patched and nothing of the
 * reference server is involved. `advanceClock` moves the mock clock.
 *
 * `UNSUPPORTED` lists the cases the mock cannot pass yet, each with its reason: the suite reports
 * them as todo, never as passed. Remove a case's entry when its area is mocked.
 */
import { getResponse } from 'msw';
import type { ConformanceTarget, Role, TargetFactory } from '../conformance/target.js';
import { ROLES } from '../conformance/target.js';
import { createTicketflowMock, type TicketflowMock } from '../../src/msw/index.js';

/**
 * The cases the mock cannot pass yet, by title, grouped by area. One entry per case; a case that
 * needs several missing areas names them all and goes when the last of them is mocked.
 */
export const UNSUPPORTED: Readonly<Record<string, string>> = {
};

/** The world's webhook whose one delivery failed (answered 503 once). */
function failedDelivery(mock: TicketflowMock): ConformanceTarget['fixtures']['failedDelivery'] {
  const { webhook } = mock.seed.webhook({ url: 'https://hooks.example.com/ticketflow' });
  const delivery = mock.seed.webhookDelivery(webhook.id, { event_type: 'ticket.created', status: 'failed', attempts: [{ status_code: 503 }] });
  return { webhookId: webhook.id, deliveryId: delivery.id };
}

/** The suite's records and accounts, as the reference server's test world has them. */
function seedWorld(mock: TicketflowMock): Pick<ConformanceTarget, 'users' | 'fixtures'> {
  const { seed } = mock;
  const support = seed.department({ name: 'Support' });
  const infra = seed.department({ name: 'Infrastructure' });
  const departmentOf: Partial<Record<Role, string>> = { manager: support.id, agent: support.id, agent2: infra.id };
  const users = {} as ConformanceTarget['users'];
  for (const role of ROLES) {
    const password = `conformance ${role} password`;
    const user = seed.user({
      key: role,
      email: `${role}@world.test`,
      first_name: role,
      role: role === 'agent2' ? 'agent' : role === 'customer2' ? 'customer' : role,
      department_id: departmentOf[role] ?? null,
      password,
    });
    users[role] = { id: user.id, email: user.email, password };
  }
  const alpha = seed.team({ name: 'Alpha', department_id: support.id, lead_id: users.manager.id, members: ['agent'] });
  const beta = seed.team({ name: 'Beta', department_id: infra.id, members: ['agent2'] });
  return {
    users,
    fixtures: {
      departments: { support: support.id, infra: infra.id },
      teams: { alpha: alpha.id, beta: beta.id },
      category: seed.category({ slug: 'network', name: 'Network' }).id,
      tags: { vip: seed.tag({ name: 'vip' }).id, outage: seed.tag({ name: 'outage' }).id },
      // The world's P1: the table's defaults (business hours, effective from today).
      urgentSlaPolicy: seed.slaPolicy({ name: 'P1', priority: 'urgent', response_time_minutes: 5, resolution_time_minutes: 240, effective_from: mock.clock.now().toISOString().slice(0, 10) }).id,
      failedDelivery: failedDelivery(mock),
    },
  };
}

/**
 * A fetch answered by the mock's handlers, with a real fetch's failures: an injected network
 * error and an aborted signal reject (a `TypeError`, the signal's reason), and an abort after
 * the answer ends its body, as a stream cut off mid-way.
 */
export function mockFetch(mock: TicketflowMock): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const { signal } = request;
    signal.throwIfAborted();
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
    const response = await Promise.race([getResponse(mock.handlers, request), aborted]);
    if (!response) throw new TypeError(`fetch failed: no handler of the mock answers ${request.method} ${request.url}`);
    if (response.type === 'error') throw new TypeError('fetch failed', { cause: new Error('network error injected by ticketflow/msw') });
    return abortable(response, signal);
  };
}

/** The response, whose body errors with the signal's reason once the signal aborts. */
function abortable(response: Response, signal: AbortSignal): Response {
  if (!response.body) return response;
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      signal.addEventListener(
        'abort',
        () => {
          controller.error(signal.reason);
          void reader.cancel(signal.reason).catch(() => undefined);
        },
        { once: true },
      );
    },
    async pull(controller) {
      const chunk = await reader.read();
      if (chunk.done) controller.close();
      else controller.enqueue(chunk.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

export const mockTarget: TargetFactory = {
  name: 'ticketflow/msw mock',
  unsupported: UNSUPPORTED,
  create() {
    // Background work only when the suite asks for it, as the reference server's harness runs it;
    // the clock at the real time, as cases compare with Date.now().
    const mock = createTicketflowMock({ backgroundJobs: 'manual', now: Date.now() });
    return Promise.resolve({
      ...seedWorld(mock),
      baseUrl: mock.baseUrl,
      fetch: mockFetch(mock),
      mailTo: (email) =>
        Promise.resolve(mock.mailbox.filter((mail) => mail.to.toLowerCase() === email.toLowerCase()).map(({ text, token }) => ({ text, token }))),
      runBackgroundJobs: () => {
        // The harness runs the SLA scheduler and notification routing, not webhook dispatch.
        mock.runBackgroundJobs({ only: ['sla', 'notifications'] });
        return Promise.resolve();
      },
      advanceClock: (seconds) => {
        mock.clock.advance(seconds * 1000);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    });
  },
};
