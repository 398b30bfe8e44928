-- An organisation's own taxonomy (categories, tags) and its SLA policies.

create table categories (
  id          uuid primary key default gen_random_uuid(),
  slug        text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 50),
  name        text not null check (length(btrim(name)) between 1 and 100),
  description text,
  is_active   boolean not null default true,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create table tags (
  id          uuid primary key default gen_random_uuid(),
  name        text not null check (length(btrim(name)) between 1 and 50),
  color       text not null default '#6b7280' check (color ~ '^#[0-9a-fA-F]{6}$'),
  description text,
  created_by  uuid references users (id) on delete set null default app.user_id(),
  created_at  timestamptz not null default now()
);
create unique index tags_name_key on tags (lower(name));
create index tags_created_by_idx on tags (created_by);

create table sla_policies (
  id                           uuid primary key default gen_random_uuid(),
  name                         text not null check (length(btrim(name)) between 1 and 100),
  description                  text,
  priority                     ticket_priority not null,
  -- NULL applies to every category; a policy naming the category is more specific.
  category_id                  uuid references categories (id) on delete cascade,
  response_time_minutes        integer not null check (response_time_minutes > 0),
  resolution_time_minutes      integer not null,
  escalation_threshold_minutes integer check (escalation_threshold_minutes > 0),
  business_hours_only          boolean not null default true,
  business_start_hour          smallint not null default 9,
  business_end_hour            smallint not null default 17,
  include_weekends             boolean not null default false,
  time_zone                    text not null default 'UTC' check (app.is_time_zone(time_zone)),
  is_active                    boolean not null default true,
  effective_from               date not null default current_date,
  effective_until              date,
  created_at                   timestamptz not null default now(),
  updated_at                   timestamptz not null default now(),
  constraint sla_resolution_after_response check (resolution_time_minutes > response_time_minutes),
  constraint sla_business_hours check (
    business_start_hour >= 0 and business_start_hour < 24
    and business_end_hour > business_start_hour and business_end_hour <= 24),
  constraint sla_effective_range check (effective_until is null or effective_until >= effective_from),
  constraint sla_priority_category_key unique nulls not distinct (priority, category_id, effective_from)
);
create index sla_policies_priority_idx on sla_policies (priority);
create index sla_policies_category_idx on sla_policies (category_id);
create index sla_policies_active_idx on sla_policies (is_active);
create index sla_policies_effective_idx on sla_policies (effective_from, effective_until);

create trigger categories_touch before update on categories for each row execute function app.touch_updated_at();
create trigger sla_policies_touch before update on sla_policies for each row execute function app.touch_updated_at();
