-- Departments, users, teams, and the company's settings.

create table departments (
  id          uuid primary key default gen_random_uuid(),
  name        text not null check (length(btrim(name)) between 1 and 100),
  description text,
  manager_id  uuid,
  is_active   boolean not null default true,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create unique index departments_name_key on departments (lower(name));

create table users (
  id                      uuid primary key default gen_random_uuid(),
  email                   text not null
    constraint users_email_format check (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$' and length(email) <= 255),
  username                text check (username ~ '^[A-Za-z0-9._-]{2,50}$'),
  -- NULL for accounts that only sign in through SSO.
  password_hash           text,
  first_name              text not null default '' check (length(first_name) <= 100),
  last_name               text not null default '' check (length(last_name) <= 100),
  phone_number            text check (length(phone_number) <= 20),
  avatar_url              text check (length(avatar_url) <= 500),
  role                    user_role not null default 'customer',
  department_id           uuid references departments (id) on delete set null,
  is_active               boolean not null default true,
  is_approved             boolean not null default false,
  is_email_verified       boolean not null default false,
  failed_login_attempts   integer not null default 0 check (failed_login_attempts >= 0),
  locked_until            timestamptz,
  mfa_enabled             boolean not null default false,
  mfa_secret              text,
  preferences             jsonb not null default '{}' check (jsonb_typeof(preferences) = 'object'),
  last_login_at           timestamptz,
  last_password_change_at timestamptz,
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));
create unique index users_username_key on users (lower(username)) where username is not null;
create index users_role_idx on users (role);
create index users_department_idx on users (department_id);
create index users_active_idx on users (is_active, is_approved);
create index users_last_login_idx on users (last_login_at desc);

alter table departments
  add constraint departments_manager_fk foreign key (manager_id) references users (id) on delete set null;
create index departments_manager_idx on departments (manager_id);

create table teams (
  id            uuid primary key default gen_random_uuid(),
  name          text not null check (length(btrim(name)) between 1 and 100),
  description   text,
  department_id uuid references departments (id) on delete set null,
  lead_id       uuid references users (id) on delete set null,
  is_active     boolean not null default true,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
create unique index teams_name_key on teams (lower(name));
create index teams_department_idx on teams (department_id);
create index teams_lead_idx on teams (lead_id);

create table team_members (
  team_id   uuid not null references teams (id) on delete cascade,
  user_id   uuid not null references users (id) on delete cascade,
  role      text not null default 'member' check (role in ('member', 'lead')),
  joined_at timestamptz not null default now(),
  primary key (team_id, user_id)
);
create index team_members_user_idx on team_members (user_id);

-- One row. Provider secrets (SMTP, SSO, model keys) are configuration, never columns here.
create table company_settings (
  id            boolean primary key default true check (id),
  company_name  text not null default 'Ticketflow' check (length(company_name) between 1 and 255),
  ticket_prefix text not null default 'TKT' check (ticket_prefix ~ '^[A-Z][A-Z0-9]{1,9}$'),
  time_zone     text not null default 'UTC' check (app.is_time_zone(time_zone)),
  logo_url      text check (length(logo_url) <= 500),
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
insert into company_settings default values;

create trigger departments_touch before update on departments for each row execute function app.touch_updated_at();
create trigger users_touch before update on users for each row execute function app.touch_updated_at();
create trigger teams_touch before update on teams for each row execute function app.touch_updated_at();
create trigger company_settings_touch before update on company_settings for each row execute function app.touch_updated_at();
