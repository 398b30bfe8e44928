-- Authentication and access: refresh tokens, sessions, password resets, invitations, API keys, and
-- the security audit log. Every secret is stored as a SHA-256 hash, never in clear.

create table refresh_tokens (
  id             uuid primary key default gen_random_uuid(),
  user_id        uuid not null references users (id) on delete cascade,
  token_hash     text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  -- Rotation: every token descends from the login that started the family; presenting a token
  -- that was already replaced revokes the whole family (reuse detection).
  family_id      uuid not null,
  replaced_by    uuid references refresh_tokens (id) on delete set null,
  expires_at     timestamptz not null,
  revoked_at     timestamptz,
  revoked_reason text check (revoked_reason in ('logout', 'rotated', 'reuse_detected', 'password_changed', 'admin')),
  device_info    text,
  ip_address     text,
  user_agent     text,
  created_at     timestamptz not null default now(),
  last_used_at   timestamptz,
  constraint refresh_tokens_expires_future check (expires_at > created_at)
);
create index refresh_tokens_user_idx on refresh_tokens (user_id);
create index refresh_tokens_family_idx on refresh_tokens (family_id);
create index refresh_tokens_replaced_by_idx on refresh_tokens (replaced_by);
create index refresh_tokens_expires_idx on refresh_tokens (expires_at);
create index refresh_tokens_active_idx on refresh_tokens (user_id) where revoked_at is null;

create table user_sessions (
  id                 uuid primary key default gen_random_uuid(),
  user_id            uuid not null references users (id) on delete cascade,
  session_token_hash text not null unique check (session_token_hash ~ '^[0-9a-f]{64}$'),
  refresh_family_id  uuid,
  ip_address         text,
  user_agent         text,
  device_info        text,
  location           text,
  created_at         timestamptz not null default now(),
  last_activity_at   timestamptz not null default now(),
  expires_at         timestamptz not null,
  revoked_at         timestamptz,
  constraint user_sessions_expires_future check (expires_at > created_at)
);
create index user_sessions_user_idx on user_sessions (user_id, revoked_at);
create index user_sessions_expires_idx on user_sessions (expires_at);
create index user_sessions_activity_idx on user_sessions (last_activity_at) where revoked_at is null;

create table password_resets (
  id         uuid primary key default gen_random_uuid(),
  user_id    uuid not null references users (id) on delete cascade,
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  expires_at timestamptz not null,
  used_at    timestamptz,
  ip_address text,
  created_at timestamptz not null default now(),
  constraint password_resets_expires_future check (expires_at > created_at)
);
create index password_resets_user_idx on password_resets (user_id);
create index password_resets_expires_idx on password_resets (expires_at);
create index password_resets_active_idx on password_resets (expires_at) where used_at is null;

create type invitation_status as enum ('pending', 'accepted', 'expired', 'cancelled');

create table user_invitations (
  id            uuid primary key default gen_random_uuid(),
  email         text not null check (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$' and length(email) <= 255),
  token_hash    text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  role          user_role not null,
  department_id uuid references departments (id) on delete set null,
  invited_by    uuid not null default app.user_id() references users (id) on delete cascade,
  status        invitation_status not null default 'pending',
  expires_at    timestamptz not null,
  accepted_at   timestamptz,
  created_at    timestamptz not null default now(),
  constraint user_invitations_expires_future check (expires_at > created_at)
);
create index user_invitations_email_idx on user_invitations (lower(email));
create index user_invitations_status_idx on user_invitations (status);
create index user_invitations_department_idx on user_invitations (department_id);
create index user_invitations_invited_by_idx on user_invitations (invited_by);
create unique index user_invitations_one_pending_idx on user_invitations (lower(email)) where status = 'pending';

create table api_keys (
  id           uuid primary key default gen_random_uuid(),
  name         text not null check (length(btrim(name)) between 1 and 100),
  -- The first characters of the key, shown in listings so a user can tell keys apart.
  prefix       text not null unique check (prefix ~ '^tf_[A-Za-z0-9]{8}$'),
  key_hash     text not null unique check (key_hash ~ '^[0-9a-f]{64}$'),
  scopes       text[] not null default '{}'
    check (scopes <@ array['tickets:read', 'tickets:write', 'comments:write', 'attachments:write', 'kb:read', 'kb:write', 'admin']::text[]),
  -- Requests made with the key act as this user, under that user's row-level security.
  user_id      uuid not null references users (id) on delete cascade,
  created_by   uuid default app.user_id() references users (id) on delete set null,
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz,
  created_at   timestamptz not null default now()
);
create index api_keys_user_idx on api_keys (user_id);
create index api_keys_created_by_idx on api_keys (created_by);
create index api_keys_active_idx on api_keys (user_id) where revoked_at is null;

create type audit_event_type as enum (
  'login', 'logout', 'login_failed', 'token_refreshed', 'refresh_token_reuse', 'password_change',
  'password_reset_request', 'password_reset_complete', 'email_verification', 'account_locked',
  'account_unlocked', 'role_changed', 'profile_updated', 'mfa_enabled', 'mfa_disabled',
  'api_key_created', 'api_key_revoked', 'user_invited', 'invitation_accepted');
create type audit_event_status as enum ('success', 'failure', 'blocked', 'warning');

-- Append-only security log. user_id has no foreign key: the log outlives deleted accounts.
create table audit_logs (
  id                uuid primary key default gen_random_uuid(),
  user_id           uuid,
  actor_id          uuid,
  event_type        audit_event_type not null,
  event_status      audit_event_status not null,
  message           text,
  ip_address        text,
  user_agent        text,
  resource          text,
  metadata          jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  created_at        timestamptz not null default now()
);
create index audit_logs_user_idx on audit_logs (user_id, created_at desc);
create index audit_logs_actor_idx on audit_logs (actor_id);
create index audit_logs_type_idx on audit_logs (event_type);
create index audit_logs_status_idx on audit_logs (event_status);
create index audit_logs_created_idx on audit_logs (created_at desc);
create index audit_logs_ip_idx on audit_logs (ip_address, created_at desc);
create index audit_logs_metadata_idx on audit_logs using gin (metadata);
create trigger audit_logs_append_only before update or delete on audit_logs
  for each row execute function app.refuse_change();
create trigger audit_logs_no_truncate before truncate on audit_logs
  for each statement execute function app.refuse_change();
