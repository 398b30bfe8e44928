-- Tickets and everything hanging off them: tags, comments, attachments, history, feedback,
-- escalations.

-- Per-prefix, per-year counters behind ticket numbers. Incrementing a row under its lock is what
-- keeps concurrent inserts from ever taking the same number.
create table ticket_counters (
  prefix     text not null,
  year       integer not null,
  last_value bigint not null,
  primary key (prefix, year)
);

create table tickets (
  id                    uuid primary key default gen_random_uuid(),
  ticket_number         text not null unique
    check (ticket_number ~ '^[A-Z][A-Z0-9]{1,9}-[0-9]{4}-[0-9]{5,}$'),
  title                 text not null check (length(btrim(title)) between 1 and 255),
  description           text not null default '' check (length(description) <= 100000),
  status                ticket_status not null default 'new',
  priority              ticket_priority not null default 'medium',
  category_id           uuid references categories (id) on delete set null,
  impact_level          impact_level,
  requester_id          uuid not null default app.user_id() references users (id) on delete restrict,
  created_by            uuid not null default app.user_id() references users (id) on delete restrict,
  assignee_id           uuid references users (id) on delete set null,
  team_id               uuid references teams (id) on delete set null,
  department_id         uuid references departments (id) on delete set null,
  due_at                timestamptz,
  estimated_hours       numeric(7, 2) check (estimated_hours >= 0),
  actual_hours          numeric(7, 2) check (actual_hours >= 0),
  resolution_notes      text check (length(resolution_notes) <= 100000),
  environment           text check (length(environment) <= 50),
  affected_services     text[] not null default '{}',
  metadata              jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  sla_policy_id         uuid references sla_policies (id) on delete set null,
  first_response_due_at timestamptz,
  resolution_due_at     timestamptz,
  first_responded_at    timestamptz,
  sla_breached_at       timestamptz,
  -- An overlay, not a status: > 0 while escalations are open.
  escalation_level      smallint not null default 0 check (escalation_level between 0 and 5),
  reopen_count          integer not null default 0 check (reopen_count >= 0),
  -- Optimistic locking: the ETag. Incremented by trigger on every update.
  version               integer not null default 1,
  last_updated_by       uuid references users (id) on delete set null,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  resolved_at           timestamptz,
  closed_at             timestamptz,
  search_vector         tsvector generated always as (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', description), 'B')
  ) stored
);
-- Seed indexes (002, 003), and every column a policy filters on.
create index tickets_status_idx on tickets (status);
create index tickets_priority_idx on tickets (priority);
create index tickets_category_idx on tickets (category_id);
create index tickets_requester_idx on tickets (requester_id, created_at desc);
create index tickets_created_by_idx on tickets (created_by);
create index tickets_assignee_idx on tickets (assignee_id);
create index tickets_team_idx on tickets (team_id);
create index tickets_department_idx on tickets (department_id);
create index tickets_sla_policy_idx on tickets (sla_policy_id);
create index tickets_created_idx on tickets (created_at desc);
create index tickets_due_idx on tickets (due_at);
create index tickets_status_priority_created_idx on tickets (status, priority, created_at desc);
create index tickets_search_idx on tickets using gin (search_vector);
create index tickets_unassigned_category_idx on tickets (category_id) where assignee_id is null;
create index tickets_overdue_idx on tickets (due_at, status) where status not in ('closed', 'resolved');
create index tickets_requester_open_idx on tickets (requester_id, status, created_at desc) where status <> 'closed';
create index tickets_assignee_active_idx on tickets (assignee_id, status, priority) where status in ('open', 'in_progress');
create index tickets_sla_monitoring_idx on tickets (resolution_due_at, status)
  where status not in ('closed', 'resolved') and sla_breached_at is null;
-- The agent queue: unassigned work anyone on staff may pick up, oldest first.
create index tickets_queue_idx on tickets (priority, created_at) where assignee_id is null and status in ('new', 'open');

create table ticket_tags (
  ticket_id uuid not null references tickets (id) on delete cascade,
  tag_id    uuid not null references tags (id) on delete cascade,
  added_by  uuid references users (id) on delete set null default app.user_id(),
  added_at  timestamptz not null default now(),
  primary key (ticket_id, tag_id)
);
create index ticket_tags_tag_idx on ticket_tags (tag_id);
create index ticket_tags_added_by_idx on ticket_tags (added_by);

