-- Assist (seed 002's AI tables, filled by a local deterministic provider by default), the events
-- outbox, and idempotency keys.

create table ticket_auto_responses (
  id                uuid primary key default gen_random_uuid(),
  ticket_id         uuid not null references tickets (id) on delete cascade,
  response_text     text not null check (length(btrim(response_text)) > 0),
  confidence_score  numeric(3, 2) not null check (confidence_score between 0 and 1),
  provider          text not null check (length(provider) between 1 and 100),
  source_article_id uuid references kb_articles (id) on delete set null,
  prompt_tokens     integer check (prompt_tokens >= 0),
  completion_tokens integer check (completion_tokens >= 0),
  was_helpful       boolean,
  feedback_reason   text,
  created_at        timestamptz not null default now()
);
create index ticket_auto_responses_ticket_idx on ticket_auto_responses (ticket_id);
create index ticket_auto_responses_article_idx on ticket_auto_responses (source_article_id);
create index ticket_auto_responses_confidence_idx on ticket_auto_responses (confidence_score);
create index ticket_auto_responses_helpful_idx on ticket_auto_responses (was_helpful);

create table ticket_complexity_scores (
  id                     uuid primary key default gen_random_uuid(),
  ticket_id              uuid not null references tickets (id) on delete cascade,
  complexity_score       smallint not null check (complexity_score between 0 and 100),
  factors                jsonb not null default '{}' check (jsonb_typeof(factors) = 'object'),
  escalation_recommended boolean not null default false,
  provider               text not null check (length(provider) between 1 and 100),
  created_at             timestamptz not null default now()
);
create index ticket_complexity_scores_ticket_idx on ticket_complexity_scores (ticket_id);
create index ticket_complexity_scores_score_idx on ticket_complexity_scores (complexity_score);
create index ticket_complexity_scores_escalation_idx on ticket_complexity_scores (escalation_recommended);

create table assist_metrics (
  id           uuid primary key default gen_random_uuid(),
  metric_date  date not null,
  metric_name  text not null check (length(metric_name) between 1 and 50),
  metric_value numeric(12, 2),
  metadata     jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  created_at   timestamptz not null default now(),
  unique (metric_date, metric_name)
);
create index assist_metrics_name_idx on assist_metrics (metric_name);

-- The outbox: one row per change a client may follow, written by triggers in the same transaction
-- as the change, so an event exists exactly when its change committed. Live events and webhooks
-- read it; who may read a row follows the row it describes. No foreign keys: a deleted ticket's
-- events stay (visible to admins only).
create table events (
  id              bigint generated always as identity primary key,
  type            text not null check (type ~ '^[a-z_]+\.[a-z_]+$'),
  ticket_id       uuid,
  chat_session_id uuid,
  -- Set for events addressed to one user (their notifications).
  user_id         uuid,
  actor_id        uuid,
  is_internal     boolean not null default false,
  payload         jsonb not null default '{}',
  created_at      timestamptz not null default now()
);
create index events_ticket_idx on events (ticket_id, id);
create index events_chat_session_idx on events (chat_session_id, id);
create index events_user_idx on events (user_id, id);
create index events_created_idx on events (created_at);

-- One row per (actor, key): the first response to a POST, replayed for a retry with the same key.
create table idempotency_keys (
  user_id          uuid not null default app.user_id() references users (id) on delete cascade,
  key              text not null check (length(key) between 1 and 255),
  method           text not null,
  path             text not null,
  request_hash     text not null check (request_hash ~ '^[0-9a-f]{64}$'),
  status_code      integer check (status_code between 100 and 599),
  response_headers jsonb,
  response_body    jsonb,
  created_at       timestamptz not null default now(),
  completed_at     timestamptz,
  expires_at       timestamptz not null default now() + interval '24 hours',
  primary key (user_id, key)
);
create index idempotency_keys_expires_idx on idempotency_keys (expires_at);
