/**
 * The demo data set: a small helpdesk with every role, a handful of tickets in different states,
 * public and internal comments, attachments, a knowledge base, an escalation and feedback.
 * Idempotent: reference data is upserted, and the demo content is created only once.
 *
 * Changes are made with the acting user bound (app.user_id / app.role), so history and events
 * name who did what, exactly as they would through the API.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hashPassword } from '../auth/password.js';
import type { UserRole } from '../db/actor.js';
import type { Database, Queryable } from '../db/database.js';
import { bytesSource, type Storage } from '../storage.js';
import { seedReferenceData } from './reference-data.js';

export const DEMO_PASSWORD = 'ticketflow-demo';

export const DEMO_USERS = [
  { key: 'admin', email: 'admin@example.com', role: 'admin', first: 'Ada', last: 'Admin' },
  { key: 'manager', email: 'manager@example.com', role: 'manager', first: 'Maya', last: 'Manager' },
  { key: 'agent', email: 'agent@example.com', role: 'agent', first: 'Arun', last: 'Agent' },
  { key: 'agent2', email: 'agent2@example.com', role: 'agent', first: 'Alex', last: 'Agent' },
  { key: 'customer', email: 'customer@example.com', role: 'customer', first: 'Chris', last: 'Customer' },
  { key: 'customer2', email: 'customer2@example.com', role: 'customer', first: 'Casey', last: 'Customer' },
] as const satisfies readonly { key: string; email: string; role: UserRole; first: string; last: string }[];

type UserKey = (typeof DEMO_USERS)[number]['key'];

export interface SeedSummary {
  /** False when the demo content was already there. */
  created: boolean;
  /** Rows per table after seeding. */
  counts: Record<string, number>;
}

const SUMMARY_TABLES = [
  'departments', 'users', 'teams', 'team_members', 'categories', 'tags', 'sla_policies', 'tickets',
  'comments', 'attachments', 'ticket_history', 'escalations', 'ticket_feedback', 'notifications',
  'kb_categories', 'kb_articles', 'kb_article_versions', 'chat_sessions', 'chat_messages', 'events',
] as const;

export async function seedDemo(db: Database, storage: Storage): Promise<SeedSummary> {
  const created = await db.transaction(async (tx) => {
    await seedReferenceData(tx);
    const { rows } = await tx.query("select 1 from users where lower(email) = 'admin@example.com'");
    if (rows.length > 0) return false;
    await seedContent(tx, storage);
    return true;
  });
  return { created, counts: await countRows(db) };
}

async function countRows(db: Queryable): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of SUMMARY_TABLES) {
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    counts[table] = rows[0]?.n ?? 0;
  }
  return counts;
}

