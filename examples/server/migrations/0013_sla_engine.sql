-- The SLA, escalation and notification engine: what the background workers keep, and the triggers
-- that tell them what changed.
--
-- The engine runs as the owner (no request role, no actor): it reads every policy and stamps every
-- ticket. Its bookkeeping tables have row-level security forced and no policy and no grant for
-- ticketflow_app, so no request can read or write them.

-- Policies: a list of holidays (dates in the policy's time zone) on which no business time passes.
alter table sla_policies add column holidays date[] not null default '{}'
  constraint sla_holidays_count check (cardinality(holidays) <= 366);

-- How long an urgent ticket may stay unassigned before a critical_priority escalation opens.
alter table company_settings add column critical_unassigned_minutes integer not null default 30
  constraint critical_unassigned_minutes_range check (critical_unassigned_minutes between 1 and 10080);

-- Durable consumers of the event outbox (notification routing, webhook dispatch). Each one's
-- position is written in the transaction that handles the events up to it, so a crash can neither
-- lose an event nor handle it twice. See src/workers/event-consumer.ts.
create table event_consumers (
  name       text primary key check (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
  tx_id      xid8 not null default '0'::xid8,
  event_id   bigint not null default 0,
  updated_at timestamptz not null default now()
);

-- Tickets whose SLA the engine must plan again: a trigger adds a ticket whenever an input of its
-- SLA changes (or a policy that may apply to it does); the scheduler takes them out as it plans.
create table sla_refresh_queue (
  ticket_id uuid primary key references tickets (id) on delete cascade,
  queued_at timestamptz not null default now()
);

-- What the scheduler will do and when. A timer fires once: `fired_at` is set in the transaction
-- that acts, so a restart neither loses nor repeats an action, and `FOR UPDATE SKIP LOCKED` hands
-- each due timer to one instance only. Timers not yet fired are moved (or removed) whenever the
-- ticket is planned again; fired ones stay as the record of what was done.
create table sla_timers (
  ticket_id uuid not null references tickets (id) on delete cascade,
  kind      text not null check (kind in (
    'first_response_warning', 'first_response_breach', 'resolution_warning', 'resolution_breach',
    'escalation_level', 'critical_unassigned')),
  -- The escalation level an `escalation_level` timer raises to (2–5); 0 for the other kinds.
  step      smallint not null default 0 check (step between 0 and 5),
  due_at    timestamptz not null,
  fired_at  timestamptz,
  -- What firing did ('warned', 'breached', 'skipped: …'), for operators reading the table.
  outcome   text,
  primary key (ticket_id, kind, step)
);
create index sla_timers_due_idx on sla_timers (due_at) where fired_at is null;

alter table event_consumers enable row level security, force row level security;
alter table sla_refresh_queue enable row level security, force row level security;
alter table sla_timers enable row level security, force row level security;

create function app.queue_sla_refresh() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  insert into sla_refresh_queue (ticket_id) values (new.id) on conflict do nothing;
  return null;
end
$$;
create trigger tickets_queue_sla_refresh_insert after insert on tickets
  for each row execute function app.queue_sla_refresh();
-- The inputs of a ticket's SLA. sla_policy_id and the due columns are the engine's own output and
-- are left out, or planning would queue the ticket again.
create trigger tickets_queue_sla_refresh_update after update of priority, category_id, status, assignee_id, first_responded_at on tickets
  for each row execute function app.queue_sla_refresh();

-- A policy written or removed may change the targets of every open ticket of its priority.
create function app.sla_policies_queue_refresh() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  insert into sla_refresh_queue (ticket_id)
  select t.id from tickets t
   where t.priority in (new.priority, old.priority)
     and t.status not in ('resolved', 'closed')
  on conflict do nothing;
  return null;
end
$$;
create trigger sla_policies_queue_refresh after insert or update or delete on sla_policies
  for each row execute function app.sla_policies_queue_refresh();

-- A new limit for unassigned urgent tickets moves the timers of those waiting now.
create function app.critical_unassigned_queue_refresh() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  insert into sla_refresh_queue (ticket_id)
  select t.id from tickets t
   where t.priority = 'urgent' and t.assignee_id is null and t.status in ('new', 'open')
  on conflict do nothing;
  return null;
end
$$;
create trigger company_settings_queue_sla_refresh after update of critical_unassigned_minutes on company_settings
  for each row when (new.critical_unassigned_minutes <> old.critical_unassigned_minutes)
  execute function app.critical_unassigned_queue_refresh();

-- The engine's stamps (the policy that applies, the due times, the breach, and the escalation level
-- its own escalations move) are not edits: they are recorded in the history and sent as internal
-- events like any change, but they leave the ticket's version (its ETag) alone, so a client's
-- If-Match is not spoilt by the clock. An escalation a person opens still moves the version.
create or replace function app.tickets_before_update() returns trigger
  language plpgsql
  as $$
declare
  -- What a customer may change, plus what this trigger maintains itself.
  v_customer_editable constant text[] := array['title', 'description', 'status', 'updated_at', 'version',
    'last_updated_by', 'resolved_at', 'closed_at', 'reopen_count', 'search_vector'];
  v_engine_stamps constant text[] := array['sla_policy_id', 'first_response_due_at', 'resolution_due_at', 'sla_breached_at',
    'escalation_level'];
begin
  if new.id <> old.id or new.ticket_number <> old.ticket_number or new.created_at <> old.created_at
     or new.created_by <> old.created_by then
    raise exception 'id, ticket_number, created_at and created_by cannot change'
      using errcode = 'check_violation', constraint = 'ticket_immutable_columns';
  end if;

  -- Customers may edit what they wrote and move their own ticket along (close, reopen); nothing
  -- that belongs to the support side.
  if app.role() = 'customer' then
    if (to_jsonb(new) - v_customer_editable) is distinct from (to_jsonb(old) - v_customer_editable) then
      raise exception 'customers may only change the title, description and status of a ticket'
        using errcode = 'insufficient_privilege';
    end if;
    if new.status is distinct from old.status
       and not (new.status = 'closed' or (new.status = 'open' and old.status in ('resolved', 'closed'))) then
      raise exception 'customers may only close or reopen a ticket, not move it from % to %', old.status, new.status
        using errcode = 'insufficient_privilege';
    end if;
  end if;

  -- Lifecycle columns are the database's to maintain.
  new.resolved_at := old.resolved_at;
  new.closed_at := old.closed_at;
  new.reopen_count := old.reopen_count;
  if new.status is distinct from old.status then
    if not new.status = any (app.ticket_next_statuses(old.status)) then
      raise exception 'invalid status transition from % to %', old.status, new.status
        using errcode = 'check_violation', constraint = 'ticket_status_transition',
              hint = format('from %s a ticket may move to: %s', old.status,
                            array_to_string(app.ticket_next_statuses(old.status), ', '));
    end if;
    if new.status = 'resolved' then
      new.resolved_at := now();
    elsif new.status = 'closed' then
      new.closed_at := now();
    elsif old.status in ('resolved', 'closed') then
      new.reopen_count := old.reopen_count + 1;
      new.resolved_at := null;
      new.closed_at := null;
    end if;
  end if;

  if app.user_id() is null
     and (to_jsonb(new) - v_engine_stamps - 'search_vector') = (to_jsonb(old) - v_engine_stamps - 'search_vector') then
    -- Only the engine's stamps changed, and no one is acting: keep version, updated_at and last_updated_by.
    new.version := old.version;
    new.updated_at := old.updated_at;
    new.last_updated_by := old.last_updated_by;
    return new;
  end if;

  new.version := old.version + 1;
  new.updated_at := now();
  new.last_updated_by := app.user_id();
  return new;
end
$$;

-- Escalation events say which level an escalation left, so a raise can be told from an
-- acknowledgement and notified up the chain.
create or replace function app.escalations_after_write() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
declare
  v_ticket_id uuid := coalesce(new.ticket_id, old.ticket_id);
  v_level smallint;
  v_payload jsonb;
begin
  select coalesce(max(escalation_level), 0) into v_level
  from escalations where ticket_id = v_ticket_id and status in ('pending', 'acknowledged');
  update tickets set escalation_level = v_level where id = v_ticket_id and escalation_level <> v_level;
  if tg_op <> 'DELETE' then
    v_payload := jsonb_build_object('escalation_id', new.id, 'status', new.status,
      'escalation_level', new.escalation_level, 'escalation_type', new.escalation_type);
    if tg_op = 'UPDATE' and new.escalation_level <> old.escalation_level then
      v_payload := v_payload || jsonb_build_object('previous_level', old.escalation_level);
    end if;
    perform app.emit(case tg_op when 'INSERT' then 'escalation.created' else 'escalation.updated' end,
      v_ticket_id, true, v_payload);
  end if;
  return null;
end
$$;

-- Every ticket already open is planned once by the engine's first pass.
insert into sla_refresh_queue (ticket_id) select id from tickets where status not in ('resolved', 'closed');
