-- The role every API request runs as, and the functions that tell policies who is acting.
--
-- ticketflow_app owns nothing and cannot bypass row-level security: a request's queries run as it
-- (SET LOCAL ROLE) with the actor bound for that one transaction by app.bind_actor(). Roles are
-- cluster-wide in PostgreSQL, so creating it must tolerate another database (or a concurrent
-- migrator) having created it first.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'ticketflow_app') then
    begin
      create role ticketflow_app nologin nosuperuser nobypassrls noinherit;
    exception when duplicate_object or unique_violation then
      null;
    end;
  end if;
  -- A non-superuser owner must be a member to SET ROLE to it; superusers need nothing.
  if not (select rolsuper from pg_roles where rolname = current_user) then
    execute format('grant ticketflow_app to %I', current_user);
  end if;
end
$$;

create schema app;
comment on schema app is 'Helper functions for triggers and row-level security policies.';

-- The actor of the current transaction. NULL when no actor is bound, which every policy treats as
-- "sees nothing": forgetting to bind fails closed.
create function app.user_id() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

create function app.role() returns text
  language sql stable
  as $$ select nullif(current_setting('app.role', true), '') $$;

create function app.is_staff() returns boolean
  language sql stable
  as $$ select coalesce(app.role() in ('agent', 'manager', 'admin'), false) $$;

-- A well-formed IANA time zone name, checked against the server's tz database.
create function app.is_time_zone(name text) returns boolean
  language plpgsql immutable
  as $$
begin
  perform now() at time zone name;
  return true;
exception when invalid_parameter_value then
  return false;
end
$$;

create function app.touch_updated_at() returns trigger
  language plpgsql
  as $$
begin
  new.updated_at := now();
  return new;
end
$$;

-- Append-only tables call this from BEFORE UPDATE/DELETE/TRUNCATE triggers, so even the owner
-- cannot rewrite the audit trail.
create function app.refuse_change() returns trigger
  language plpgsql
  as $$
begin
  raise exception '% is append-only: % is not allowed', tg_table_name, lower(tg_op)
    using errcode = 'insufficient_privilege', hint = 'write a new row instead';
end
$$;

create type user_role as enum ('customer', 'agent', 'manager', 'admin');
create type ticket_status as enum ('new', 'open', 'in_progress', 'pending', 'resolved', 'closed');
create type ticket_priority as enum ('urgent', 'high', 'medium', 'low');
create type impact_level as enum ('low', 'medium', 'high', 'critical');
