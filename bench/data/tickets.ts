/**
 * Tickets and everything hanging off them, one ticket at a time and written to every table in the
 * same pass: the ticket, its comments, its history, its attachments' metadata, its tags and its
 * rating. Each ticket's rows tell one consistent story (a closed ticket was opened, worked, resolved
 * and closed, in that order, by the people it names), written as the triggers would have.
 */
import type { Progress } from '../lib/progress.js';
import type { Loader, TableWriter } from './loader.js';
import type { People, Team } from './people.js';
import type { Random } from './random.js';
import type { Scale } from './scale.js';
import { Prose } from './text.js';
import type { Cell } from './tsv.js';

export type Priority = 'urgent' | 'high' | 'medium' | 'low';
type Status = 'new' | 'open' | 'in_progress' | 'pending' | 'resolved' | 'closed';

export interface Catalog {
  categories: string[];
  tags: string[];
  /** Response and resolution targets in minutes, per priority. */
  policies: Record<Priority, { id: string; response: number; resolution: number }>;
}

export interface TicketCounts {
  tickets: number;
  comments: number;
  history: number;
  attachments: number;
  ticketTags: number;
  feedback: number;
  /** Ticket numbers handed out per year, for `ticket_counters`. */
  numbers: Map<number, number>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const PRIORITIES: readonly (readonly [Priority, number])[] = [['urgent', 5], ['high', 20], ['medium', 50], ['low', 25]];

/** Older tickets are mostly closed; today's are mostly new or being worked. */
function statusWeights(age: number): readonly (readonly [Status, number])[] {
  if (age < DAY) return [['new', 35], ['open', 25], ['in_progress', 25], ['pending', 10], ['resolved', 5]];
  if (age < 7 * DAY) return [['new', 5], ['open', 15], ['in_progress', 25], ['pending', 15], ['resolved', 30], ['closed', 10]];
  if (age < 30 * DAY) return [['new', 1], ['open', 3], ['in_progress', 8], ['pending', 6], ['resolved', 22], ['closed', 60]];
  return [['open', 0.5], ['in_progress', 0.5], ['pending', 1], ['resolved', 3], ['closed', 95]];
}

/** How talkative a ticket in each status is, relative to the average. */
const COMMENT_FACTOR: Record<Status, number> = { new: 0.3, open: 0.7, in_progress: 1, pending: 1.2, resolved: 1.1, closed: 1.1 };

const MIME_TYPES = [
  ['screenshot.png', 'image/png'], ['error.log', 'text/plain'], ['invoice.pdf', 'application/pdf'],
  ['config.yaml', 'application/yaml'], ['photo.jpg', 'image/jpeg'], ['export.csv', 'text/csv'],
] as const;

interface Entry {
  at: number;
  actor: string | null;
  action: string;
  field: string | null;
  old: unknown;
  new: unknown;
  internal: boolean;
  reason?: string | undefined;
  /** Changes the ticket row (and so its version), as opposed to comments, files and tags. */
  edits: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

export const TICKET_COLUMNS = [
  'id', 'ticket_number', 'title', 'description', 'status', 'priority', 'category_id', 'impact_level', 'requester_id',
  'created_by', 'assignee_id', 'team_id', 'department_id', 'estimated_hours', 'resolution_notes', 'environment',
  'affected_services', 'metadata', 'sla_policy_id', 'first_response_due_at', 'resolution_due_at', 'first_responded_at',
  'sla_breached_at', 'reopen_count', 'version', 'last_updated_by', 'created_at', 'updated_at', 'resolved_at', 'closed_at',
] as const;

interface Writers {
  tickets: TableWriter;
  comments: TableWriter;
  history: TableWriter;
  attachments: TableWriter;
  tags: TableWriter;
  feedback: TableWriter;
}

async function put(writer: TableWriter, cells: readonly Cell[]): Promise<void> {
  const wait = writer.write(cells);
  if (wait) await wait;
}

export async function writeTickets(
  loader: Loader,
  random: Random,
  scale: Scale,
  people: People,
  catalog: Catalog,
  now: number,
  bar: Progress,
): Promise<TicketCounts> {
  const prose = new Prose(random);
  const writers: Writers = {
    tickets: await loader.writer('tickets', TICKET_COLUMNS),
    comments: await loader.writer('comments', ['id', 'ticket_id', 'author_id', 'body', 'is_internal', 'edited', 'edit_count', 'created_at', 'updated_at', 'deleted_at']),
    history: await loader.writer('ticket_history', ['ticket_id', 'actor_id', 'action', 'field', 'old_value', 'new_value', 'is_internal', 'reason', 'created_at']),
    attachments: await loader.writer('attachments', ['id', 'ticket_id', 'comment_id', 'file_name', 'mime_type', 'size_bytes', 'sha256', 'storage_key', 'storage_provider', 'uploaded_by', 'created_at']),
    tags: await loader.writer('ticket_tags', ['ticket_id', 'tag_id', 'added_by', 'added_at']),
    feedback: await loader.writer('ticket_feedback', ['id', 'ticket_id', 'customer_id', 'rating', 'comment', 'created_at', 'updated_at']),
  };
  const counts: TicketCounts = { tickets: 0, comments: 0, history: 0, attachments: 0, ticketTags: 0, feedback: 0, numbers: new Map() };
  const start = now - scale.days * DAY;
  const span = scale.days * DAY;
  const teamsByDepartment = new Map<string, Team[]>();
  for (const team of people.teams) teamsByDepartment.set(team.departmentId, [...(teamsByDepartment.get(team.departmentId) ?? []), team]);

  for (let i = 0; i < scale.tickets; i += 1) {
    const left = scale.tickets - i;
    const id = random.uuid();
    const created = Math.floor(start + ((i + random.next()) * span) / scale.tickets);
    const status = random.weighted(statusWeights(now - created));
    const priority = random.weighted(PRIORITIES);
    const policy = catalog.policies[priority];
    const categoryIndex = random.int(catalog.categories.length);
    const department = people.departments[categoryIndex % people.departments.length]!;
    const team = random.pick(teamsByDepartment.get(department) ?? people.teams);
    const requester = people.customers[random.skewed(people.customers.length)]!;
    const createdBy = random.chance(0.9) ? requester : random.pick(people.agents);
    const assigned = status !== 'new' && (status !== 'open' || random.chance(0.6));
    const assignee = assigned ? (team.agents.length > 0 ? random.pick(team.agents) : random.pick(people.agents)) : null;
    const teamId = assigned || random.chance(0.7) ? team.id : null;
    const departmentId = teamId ? team.departmentId : random.chance(0.5) ? department : null;
    const staff = assignee ?? (team.agents.length > 0 ? random.pick(team.agents) : random.pick(people.agents));
    const title = prose.title();

    const year = new Date(created).getUTCFullYear();
    const number = (counts.numbers.get(year) ?? 0) + 1;
    counts.numbers.set(year, number);
    const ticketNumber = `TKT-${year}-${String(number).padStart(5, '0')}`;

    // The timeline: first touch within (or past) the response target, resolution around the
    // resolution target, closing a few days later. Nothing happens after now.
    const latest = now - 1000;
    const clamp = (at: number) => Math.min(latest, Math.max(created + 1000, at));
    const firstTouch = status === 'new' ? null : clamp(created + policy.response * MINUTE * (0.2 + random.next() * 1.1));
    const resolved = status === 'resolved' || status === 'closed';
    const resolvedAt = resolved ? clamp(Math.max(firstTouch! + 2 * MINUTE, created + policy.resolution * MINUTE * (0.3 + random.next() * 1.7))) : null;
    const closedAt = status === 'closed' ? clamp(resolvedAt! + DAY * (1 + random.next() * 6)) : null;
    const reopened = resolved && random.chance(0.03);
    const end = closedAt ?? resolvedAt ?? latest;

    const entries: Entry[] = [];
    const entry = (at: number, actor: string | null, action: string, field: string | null, old: unknown, value: unknown, internal: boolean, edits: boolean, reason?: string) =>
      entries.push({ at, actor, action, field, old, new: value, internal, edits, reason });
    entry(created, createdBy, 'created', null, null, { ticket_number: ticketNumber, title, status: 'new', priority, requester_id: requester }, false, false);

    if (firstTouch !== null) {
      const move = (at: number, from: Status, to: Status, reason?: string) => {
        const action = to === 'closed' ? 'closed' : to === 'open' && (from === 'resolved' || from === 'closed') ? 'reopened' : 'status_changed';
        entry(at, staff, action, 'status', from, to, false, true, reason);
      };
      move(firstTouch, 'new', 'open');
      if (assignee) entry(firstTouch + 1, assignee, 'assigned', 'assignee_id', null, assignee, false, true);
      if (status !== 'open') {
        const working = firstTouch + 2;
        move(working, 'open', 'in_progress');
        const until = resolvedAt ?? latest;
        if (status === 'pending' || (resolved && random.chance(0.3))) {
          const paused = working + (until - working) * 0.3;
          move(paused, 'in_progress', 'pending', 'Waiting for the customer to answer');
          if (status !== 'pending') move(working + (until - working) * 0.6, 'pending', 'in_progress');
        }
        if (resolvedAt !== null) {
          if (reopened) {
            const first = working + (resolvedAt - working) * 0.7;
            move(first, 'in_progress', 'resolved');
            move(first + HOUR / 2, 'resolved', 'open', 'The problem came back');
            move(first + HOUR / 2 + 1, 'open', 'in_progress');
          }
          move(resolvedAt, 'in_progress', 'resolved');
        }
        if (closedAt !== null) move(closedAt, 'resolved', 'closed');
      }
    }

    // Comments: the remaining budget spread over the remaining tickets, more on busy tickets.
    const meanComments = (scale.comments - counts.comments) / left;
    const commentCount = Math.max(0, Math.round(meanComments * COMMENT_FACTOR[status] * (0.4 + random.next() * 1.2)));
    const commentIds: { id: string; author: string; internal: boolean; at: number }[] = [];
    for (let c = 0; c < commentCount; c += 1) {
      // The first reply by staff is the first response the SLA measures.
      const byStaff = firstTouch !== null && (c === 0 || random.chance(0.55));
      const at = c === 0 && firstTouch !== null ? firstTouch : Math.floor(created + random.next() * (end - created));
      const internal = byStaff && c > 0 && random.chance(0.25);
      const author = byStaff ? staff : requester;
      const commentId = random.uuid();
      const edited = random.chance(0.05);
      const deleted = !internal && random.chance(0.01) ? iso(Math.min(latest, at + HOUR)) : null;
      await put(writers.comments, [commentId, id, author, prose.reply(byStaff, internal), internal, edited, edited ? 1 : 0, iso(at), iso(edited ? Math.min(latest, at + 10 * MINUTE) : at), deleted]);
      commentIds.push({ id: commentId, author, internal, at });
      entry(at, author, 'comment_added', null, null, { comment_id: commentId, is_internal: internal }, internal, false);
    }
    counts.comments += commentCount;

    if (random.chance(0.2)) {
      const files = random.between(1, 2);
      for (let f = 0; f < files; f += 1) {
        const [name, mime] = random.pick(MIME_TYPES);
        const onComment = commentIds.length > 0 && random.chance(0.4) ? random.pick(commentIds) : null;
        const attachmentId = random.uuid();
        const sha = random.hex(32);
        const at = onComment ? onComment.at : created + 1000;
        await put(writers.attachments, [
          attachmentId, onComment ? null : id, onComment?.id ?? null, name, mime, random.between(1024, 5 * 1024 * 1024), sha,
          `sha256/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`, 'local', onComment?.author ?? requester, iso(at),
        ]);
        entry(at, onComment?.author ?? requester, 'attachment_added', null, null, { attachment_id: attachmentId, file_name: name, comment_id: onComment?.id ?? null }, onComment?.internal ?? false, false);
        counts.attachments += 1;
      }
    }

    if (random.chance(0.25)) {
      const first = random.int(catalog.tags.length);
      const chosen = random.chance(0.3) ? [first, (first + 1 + random.int(catalog.tags.length - 1)) % catalog.tags.length] : [first];
      for (const tagIndex of chosen) {
        const at = clamp(created + random.next() * (end - created));
        await put(writers.tags, [id, catalog.tags[tagIndex]!, staff, iso(at)]);
        entry(at, staff, 'field_updated', 'tags', null, catalog.tags[tagIndex]!, true, false);
        counts.ticketTags += 1;
      }
    }

    // Optional history up to this ticket's share of the budget: the SLA engine's stamps, the team
    // and department, a priority change, an edited description.
    const target = Math.round(((scale.history - counts.history) / left) * (0.7 + random.next() * 0.6));
    const optional: (() => void)[] = [
      () => entry(created + 1, null, 'field_updated', 'sla_policy_id', null, policy.id, true, false),
      () => entry(created + 2, null, 'field_updated', 'first_response_due_at', null, iso(created + policy.response * MINUTE), true, false),
      () => entry(created + 3, null, 'field_updated', 'resolution_due_at', null, iso(created + policy.resolution * MINUTE), true, false),
    ];
    if (teamId) optional.push(() => entry(created + 4, staff, 'field_updated', 'team_id', null, teamId, true, true));
    if (departmentId) optional.push(() => entry(created + 5, staff, 'field_updated', 'department_id', null, departmentId, true, true));
    for (let extra = 0; extra < 20; extra += 1) {
      optional.push(() => {
        const at = clamp(created + random.next() * (end - created));
        if (random.chance(0.5)) entry(at, staff, 'priority_changed', 'priority', random.weighted(PRIORITIES), priority, false, true);
        else entry(at, requester, 'field_updated', 'description', 'The first version of the description.', 'The description, with more detail.', false, true);
      });
    }
    for (const add of optional) {
      if (entries.length >= target) break;
      add();
    }
    entries.sort((a, b) => a.at - b.at);
    for (const e of entries) {
      await put(writers.history, [id, e.actor, e.action, e.field, e.old === null ? null : JSON.stringify(e.old), e.new === null ? null : JSON.stringify(e.new), e.internal, e.reason ?? null, iso(e.at)]);
    }
    counts.history += entries.length;

    const edits = entries.filter((e) => e.edits && e.actor !== null);
    const lastEdit = edits.at(-1);
    const firstRespondedAt = firstTouch;
    const frDue = created + policy.response * MINUTE;
    const resDue = created + policy.resolution * MINUTE;
    const breaches: number[] = [];
    if (firstRespondedAt === null ? frDue < now : firstRespondedAt > frDue) breaches.push(frDue);
    if (resolvedAt === null ? status !== 'pending' && resDue < now : resolvedAt > resDue) breaches.push(resDue);
    await put(writers.tickets, [
      id, ticketNumber, title, prose.description(), status, priority, catalog.categories[categoryIndex]!,
      random.weighted([[null, 50], ['low', 20], ['medium', 20], ['high', 8], ['critical', 2]] as const), requester, createdBy,
      assignee, teamId, departmentId, random.chance(0.2) ? random.between(1, 40) : null,
      resolved ? 'Fixed; see the last reply.' : null, random.weighted([[null, 60], ['production', 30], ['staging', 10]] as const),
      random.chance(0.2) ? ['api', 'web'] : [], random.chance(0.1) ? { source: 'email' } : {}, policy.id, iso(frDue), iso(resDue),
      firstRespondedAt === null ? null : iso(firstRespondedAt), breaches.length > 0 ? iso(Math.min(...breaches)) : null,
      reopened ? 1 : 0, 1 + edits.length, lastEdit?.actor ?? createdBy, iso(created), iso(lastEdit?.at ?? created),
      resolvedAt === null ? null : iso(resolvedAt), closedAt === null ? null : iso(closedAt),
    ]);
    counts.tickets += 1;

    if (resolved && random.chance(0.35)) {
      const at = iso(Math.min(latest, resolvedAt! + 2 * HOUR));
      const rating = random.weighted([[5, 50], [4, 25], [3, 12], [2, 7], [1, 6]] as const);
      await put(writers.feedback, [random.uuid(), id, requester, rating, rating <= 2 ? 'Took far too long.' : null, at, at]);
      counts.feedback += 1;
    }
    if (i % 1000 === 999) bar.tick(1000);
  }
  bar.tick(scale.tickets % 1000);
  const all: TableWriter[] = [writers.tickets, writers.comments, writers.history, writers.attachments, writers.tags, writers.feedback];
  await Promise.all(all.map((writer) => writer.end()));
  return counts;
}
