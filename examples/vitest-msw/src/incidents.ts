/**
 * A monitoring bridge: turns an alert into a helpdesk ticket with the alert's log excerpt as an
 * internal note. The alert's id is the idempotency key, so an alert delivered twice (monitoring
 * systems retry their webhooks) or a bridge restarted half-way opens one ticket, not two.
 */
import { RateLimitError, type components, type Ticketflow } from 'ticketflow';

type Ticket = components['schemas']['Ticket'];
type Comment = components['schemas']['Comment'];

export interface Alert {
  /** The monitoring system's id of the alert: the same alert always has the same id. */
  id: string;
  service: string;
  severity: 'critical' | 'warning' | 'info';
  summary: string;
  /** The last lines of the service's log when the alert fired. */
  logExcerpt: string;
}

export type IncidentOutcome =
  | { status: 'opened'; ticket: Ticket; note: Comment }
  /** The helpdesk asked to come back later than the SDK waits: queue the alert and try again then. */
  | { status: 'deferred'; retryAfterSeconds: number };

const PRIORITY = { critical: 'urgent', warning: 'high', info: 'medium' } as const;

export async function openIncident(tf: Ticketflow, alert: Alert): Promise<IncidentOutcome> {
  try {
    // The SDK retries 429, 5xx and lost connections itself, with this key on every attempt.
    const ticket = await tf.tickets.create(
      {
        title: `[${alert.service}] ${alert.summary}`,
        description: `Raised by monitoring (alert ${alert.id}).`,
        priority: PRIORITY[alert.severity],
        environment: 'production',
        affected_services: [alert.service],
        metadata: { alert_id: alert.id },
      },
      { idempotencyKey: `alert-${alert.id}` },
    );
    // Internal: logs may hold hostnames and stack traces the customer must not see.
    const note = await tf.comments.create(
      ticket.id,
      { body: `Log excerpt:\n${alert.logExcerpt}`, is_internal: true },
      { idempotencyKey: `alert-${alert.id}-log` },
    );
    return { status: 'opened', ticket, note };
  } catch (error) {
    // The SDK gives up at once on a Retry-After longer than it is willing to wait (60 s).
    if (error instanceof RateLimitError) return { status: 'deferred', retryAfterSeconds: error.retryAfterSeconds ?? 60 };
    throw error;
  }
}
