/**
 * Ready scenarios. `empty`: a helpdesk with nothing in it (seed your own rows). `demo`: the
 * reference server's demo data set (examples/server/src/seed/demo.ts) — the same people, emails,
 * password, departments, teams, categories, tags and tickets in the same states with their
 * comments, SLA policies, the escalation, notifications, the chat, the files, the rating and the
 * knowledge base — so code tried against `npm start` behaves the same against the mock.
 */
import type { Seeder } from './seed.js';

/**
 * The scenarios `createTicketflowMock({ scenario })` knows.
 *
 * @example
 * ```ts
 * createTicketflowMock({ scenario: 'demo' });
 * ```
 */
export type ScenarioName = 'empty' | 'demo';

/** The demo's categories and tags (examples/server/src/seed/reference-data.ts). */
const CATEGORIES = [
  ['vm-issue', 'VM issue', 'Virtual machine problems'],
  ['network-issue', 'Network issue', 'Network connectivity or configuration'],
  ['storage-issue', 'Storage issue', 'Storage and disk problems'],
  ['database-issue', 'Database issue', 'Database problems'],
  ['security-issue', 'Security issue', 'Security incidents and vulnerabilities'],
  ['access-request', 'Access request', 'Access and permission requests'],
  ['infrastructure', 'Infrastructure', 'General infrastructure'],
  ['monitoring-alert', 'Monitoring alert', 'Raised by monitoring and alerting'],
  ['bug', 'Bug', 'Something in the product does not work as documented'],
  ['feature-request', 'Feature request', 'A change or addition to the product'],
  ['question', 'Question', 'How do I…?'],
  ['billing', 'Billing', 'Invoices, plans and payments'],
  ['other', 'Other', 'Anything else'],
] as const;

const TAGS = [
  ['vip', '#dc2626'],
  ['outage', '#ea580c'],
  ['regression', '#7c3aed'],
  ['documentation', '#2563eb'],
  ['needs-info', '#ca8a04'],
] as const;

export function applyScenario(name: ScenarioName, seed: Seeder): void {
  if (name === 'empty') return;
  seedDemo(seed);
}

function seedDemo(seed: Seeder): void {
  const category = Object.fromEntries(CATEGORIES.map(([slug, name, description]) => [slug, seed.category({ slug, name, description }).id]));
  for (const [name, color] of TAGS) seed.tag({ name, color });
  const support = seed.department({ name: 'Support', description: 'Customer support' });
  const infra = seed.department({ name: 'Infrastructure', description: 'Platform and operations' });
  const person = (key: string, role: 'admin' | 'manager' | 'agent' | 'customer', first: string, last: string, department: string | null) =>
    seed.user({ key, email: `${key}@example.com`, role, first_name: first, last_name: last, department_id: department });
  person('admin', 'admin', 'Ada', 'Admin', null);
  const manager = person('manager', 'manager', 'Maya', 'Manager', support.id);
  person('agent', 'agent', 'Arun', 'Agent', support.id);
  person('agent2', 'agent', 'Alex', 'Agent', infra.id);
  person('customer', 'customer', 'Chris', 'Customer', null);
  person('customer2', 'customer', 'Casey', 'Customer', null);
  const serviceDesk = seed.team({ name: 'Service Desk', description: 'First-line support', department_id: support.id, lead_id: manager.id, members: ['manager', 'agent'] });
  const platform = seed.team({ name: 'Platform', description: 'Infrastructure on call', department_id: infra.id, members: ['agent2'] });

  // 1. In progress with the Service Desk: a public thread and an internal note.
  const vpn = seed.ticket({
    title: 'Cannot connect to the VPN since this morning',
    description: 'The client says "authentication failed" although my password works everywhere else.',
    priority: 'high', category_id: category['network-issue']!, requester: 'customer', department_id: support.id, team_id: serviceDesk.id,
    environment: 'production', affected_services: ['vpn'], assignee: 'agent', status: 'in_progress',
  });
  seed.comment(vpn.id, { author: 'agent', body: 'Thanks, looking at it now. Could you tell me which VPN profile you use?' });
  seed.content.attachment(vpn.id, { by: 'customer', file_name: 'vpn-client.log', mime_type: 'text/plain', content: '09:02:11 auth: AUTH_FAILED (cert expired)\n' });
  const note = seed.comment(vpn.id, { author: 'agent', body: 'Client certificate expired on the 1st; renewal job failed. Customer must not be told about the CA migration yet.', is_internal: true });
  seed.content.attachment(vpn.id, { comment_id: note.id, by: 'agent', file_name: 'ca-renewal.txt', mime_type: 'text/plain', content: 'renewal job exit code 3: CA unreachable\n' });
  seed.comment(vpn.id, { author: 'customer', body: 'I use the "Office" profile.' });

  // 2. New and unassigned: in the queue.
  seed.ticket({ title: 'Invoice PDF is blank', description: 'The invoice for October downloads as an empty page.', priority: 'medium', category_id: category.billing!, requester: 'customer' });

  // 3. Urgent, waiting on the customer.
  const replica = seed.ticket({
    title: 'Replica lag alerts on the orders database', description: 'Monitoring reports lag above 5 minutes on replica 2.',
    priority: 'urgent', category_id: category['database-issue']!, requester: 'customer2', createdBy: 'agent2', department_id: infra.id, team_id: platform.id,
    environment: 'production', affected_services: ['orders-db'], assignee: 'agent2', status: 'in_progress',
  });
  seed.comment(replica.id, { author: 'agent2', body: 'Is the nightly export job still running on your side?' });
  seed.transition(replica.id, 'pending', { by: 'agent2' });

  // 4. Resolved, rated and closed by the customer.
  const access = seed.ticket({
    title: 'Access to the staging environment', description: 'I need read access to staging for the audit.',
    priority: 'low', category_id: category['access-request']!, requester: 'customer2', assignee: 'agent2', status: 'resolved',
    resolution_notes: 'Read-only role granted.',
  });
  seed.content.feedback(access.id, { rating: 5, comment: 'Quick and clear, thanks!' });
  seed.transition(access.id, 'closed', { by: 'customer2' });

  // 5. Resolved, then reopened by the customer: back in progress.
  const disk = seed.ticket({
    title: 'Build server disk full', description: 'Builds fail with "No space left on device".',
    priority: 'high', category_id: category['storage-issue']!, requester: 'customer', department_id: support.id, team_id: serviceDesk.id,
    assignee: 'agent', status: 'resolved', resolution_notes: 'Old artifacts pruned.',
  });
  seed.transition(disk.id, 'open', { by: 'customer' });
  seed.comment(disk.id, { author: 'customer', body: 'It filled up again overnight.' });
  seed.transition(disk.id, 'in_progress', { by: 'agent' });

  // 6. An open question nobody has picked up yet.
  seed.ticket({ title: 'How do I export my data?', description: 'Is there a CSV export for all my tickets?', priority: 'low', category_id: category.question!, requester: 'customer2' });

  seedDemoServices(seed, { vpn: vpn.id, replica: replica.id });
  seedDemoKnowledgeBase(seed);
}

