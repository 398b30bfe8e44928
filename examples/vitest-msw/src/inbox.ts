/**
 * The "My tickets" page of a customer portal: a customer's open tickets, each with support's
 * latest public reply. The portal's backend may call the API with a staff account, which sees
 * internal notes too: they must never reach the page.
 */
import { NotFoundError, type components, type Ticketflow } from 'ticketflow';

type Ticket = components['schemas']['Ticket'];

export interface InboxEntry {
  id: string;
  number: string;
  title: string;
  status: Ticket['status'];
  /** Support's latest public reply; `null` while nobody has answered. */
  lastReply: { body: string; at: string } | null;
}

const OPEN: Ticket['status'][] = ['new', 'open', 'in_progress', 'pending'];

/** `customerId`'s open tickets the caller may see, the most recently changed first. */
export async function customerInbox(tf: Ticketflow, customerId: string): Promise<InboxEntry[]> {
  const entries: InboxEntry[] = [];
  for await (const ticket of tf.tickets.list({ requester_id: customerId, status: OPEN, sort: '-updated_at' })) {
    const lastReply = await latestReply(tf, ticket);
    if (lastReply === 'gone') continue;
    entries.push({ id: ticket.id, number: ticket.ticket_number, title: ticket.title, status: ticket.status, lastReply });
  }
  return entries;
}

async function latestReply(tf: Ticketflow, ticket: Ticket): Promise<InboxEntry['lastReply'] | 'gone'> {
  let last: InboxEntry['lastReply'] = null;
  try {
    // Oldest first. `public` leaves internal notes out whoever the caller is; the customer's own
    // messages are not replies.
    for await (const comment of tf.comments.list(ticket.id, { visibility: 'public' })) {
      if (comment.author_id !== ticket.requester_id && comment.body !== null) last = { body: comment.body, at: comment.created_at };
    }
  } catch (error) {
    // Deleted since the list was read: it no longer belongs on the page, the rest still does.
    if (error instanceof NotFoundError) return 'gone';
    throw error;
  }
  return last;
}
