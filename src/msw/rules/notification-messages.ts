/**
 * (The server's examples/server/src/notifications/messages.ts, word for word.)
 *
 * What notifications say. Every text names the ticket by number and title, which its requester
 * already knows; the texts meant for customers say nothing else but the status and what was
 * written in public. Internal details (escalation reasons, internal notes, SLA targets) appear
 * only in the texts for staff, and the router never sends those to a customer.
 */
import type { TicketAtEvent, TicketStatus } from './notifications.js';

export interface Message {
  title: string;
  body: string;
}

/** `notifications.title` holds at most 255 characters. */
const TITLE_LENGTH = 255;
/** Enough of a comment to know whether to open it. */
const EXCERPT_LENGTH = 500;

const cut = (text: string, length: number) => (text.length <= length ? text : `${text.slice(0, length - 1).trimEnd()}…`);
const titled = (lead: string, ticket: TicketAtEvent) => cut(`${lead} ${ticket.number}: ${ticket.title}`, TITLE_LENGTH);
const named = (ticket: TicketAtEvent) => `${ticket.number} "${ticket.title}"`;

const STATUS_LABELS: Record<TicketStatus, string> = {
  new: 'new',
  open: 'open',
  in_progress: 'in progress',
  pending: 'waiting for a reply',
  resolved: 'resolved',
  closed: 'closed',
};

const TARGET_LABELS = { first_response: 'first response', resolution: 'resolution' } as const;
export type SlaTarget = keyof typeof TARGET_LABELS;

/** "2025-03-04 09:30 UTC": one form for every reader, whatever their time zone. */
const when = (iso: string) => `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The requester's receipt for a new ticket. */
export const receipt = (ticket: TicketAtEvent): Message => ({
  title: titled('Request received:', ticket),
  body: `We have received your request and filed it as ticket ${named(ticket)}. We will get back to you as soon as we can.`,
});

/** A ticket that already had an assignee when it was created. */
export const createdForAssignee = (ticket: TicketAtEvent): Message => ({
  title: titled('New ticket assigned to you:', ticket),
  body: `Ticket ${named(ticket)} was created and assigned to you.`,
});

export const assigned = (ticket: TicketAtEvent): Message => ({
  title: titled('Assigned to you:', ticket),
  body: `Ticket ${named(ticket)} is now assigned to you.`,
});

export const statusChanged = (ticket: TicketAtEvent, from: TicketStatus, to: TicketStatus): Message => ({
  title: titled(`Now ${STATUS_LABELS[to]}:`, ticket),
  body: `Ticket ${named(ticket)} changed from ${STATUS_LABELS[from]} to ${STATUS_LABELS[to]}.`,
});

/** To the requester of a resolved ticket: confirm, or reopen. */
export const resolutionRequest = (ticket: TicketAtEvent): Message => ({
  title: titled('Resolved:', ticket),
  body:
    `Ticket ${named(ticket)} has been resolved. Please check that the solution works for you; ` +
    'if it does not, reply or reopen the ticket.',
});

export const closed = (ticket: TicketAtEvent): Message => ({
  title: titled('Closed:', ticket),
  body: `Ticket ${named(ticket)} has been closed.`,
});

/** A comment, public or internal; `text` is the comment's own, shown only to those who may read it. */
export const commentAdded = (ticket: TicketAtEvent, author: string, text: string, internal: boolean): Message => ({
  title: titled(internal ? 'Internal note on' : 'New reply on', ticket),
  body: `${author} ${internal ? 'added an internal note to' : 'replied on'} ticket ${named(ticket)}:\n\n${cut(text.trim(), EXCERPT_LENGTH)}`,
});

const ESCALATION_LABELS: Record<string, string> = {
  sla_breach: 'SLA breach',
  manual: 'manual escalation',
  complexity: 'complexity',
  multiple_reopens: 'reopened several times',
  critical_priority: 'urgent and unassigned',
};

export interface EscalationFacts {
  level: number;
  previousLevel: number | null;
  type: string;
  reason: string;
}

export const escalated = (ticket: TicketAtEvent, escalation: EscalationFacts): Message => ({
  title: titled(`Escalated to level ${escalation.level}:`, ticket),
  body:
    `Ticket ${named(ticket)} was ${escalation.previousLevel === null ? 'escalated' : `raised from level ${escalation.previousLevel}`} ` +
    `to level ${escalation.level} (${ESCALATION_LABELS[escalation.type] ?? escalation.type}).\n\nReason: ${escalation.reason}`,
});

export const slaWarning = (ticket: TicketAtEvent, target: SlaTarget, dueAt: string): Message => ({
  title: titled(`SLA ${TARGET_LABELS[target]} due soon:`, ticket),
  body: `The ${TARGET_LABELS[target]} target of ticket ${named(ticket)} is due at ${when(dueAt)}.`,
});

export const slaBreach = (ticket: TicketAtEvent, target: SlaTarget, dueAt: string): Message => ({
  title: titled(`SLA ${TARGET_LABELS[target]} missed:`, ticket),
  body: `The ${TARGET_LABELS[target]} target of ticket ${named(ticket)} was due at ${when(dueAt)} and has been missed.`,
});