/** The demo's knowledge base: three categories and three articles by the agent, one of them revised. */
function seedDemoKnowledgeBase(seed: Seeder): void {
  const { content } = seed;
  const gettingStarted = content.kbCategory({ name: 'Getting started', slug: 'getting-started' });
  const troubleshooting = content.kbCategory({ name: 'Troubleshooting', slug: 'troubleshooting' });
  const networking = content.kbCategory({ name: 'Networking', slug: 'networking', parent_id: troubleshooting.id });
  content.article({
    title: 'How to open a ticket', slug: 'how-to-open-a-ticket', author: 'agent', status: 'published', category_id: gettingStarted.id, tags: ['tickets'],
    body: 'Use the portal or email support. Include what you expected, what happened and when.',
  });
  const vpn = content.article({
    title: 'Fixing VPN "authentication failed"', slug: 'vpn-authentication-failed', author: 'agent', status: 'published', category_id: networking.id, tags: ['vpn', 'certificates'],
    body: 'Check that your client certificate has not expired: open the VPN client, then Settings, then Certificates.',
  });
  content.articleRevision(vpn.id, { body: `${vpn.body} Renew it from the self-service page if it has.` });
  content.article({
    title: 'Reading replica lag dashboards', slug: 'replica-lag-dashboards', author: 'agent', status: 'draft', category_id: troubleshooting.id, tags: ['database'],
    body: 'Draft: explain the lag panels and when to fail over.',
  });
}

/** The demo's SLA policies (seed 003 of reference-data.ts), escalation, notifications and chat. */
function seedDemoServices(seed: Seeder, ticket: { vpn: string; replica: string }): void {
  const services = seed.services;
  for (const [name, priority, response, resolution, threshold, businessHoursOnly] of SLA_POLICIES) {
    services.slaPolicy({ name, priority, response_time_minutes: response, resolution_time_minutes: resolution, escalation_threshold_minutes: threshold, business_hours_only: businessHoursOnly, effective_from: '2024-01-01' });
  }
  // 3. Urgent, waiting on the customer, escalated to the manager.
  services.escalation(ticket.replica, { by: 'agent2', to: 'manager', reason: 'Urgent ticket needs a decision on failover', level: 1 });
  services.notification({ user: 'agent', ticket_id: ticket.vpn, type: 'ticket_assigned', title: 'Ticket assigned to you', body: 'Cannot connect to the VPN since this morning' });
  services.notification({ user: 'manager', ticket_id: ticket.replica, type: 'escalated', title: 'Escalation: replica lag', body: 'Urgent ticket needs a decision on failover' });
  // A chat that became the VPN ticket.
  services.chatSession({
    customer: 'customer',
    subject: 'VPN trouble',
    agent: 'agent',
    ticket_id: ticket.vpn,
    messages: [
      { author: 'customer', body: 'Hi, my VPN stopped working.' },
      { author: 'agent', body: 'I have opened a ticket for you.' },
    ],
    ended: true,
  });
}

/** P1 5 min / 4 h around the clock, P2 30 min / 8 h, P3 2 h / 24 h, P4 1 day / 5 days in business hours. */
const SLA_POLICIES = [
  ['P1 critical', 'urgent', 5, 4 * 60, 2, false],
  ['P2 high', 'high', 30, 8 * 60, 15, true],
  ['P3 medium', 'medium', 2 * 60, 24 * 60, 60, true],
  ['P4 low', 'low', 24 * 60, 5 * 24 * 60, 4 * 60, true],
] as const;
