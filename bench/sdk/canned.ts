/** The canned answers of the SDK benchmark's server: one ticket, and a list of 10k in pages of 100. */
import type { components } from '../../src/generated/api.js';

type Ticket = components['schemas']['Ticket'];

export const TICKET_ID = '4f1c2a9e-3b7d-4c5e-9a1f-2d3e4b5c6d7e';

/** A ticket as the API sends it, every field filled the way a worked ticket has them. */
export function cannedTicket(id = TICKET_ID): Ticket {
  return {
    id,
    ticket_number: 'TKT-2026-04217',
    title: 'VPN keeps disconnecting since this morning',
    description: 'The VPN client drops the connection every few minutes. Error code 809-2214 appears in the logs. This affects 12 people in our office.',
    status: 'in_progress',
    priority: 'high',
    category_id: '0b6e2a4c-1d3f-4a5b-8c7d-9e0f1a2b3c4d',
    impact_level: 'medium',
    requester_id: '7c8d9e0f-1a2b-4c3d-9e4f-5a6b7c8d9e0f',
    created_by: '7c8d9e0f-1a2b-4c3d-9e4f-5a6b7c8d9e0f',
    assignee_id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    team_id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
    department_id: '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f',
    due_at: null,
    estimated_hours: 4,
    actual_hours: null,
    resolution_notes: null,
    environment: 'production',
    affected_services: ['vpn', 'sso'],
    metadata: { source: 'email' },
    tag_ids: ['4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a'],
    sla: {
      policy_id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
      first_response_due_at: '2026-03-02T09:30:00.000Z',
      resolution_due_at: '2026-03-02T17:00:00.000Z',
      first_responded_at: '2026-03-02T09:12:41.000Z',
      breached_at: null,
    },
    escalation_level: 0,
    reopen_count: 0,
    version: 4,
    last_updated_by: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    created_at: '2026-03-02T09:00:00.000Z',
    updated_at: '2026-03-02T10:45:00.000Z',
    resolved_at: null,
    closed_at: null,
  };
}

export const PAGE_SIZE = 100;
export const LIST_ITEMS = 10_000;

const idOf = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** Page `index` (0-based) of the list, as JSON: cursors are the next page's index. */
export function pageJson(index: number): string {
  const data = Array.from({ length: PAGE_SIZE }, (_, i) => cannedTicket(idOf(index * PAGE_SIZE + i)));
  const next = (index + 1) * PAGE_SIZE < LIST_ITEMS ? String(index + 1) : null;
  return JSON.stringify({ data, next_cursor: next });
}
