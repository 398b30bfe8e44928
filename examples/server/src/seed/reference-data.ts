/**
 * The organisation's starting taxonomy and targets: the category sets from the seeds (seed 003's
 * DevOps categories and seed 002's support ones), tags, and seed 003's SLA policies.
 */
import type { Queryable } from '../db/database.js';

export const CATEGORIES = [
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

export const TAGS = [
  ['vip', '#dc2626'],
  ['outage', '#ea580c'],
  ['regression', '#7c3aed'],
  ['documentation', '#2563eb'],
  ['needs-info', '#ca8a04'],
] as const;

/** Seed 003: P1 5 min / 4 h, P2 30 min / 8 h, P3 2 h / 24 h, P4 1 day / 5 days. P1 runs around the clock. */
export const SLA_POLICIES = [
  { name: 'P1 critical', priority: 'urgent', response: 5, resolution: 4 * 60, threshold: 2, businessHoursOnly: false },
  { name: 'P2 high', priority: 'high', response: 30, resolution: 8 * 60, threshold: 15, businessHoursOnly: true },
  { name: 'P3 medium', priority: 'medium', response: 2 * 60, resolution: 24 * 60, threshold: 60, businessHoursOnly: true },
  { name: 'P4 low', priority: 'low', response: 24 * 60, resolution: 5 * 24 * 60, threshold: 4 * 60, businessHoursOnly: true },
] as const;

/** Inserts what is missing; running it again changes nothing. */
export async function seedReferenceData(tx: Queryable): Promise<void> {
  for (const [slug, name, description] of CATEGORIES) {
    await tx.query(
      'insert into categories (slug, name, description) values ($1, $2, $3) on conflict (slug) do nothing',
      [slug, name, description],
    );
  }
  for (const [name, color] of TAGS) {
    await tx.query(
      'insert into tags (name, color) select $1, $2 where not exists (select 1 from tags where lower(name) = lower($1))',
      [name, color],
    );
  }
  for (const policy of SLA_POLICIES) {
    await tx.query(
      `insert into sla_policies (name, priority, response_time_minutes, resolution_time_minutes,
                                 escalation_threshold_minutes, business_hours_only, effective_from)
       values ($1, $2, $3, $4, $5, $6, date '2024-01-01')
       on conflict on constraint sla_priority_category_key do nothing`,
      [policy.name, policy.priority, policy.response, policy.resolution, policy.threshold, policy.businessHoursOnly],
    );
  }
}