async function seedContent(tx: Queryable, storage: Storage): Promise<void> {
  const one = async (sql: string, params: unknown[]): Promise<string> => {
    const { rows } = await tx.query<{ id: string }>(sql, params);
    const id = rows[0]?.id;
    if (!id) throw new Error(`seed statement returned no id: ${sql}`);
    return id;
  };
  const actAs = (key: UserKey) =>
    tx.query("select set_config('app.user_id', $1, true), set_config('app.role', $2, true)", [
      user[key],
      DEMO_USERS.find((u) => u.key === key)?.role,
    ]);
  const category = (slug: string) => one('select id from categories where slug = $1', [slug]);

  await tx.query("update company_settings set company_name = 'Acme Corp'");
  const support = await one("insert into departments (name, description) values ('Support', 'Customer support') returning id", []);
  const infra = await one("insert into departments (name, description) values ('Infrastructure', 'Platform and operations') returning id", []);
  const departmentOf: Record<UserKey, string | null> = {
    admin: null, manager: support, agent: support, agent2: infra, customer: null, customer2: null,
  };

  const user = {} as Record<UserKey, string>;
  for (const u of DEMO_USERS) {
    user[u.key] = await one(
      `insert into users (email, first_name, last_name, role, department_id, password_hash, is_approved, is_email_verified)
       values ($1, $2, $3, $4, $5, $6, true, true) returning id`,
      [u.email, u.first, u.last, u.role, departmentOf[u.key], await hashPassword(DEMO_PASSWORD)],
    );
  }
  await tx.query('update departments set manager_id = $1 where id = $2', [user.manager, support]);
  const serviceDesk = await one(
    "insert into teams (name, description, department_id, lead_id) values ('Service Desk', 'First-line support', $1, $2) returning id",
    [support, user.manager],
  );
  const platform = await one(
    "insert into teams (name, description, department_id) values ('Platform', 'Infrastructure on call', $1) returning id",
    [infra],
  );
  await tx.query(
    `insert into team_members (team_id, user_id, role) values ($1, $2, 'lead'), ($1, $3, 'member'), ($4, $5, 'member')`,
    [serviceDesk, user.manager, user.agent, platform, user.agent2],
  );

  const openTicket = async (by: UserKey, fields: {
    title: string; description: string; priority: string; category: string; requester?: UserKey;
    department?: string; team?: string; environment?: string; services?: string[];
  }) => {
    await actAs(by);
    return one(
      `insert into tickets (title, description, priority, category_id, requester_id, created_by, department_id, team_id,
                            environment, affected_services)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
      [fields.title, fields.description, fields.priority, await category(fields.category), user[fields.requester ?? by],
       user[by], fields.department ?? null, fields.team ?? null, fields.environment ?? null, fields.services ?? []],
    );
  };
  const update = async (by: UserKey, ticket: string, set: string, params: unknown[] = []) => {
    await actAs(by);
    await tx.query(`update tickets set ${set} where id = $1`, [ticket, ...params]);
  };
  const comment = async (by: UserKey, ticket: string, body: string, internal = false) => {
    await actAs(by);
    return one('insert into comments (ticket_id, author_id, body, is_internal) values ($1, $2, $3, $4) returning id',
      [ticket, user[by], body, internal]);
  };
  const attach = async (by: UserKey, parent: { ticket?: string; comment?: string }, name: string, mime: string, text: string) => {
    await actAs(by);
    const data = new TextEncoder().encode(text);
    const id = randomUUID();
    const key = `attachments/${id}`;
    // Bytes before the row: a failed transaction can leave an unreferenced file, never a row
    // without its bytes.
    await storage.write(key, bytesSource(data));
    await tx.query(
      `insert into attachments (id, ticket_id, comment_id, file_name, mime_type, size_bytes, sha256, storage_key, storage_provider, uploaded_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, parent.ticket ?? null, parent.comment ?? null, name, mime, data.byteLength,
       createHash('sha256').update(data).digest('hex'), key, storage.provider, user[by]],
    );
  };

  // 1. In progress with the Service Desk: public thread, an internal note, files on both.
  const vpn = await openTicket('customer', {
    title: 'Cannot connect to the VPN since this morning',
    description: 'The client says "authentication failed" although my password works everywhere else.',
    priority: 'high', category: 'network-issue', department: support, team: serviceDesk, environment: 'production',
    services: ['vpn'],
  });
  await attach('customer', { ticket: vpn }, 'vpn-client.log', 'text/plain', '09:02:11 auth: AUTH_FAILED (cert expired)\n');
  await update('manager', vpn, "assignee_id = $2, status = 'open'", [user.agent]);
  await update('agent', vpn, "status = 'in_progress'");
  await comment('agent', vpn, 'Thanks, looking at it now. Could you tell me which VPN profile you use?');
  const note = await comment('agent', vpn, 'Client certificate expired on the 1st; renewal job failed. Customer must not be told about the CA migration yet.', true);
  await attach('agent', { comment: note }, 'ca-renewal.txt', 'text/plain', 'renewal job exit code 3: CA unreachable\n');
  await comment('customer', vpn, 'I use the "Office" profile.');

  // 2. New and unassigned: in the queue.
  await openTicket('customer', {
    title: 'Invoice PDF is blank', description: 'The invoice for October downloads as an empty page.',
    priority: 'medium', category: 'billing',
  });

  // 3. Urgent, waiting on the customer, escalated to the manager.
  const replica = await openTicket('agent2', {
    title: 'Replica lag alerts on the orders database', description: 'Monitoring reports lag above 5 minutes on replica 2.',
    priority: 'urgent', category: 'database-issue', requester: 'customer2', department: infra, team: platform,
    environment: 'production', services: ['orders-db'],
  });
  await update('agent2', replica, "assignee_id = $2, status = 'open'", [user.agent2]);
  await update('agent2', replica, "status = 'in_progress'");
  await comment('agent2', replica, 'Is the nightly export job still running on your side?');
  await update('agent2', replica, "status = 'pending'");
  await actAs('agent2');
  await tx.query(
    `insert into escalations (ticket_id, from_user_id, to_user_id, reason, escalation_level, escalation_type)
     values ($1, $2, $3, 'Urgent ticket needs a decision on failover', 1, 'manual')`,
    [replica, user.agent2, user.manager],
  );

  // 4. Resolved, rated and closed by the customer.
  const access = await openTicket('customer2', {
    title: 'Access to the staging environment', description: 'I need read access to staging for the audit.',
    priority: 'low', category: 'access-request',
  });
  await update('agent2', access, "assignee_id = $2, status = 'open', department_id = $3", [user.agent2, infra]);
  await update('agent2', access, "status = 'in_progress'");
  await update('agent2', access, "status = 'resolved', resolution_notes = 'Read-only role granted.'");
  await actAs('customer2');
  await tx.query('insert into ticket_feedback (ticket_id, customer_id, rating, comment) values ($1, $2, 5, $3)',
    [access, user.customer2, 'Quick and clear, thanks!']);
  await update('customer2', access, "status = 'closed'");

  // 5. Resolved, then reopened by the customer: back in progress.
  const disk = await openTicket('customer', {
    title: 'Build server disk full', description: 'Builds fail with "No space left on device".',
    priority: 'high', category: 'storage-issue', department: support, team: serviceDesk,
  });
  await update('agent', disk, "assignee_id = $2, status = 'open'", [user.agent]);
  await update('agent', disk, "status = 'in_progress'");
  await update('agent', disk, "status = 'resolved', resolution_notes = 'Old artifacts pruned.'");
  await update('customer', disk, "status = 'open'");
  await comment('customer', disk, 'It filled up again overnight.');
  await update('agent', disk, "status = 'in_progress'");

  // 6. An open question nobody has picked up yet.
  await openTicket('customer2', {
    title: 'How do I export my data?', description: 'Is there a CSV export for all my tickets?',
    priority: 'low', category: 'question',
  });

  await actAs('admin');
  await tx.query(
    `insert into notifications (user_id, ticket_id, type, channel, title, body, status, sent_at, delivered_at)
     values ($1, $2, 'ticket_assigned', 'in_app', 'Ticket assigned to you', 'Cannot connect to the VPN since this morning', 'delivered', now(), now()),
            ($3, $4, 'escalated', 'in_app', 'Escalation: replica lag', 'Urgent ticket needs a decision on failover', 'delivered', now(), now())`,
    [user.agent, vpn, user.manager, replica],
  );

  // Knowledge base.
  const gettingStarted = await one("insert into kb_categories (name, slug) values ('Getting started', 'getting-started') returning id", []);
  const troubleshooting = await one("insert into kb_categories (name, slug) values ('Troubleshooting', 'troubleshooting') returning id", []);
  const networking = await one(
    "insert into kb_categories (name, slug, parent_id) values ('Networking', 'networking', $1) returning id", [troubleshooting]);
  await actAs('agent');
  const article = async (title: string, slug: string, body: string, categoryId: string, status: string, tags: string[]) =>
    one(`insert into kb_articles (title, slug, body, category_id, author_id, status, tags)
         values ($1, $2, $3, $4, $5, $6, $7) returning id`, [title, slug, body, categoryId, user.agent, status, tags]);
  await article('How to open a ticket', 'how-to-open-a-ticket',
    'Use the portal or email support. Include what you expected, what happened and when.', gettingStarted, 'published', ['tickets']);
  const vpnArticle = await article('Fixing VPN "authentication failed"', 'vpn-authentication-failed',
    'Check that your client certificate has not expired: open the VPN client, then Settings, then Certificates.',
    networking, 'published', ['vpn', 'certificates']);
  await tx.query("update kb_articles set body = body || ' Renew it from the self-service page if it has.' where id = $1", [vpnArticle]);
  await article('Reading replica lag dashboards', 'replica-lag-dashboards',
    'Draft: explain the lag panels and when to fail over.', troubleshooting, 'draft', ['database']);

  // A chat that became the VPN ticket.
  await actAs('customer');
  const chat = await one("insert into chat_sessions (customer_id, subject) values ($1, 'VPN trouble') returning id", [user.customer]);
  await tx.query('insert into chat_messages (session_id, sender_id, body) values ($1, $2, $3)', [chat, user.customer, 'Hi, my VPN stopped working.']);
  await actAs('agent');
  await tx.query("update chat_sessions set agent_id = $2, status = 'active', started_at = now(), ticket_id = $3 where id = $1", [chat, user.agent, vpn]);
  await tx.query('insert into chat_messages (session_id, sender_id, body) values ($1, $2, $3)', [chat, user.agent, 'I have opened a ticket for you.']);
  await tx.query("update chat_sessions set status = 'ended', ended_at = now() where id = $1", [chat]);
}
