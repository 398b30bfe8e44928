-- What the HTTP API needs beyond the seeds' schema: commit-safe ordering for the live event stream,
-- content-addressed attachment storage, webhook subscriptions, and notification types for messages
-- that carry a link (password resets, invitations).

-- The live stream reads the outbox by id, but ids are handed out when a row is inserted, not when
-- its transaction commits: a stream that delivered id 7 could later miss id 6 committing late.
-- Each event records its transaction, and the stream only reads up to the oldest transaction
-- still running (pg_snapshot_xmin), so every id it passes over has already committed or aborted.
alter table events add column tx_id xid8 not null default pg_current_xact_id();

-- Attachments are stored under the SHA-256 of their bytes: identical files share one object.
alter table attachments drop constraint attachments_storage_key_key;
create index attachments_storage_key_idx on attachments (storage_key);

alter type notification_type add value 'password_reset';
alter type notification_type add value 'invitation';

create table webhooks (
  id          uuid primary key default gen_random_uuid(),
  url         text not null check (url ~ '^https?://[^\s/$.?#].[^\s]*$' and length(url) <= 2000),
  description text check (length(description) <= 500),
  -- Event types to deliver (`ticket.created`, `comment.*`); empty means every type.
  event_types text[] not null default '{}'
    check (array_position(event_types, null) is null and cardinality(event_types) <= 50),
  -- The HMAC key payloads are signed with. Shown once at creation; never selectable by requests.
  secret      text not null check (length(secret) >= 32),
  is_active   boolean not null default true,
  created_by  uuid default app.user_id() references users (id) on delete set null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create index webhooks_created_idx on webhooks (created_at, id);

create trigger webhooks_touch before update on webhooks
  for each row execute function app.touch_updated_at();

create policy webhooks_admin on webhooks for all to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');

grant insert, update, delete on webhooks to ticketflow_app;
grant select (id, url, description, event_types, is_active, created_by, created_at, updated_at) on webhooks to ticketflow_app;
alter table webhooks enable row level security, force row level security;
