import { describe, expect, it } from 'vitest';
import { PermissionDeniedError, Ticketflow } from 'ticketflow';
import { openIncident, type Alert } from '../src/incidents.js';
import { useTicketflowMock } from './mock.js';

const alert: Alert = {
  id: 'a-7f3c',
  service: 'orders-db',
  severity: 'critical',
  summary: 'Replica lag above 5 minutes',
  logExcerpt: '12:01:07 WARN replica-2 lag=312s\n12:01:37 ERROR replica-2 lag=342s',
};

describe('openIncident', () => {
  // An empty helpdesk: each test seeds the bridge's account and key itself.
  const mock = useTicketflowMock();

  /** The bridge as it runs in production: its own account, an API key with the scopes it needs. */
  function bridge(scopes: ('tickets:read' | 'tickets:write')[] = ['tickets:write']) {
    mock.seed.user({ key: 'monitoring', role: 'agent', first_name: 'Monitoring', last_name: 'Bridge' });
    const { key } = mock.seed.apiKey({ user: 'monitoring', name: 'monitoring bridge', scopes });
    return new Ticketflow({ baseUrl: mock.baseUrl, apiKey: key });
  }

  it('opens an urgent ticket with the log as an internal note', async () => {
    const outcome = await openIncident(bridge(), alert);

    expect(outcome.status).toBe('opened');
    if (outcome.status !== 'opened') return;
    expect(outcome.ticket).toMatchObject({
      ticket_number: 'TKT-2026-00001',
      title: '[orders-db] Replica lag above 5 minutes',
      priority: 'urgent',
      status: 'new',
      affected_services: ['orders-db'],
      metadata: { alert_id: 'a-7f3c' },
      requester_id: mock.user('monitoring').id,
    });
    expect(outcome.note).toMatchObject({ ticket_id: outcome.ticket.id, is_internal: true, body: `Log excerpt:\n${alert.logExcerpt}` });
  });

  it('opens one ticket when the same alert arrives twice', async () => {
    const tf = bridge();
    const first = await openIncident(tf, alert);
    const second = await openIncident(tf, alert);

    expect(second).toEqual(first);
    expect(mock.calls('tickets.create').map((call) => call.replayed)).toEqual([false, true]);
    expect(mock.calls('comments.create').map((call) => call.replayed)).toEqual([false, true]);
    expect(mock.db.tickets.size).toBe(1);
    expect(mock.db.comments.size).toBe(1);
  });

  it('rides out two 503s: the SDK retries with the same key, and there is still one ticket', async () => {
    mock.fail('tickets.create', { status: 503, times: 2 });

    const outcome = await openIncident(bridge(), alert);

    expect(outcome.status).toBe('opened');
    const calls = mock.calls('tickets.create');
    expect(calls.map((call) => call.status)).toEqual([503, 503, 201]);
    expect(calls.map((call) => call.headers['idempotency-key'])).toEqual(['alert-a-7f3c', 'alert-a-7f3c', 'alert-a-7f3c']);
    expect(mock.db.tickets.size).toBe(1);
  });

  it('waits out a 429 with a short Retry-After', async () => {
    mock.fail('tickets.create', { status: 429, retryAfter: 1, times: 1 });

    const outcome = await openIncident(bridge(), alert);

    expect(outcome.status).toBe('opened');
    expect(mock.calls('tickets.create').map((call) => call.status)).toEqual([429, 201]);
  });

  it('defers the alert when the helpdesk asks to come back in five minutes', async () => {
    mock.fail('tickets.create', { status: 429, retryAfter: 300 });

    const outcome = await openIncident(bridge(), alert);

    expect(outcome).toEqual({ status: 'deferred', retryAfterSeconds: 300 });
    // Longer than the SDK waits: one attempt, nothing stored.
    expect(mock.calls('tickets.create')).toHaveLength(1);
    expect(mock.db.tickets.size).toBe(0);
  });

  it('fails loudly with a key that may only read tickets', async () => {
    const outcome = openIncident(bridge(['tickets:read']), alert);

    await expect(outcome).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(outcome).rejects.toMatchObject({ status: 403, code: 'insufficient_scope' });
    expect(mock.db.tickets.size).toBe(0);
  });
});