create table comments (
  id          uuid primary key default gen_random_uuid(),
  ticket_id   uuid not null references tickets (id) on delete cascade,
  -- Kept when the author's account is deleted (seed 003 says NOT NULL and SET NULL at once).
  author_id   uuid default app.user_id() references users (id) on delete set null,
  body        text not null check (length(btrim(body)) > 0 and length(body) <= 100000),
  is_internal boolean not null default false,
  edited      boolean not null default false,
  edit_count  integer not null default 0 check (edit_count >= 0),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  deleted_at  timestamptz
);
create index comments_ticket_idx on comments (ticket_id, created_at desc);
create index comments_author_idx on comments (author_id);
create index comments_created_idx on comments (created_at desc);
create index comments_internal_idx on comments (is_internal);

create table attachments (
  id               uuid primary key default gen_random_uuid(),
  ticket_id        uuid references tickets (id) on delete cascade,
  comment_id       uuid references comments (id) on delete cascade,
  file_name        text not null check (length(btrim(file_name)) between 1 and 255),
  mime_type        text not null check (mime_type ~ '^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$' and length(mime_type) <= 100),
  size_bytes       bigint not null check (size_bytes > 0 and size_bytes <= 52428800),
  sha256           text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  storage_key      text not null unique check (length(storage_key) between 1 and 500),
  storage_provider text not null default 'local' check (storage_provider in ('local', 'memory', 's3', 'azure', 'gcs')),
  description      text,
  uploaded_by      uuid default app.user_id() references users (id) on delete set null,
  created_at       timestamptz not null default now(),
  deleted_at       timestamptz,
  constraint attachments_parent check ((ticket_id is null) <> (comment_id is null))
);
create index attachments_ticket_idx on attachments (ticket_id);
create index attachments_comment_idx on attachments (comment_id);
create index attachments_uploader_idx on attachments (uploaded_by);
create index attachments_sha256_idx on attachments (sha256);
create index attachments_created_idx on attachments (created_at desc);

-- Append-only audit of every ticket change, written by triggers. No foreign keys: the trail must
-- outlive the ticket and the users it mentions (a cascade would be a delete, and is refused).
create table ticket_history (
  id          uuid primary key default gen_random_uuid(),
  seq         bigint generated always as identity unique,
  ticket_id   uuid not null,
  actor_id    uuid,
  action      text not null check (action in (
    'created', 'status_changed', 'priority_changed', 'assigned', 'reassigned', 'unassigned',
    'escalated', 'comment_added', 'attachment_added', 'field_updated', 'closed', 'reopened', 'deleted')),
  field       text,
  old_value   jsonb,
  new_value   jsonb,
  -- Internal entries (internal comments, escalations, effort) are hidden from customers.
  is_internal boolean not null default false,
  reason      text,
  ip_address  text,
  user_agent  text,
  created_at  timestamptz not null default now()
);
create index ticket_history_ticket_idx on ticket_history (ticket_id, seq desc);
create index ticket_history_actor_idx on ticket_history (actor_id);
create index ticket_history_action_idx on ticket_history (action);
create index ticket_history_created_idx on ticket_history (created_at desc);
create index ticket_history_field_idx on ticket_history (field);
create trigger ticket_history_append_only before update or delete on ticket_history
  for each row execute function app.refuse_change();
create trigger ticket_history_no_truncate before truncate on ticket_history
  for each statement execute function app.refuse_change();

create table ticket_feedback (
  id          uuid primary key default gen_random_uuid(),
  ticket_id   uuid not null unique references tickets (id) on delete cascade,
  customer_id uuid not null default app.user_id() references users (id) on delete cascade,
  rating      smallint not null check (rating between 1 and 5),
  comment     text check (length(comment) <= 10000),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create index ticket_feedback_customer_idx on ticket_feedback (customer_id);

create type escalation_type as enum ('sla_breach', 'manual', 'complexity', 'multiple_reopens', 'critical_priority');
create type escalation_status as enum ('pending', 'acknowledged', 'resolved', 'cancelled');

create table escalations (
  id               uuid primary key default gen_random_uuid(),
  ticket_id        uuid not null references tickets (id) on delete cascade,
  from_user_id     uuid default app.user_id() references users (id) on delete set null,
  to_user_id       uuid references users (id) on delete set null,
  reason           text not null check (length(btrim(reason)) > 0),
  escalation_level smallint not null default 1 check (escalation_level between 1 and 5),
  escalation_type  escalation_type not null,
  status           escalation_status not null default 'pending',
  resolution_notes text,
  escalated_at     timestamptz not null default now(),
  acknowledged_at  timestamptz,
  resolved_at      timestamptz,
  cancelled_at     timestamptz,
  updated_at       timestamptz not null default now()
);
create index escalations_ticket_idx on escalations (ticket_id, escalated_at desc);
create index escalations_from_user_idx on escalations (from_user_id);
create index escalations_to_user_idx on escalations (to_user_id);
create index escalations_status_idx on escalations (status);
create index escalations_level_idx on escalations (escalation_level);
create index escalations_active_idx on escalations (status, to_user_id, escalated_at) where status = 'pending';
