-- Live chat sessions, and notifications to users over their chosen channels.

create type chat_session_status as enum ('waiting', 'active', 'ended');

create table chat_sessions (
  id          uuid primary key default gen_random_uuid(),
  customer_id uuid not null default app.user_id() references users (id) on delete cascade,
  agent_id    uuid references users (id) on delete set null,
  ticket_id   uuid references tickets (id) on delete set null,
  subject     text check (length(subject) <= 255),
  status      chat_session_status not null default 'waiting',
  metadata    jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  started_at  timestamptz,
  ended_at    timestamptz,
  constraint chat_sessions_ended check ((status = 'ended') = (ended_at is not null)),
  constraint chat_sessions_active_has_agent check (status <> 'active' or agent_id is not null)
);
create index chat_sessions_customer_idx on chat_sessions (customer_id, created_at desc);
create index chat_sessions_agent_idx on chat_sessions (agent_id);
create index chat_sessions_ticket_idx on chat_sessions (ticket_id);
create index chat_sessions_waiting_idx on chat_sessions (created_at) where status = 'waiting';

create table chat_messages (
  id         uuid primary key default gen_random_uuid(),
  session_id uuid not null references chat_sessions (id) on delete cascade,
  sender_id  uuid default app.user_id() references users (id) on delete set null,
  body       text not null check (length(btrim(body)) > 0 and length(body) <= 10000),
  created_at timestamptz not null default now()
);
create index chat_messages_session_idx on chat_messages (session_id, created_at);
create index chat_messages_sender_idx on chat_messages (sender_id);

create type notification_type as enum (
  'ticket_created', 'ticket_assigned', 'status_changed', 'comment_added', 'escalated',
  'sla_warning', 'sla_breach', 'resolution_request', 'ticket_closed');
create type notification_channel as enum ('email', 'sms', 'in_app', 'slack');
create type notification_status as enum ('pending', 'sent', 'delivered', 'failed', 'read');
create type notification_priority as enum ('low', 'normal', 'high', 'urgent');

create table notifications (
  id            uuid primary key default gen_random_uuid(),
  user_id       uuid not null references users (id) on delete cascade,
  ticket_id     uuid references tickets (id) on delete cascade,
  type          notification_type not null,
  channel       notification_channel not null default 'in_app',
  priority      notification_priority not null default 'normal',
  title         text not null check (length(title) between 1 and 255),
  body          text not null,
  status        notification_status not null default 'pending',
  retry_count   integer not null default 0 check (retry_count >= 0),
  next_attempt_at timestamptz,
  failed_reason text,
  external_id   text check (length(external_id) <= 255),
  metadata      jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  created_at    timestamptz not null default now(),
  sent_at       timestamptz,
  delivered_at  timestamptz,
  read_at       timestamptz,
  expires_at    timestamptz,
  constraint notifications_read_has_time check (status <> 'read' or read_at is not null)
);
create index notifications_user_idx on notifications (user_id, created_at desc);
create index notifications_ticket_idx on notifications (ticket_id);
create index notifications_status_idx on notifications (status);
create index notifications_type_idx on notifications (type);
create index notifications_channel_idx on notifications (channel);
create index notifications_unread_idx on notifications (user_id, created_at desc) where read_at is null;
create index notifications_retry_idx on notifications (status, retry_count) where status = 'failed';
create index notifications_pending_idx on notifications (next_attempt_at, created_at) where status in ('pending', 'failed');

create trigger chat_sessions_touch before update on chat_sessions for each row execute function app.touch_updated_at();
