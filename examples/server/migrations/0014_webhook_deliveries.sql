-- Webhook deliveries: the queue the delivery worker works through and the log admins read.
--
-- The dispatcher (an outbox consumer, src/webhooks/dispatcher.ts) adds one delivery per matching
-- active webhook and event; the delivery worker POSTs it, records every attempt, and retries with
-- backoff until it is delivered or out of attempts. Both run as the owner. Requests (admins only)
-- may read the log and queue a delivery again, nothing else.

create table webhook_deliveries (
  id              uuid primary key default gen_random_uuid(),
  webhook_id      uuid not null references webhooks (id) on delete cascade,
  -- No foreign key: the envelope is kept in `body`, so the log outlives any pruning of the outbox.
  event_id        bigint not null,
  event_type      text not null,
  -- The exact request body (the event envelope): every attempt and every redelivery sends, and
  -- signs, the same bytes.
  body            text not null,
  status          text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  -- Attempts since the delivery was last queued (what the retry limit counts), and in all.
  round_attempts  integer not null default 0 check (round_attempts >= 0),
  attempt_count   integer not null default 0 check (attempt_count >= round_attempts),
  -- While pending: when the next attempt is due. An attempt in flight moves it forward (its lease),
  -- so another instance takes the delivery over only when the first one died.
  next_attempt_at timestamptz,
  last_attempt_at timestamptz,
  -- When it last got a 2xx answer; kept when it is queued again.
  delivered_at    timestamptz,
  created_at      timestamptz not null default now(),
  -- The dispatcher's exactly-once: an event reaches a webhook at most once however often it is read.
  constraint webhook_deliveries_once unique (webhook_id, event_id),
  constraint webhook_deliveries_due check ((status = 'pending') = (next_attempt_at is not null)),
  constraint webhook_deliveries_delivered check (status <> 'delivered' or delivered_at is not null)
);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_log_idx on webhook_deliveries (webhook_id, created_at, id);

-- One row per HTTP attempt, numbered per delivery (1, 2, …, across redeliveries).
create table webhook_delivery_attempts (
  delivery_id   uuid not null references webhook_deliveries (id) on delete cascade,
  attempt       integer not null check (attempt >= 1),
  attempted_at  timestamptz not null,
  duration_ms   integer not null check (duration_ms >= 0),
  -- The HTTP status; null when no response came (refused, timed out, bad URL).
  status_code   smallint check (status_code between 100 and 599),
  -- The start of the response body, for debugging the receiver; never the whole of it.
  response_body text check (length(response_body) <= 2000),
  error         text check (length(error) <= 1000),
  primary key (delivery_id, attempt)
);

create policy webhook_deliveries_admin on webhook_deliveries for all to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');
-- Queuing again (redeliver) is the only change a request makes.
grant select on webhook_deliveries to ticketflow_app;
grant update (status, round_attempts, next_attempt_at) on webhook_deliveries to ticketflow_app;
alter table webhook_deliveries enable row level security, force row level security;

create policy webhook_delivery_attempts_admin on webhook_delivery_attempts for select to ticketflow_app
  using ((select app.role()) = 'admin');
grant select on webhook_delivery_attempts to ticketflow_app;
alter table webhook_delivery_attempts enable row level security, force row level security;
