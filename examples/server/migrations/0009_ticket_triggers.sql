-- Triggers that keep tickets honest: numbering, the status workflow, versions and timestamps, the
-- history trail and the events outbox. Functions that write tables the request's role may not
-- touch directly (counters, history, events) are SECURITY DEFINER with a fixed search_path.

create function app.emit(
  p_type text, p_ticket_id uuid, p_is_internal boolean, p_payload jsonb,
  p_user_id uuid default null, p_chat_session_id uuid default null
) returns void
  language plpgsql security definer set search_path = public, app
  as $$
declare
  v_id bigint;
begin
  insert into events (type, ticket_id, chat_session_id, user_id, actor_id, is_internal, payload)
  values (p_type, p_ticket_id, p_chat_session_id, p_user_id, app.user_id(), p_is_internal, p_payload)
  returning id into v_id;
  -- Delivered at commit only, so listeners never see an event whose change rolled back.
  perform pg_notify('ticketflow_events', v_id::text);
end
$$;

create function app.record_history(
  p_ticket_id uuid, p_action text, p_field text, p_old jsonb, p_new jsonb, p_is_internal boolean
) returns void
  language sql security definer set search_path = public, app
  as $$
  insert into ticket_history (ticket_id, actor_id, action, field, old_value, new_value, is_internal, ip_address, user_agent)
  values (p_ticket_id, app.user_id(), p_action, p_field, p_old, p_new, p_is_internal,
          nullif(current_setting('app.client_ip', true), ''), nullif(current_setting('app.user_agent', true), ''))
$$;

-- The workflow: new → open → in_progress ⇄ pending → resolved → closed, and reopen from resolved
-- or closed back to open.
create function app.ticket_next_statuses(p_from ticket_status) returns ticket_status[]
  language sql immutable
  as $$
  select case p_from
    when 'new' then array['open']::ticket_status[]
    when 'open' then array['in_progress']::ticket_status[]
    when 'in_progress' then array['pending', 'resolved']::ticket_status[]
    when 'pending' then array['in_progress', 'resolved']::ticket_status[]
    when 'resolved' then array['closed', 'open']::ticket_status[]
    when 'closed' then array['open']::ticket_status[]
  end
$$;

create function app.tickets_before_insert() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
declare
  v_prefix text;
  v_year integer;
  v_seq bigint;
begin
  if new.status <> 'new' then
    raise exception 'a ticket starts in status new, not %', new.status
      using errcode = 'check_violation', constraint = 'ticket_initial_status';
  end if;
  select ticket_prefix into v_prefix from company_settings;
  v_prefix := coalesce(v_prefix, 'TKT');
  v_year := extract(year from new.created_at at time zone 'UTC')::integer;
  insert into ticket_counters as c (prefix, year, last_value) values (v_prefix, v_year, 1)
  on conflict (prefix, year) do update set last_value = c.last_value + 1
  returning last_value into v_seq;
  -- Numbers are always assigned here: a client-chosen number could collide with a later one.
  new.ticket_number := format('%s-%s-%s', v_prefix, v_year, lpad(v_seq::text, 5, '0'));
  new.version := 1;
  new.reopen_count := 0;
  new.escalation_level := 0;
  new.resolved_at := null;
  new.closed_at := null;
  new.updated_at := new.created_at;
  new.last_updated_by := app.user_id();
  return new;
end
$$;

create function app.tickets_before_update() returns trigger
  language plpgsql
  as $$
declare
  -- What a customer may change, plus what this trigger maintains itself.
  v_customer_editable constant text[] := array['title', 'description', 'status', 'updated_at', 'version',
    'last_updated_by', 'resolved_at', 'closed_at', 'reopen_count', 'search_vector'];
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

  new.version := old.version + 1;
  new.updated_at := now();
  new.last_updated_by := app.user_id();
  return new;
end
$$;

create function app.tickets_after_insert() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  perform app.record_history(new.id, 'created', null, null,
    jsonb_build_object('ticket_number', new.ticket_number, 'title', new.title, 'status', new.status,
                       'priority', new.priority, 'requester_id', new.requester_id), false);
  perform app.emit('ticket.created', new.id, false,
    jsonb_build_object('ticket_number', new.ticket_number, 'status', new.status, 'priority', new.priority, 'version', new.version));
  return null;
end
$$;

-- Columns whose changes customers do not see in the history.
create function app.ticket_internal_fields() returns text[]
  language sql immutable
  as $$ select array['metadata', 'estimated_hours', 'actual_hours', 'escalation_level', 'sla_policy_id',
                     'first_response_due_at', 'resolution_due_at', 'first_responded_at', 'sla_breached_at',
                     'team_id', 'department_id'] $$;

create function app.tickets_after_update() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
declare
  v_old jsonb := to_jsonb(old);
  v_new jsonb := to_jsonb(new);
  v_field text;
  v_changed text[] := '{}';
  v_public boolean := false;
  v_internal boolean;
  v_action text;
begin
  for v_field in
    select key from jsonb_object_keys(v_new) as key
    where key not in ('version', 'updated_at', 'last_updated_by', 'search_vector', 'resolved_at', 'closed_at', 'reopen_count')
      and v_new -> key is distinct from v_old -> key
    order by key
  loop
    v_changed := v_changed || v_field;
    v_internal := v_field = any (app.ticket_internal_fields());
    v_public := v_public or not v_internal;
    v_action := case v_field
      when 'status' then case
        when new.status = 'closed' then 'closed'
        when new.status = 'open' and old.status in ('resolved', 'closed') then 'reopened'
        else 'status_changed' end
      when 'priority' then 'priority_changed'
      when 'assignee_id' then case
        when old.assignee_id is null then 'assigned'
        when new.assignee_id is null then 'unassigned'
        else 'reassigned' end
      when 'escalation_level' then case when new.escalation_level > old.escalation_level then 'escalated' else 'field_updated' end
      else 'field_updated' end;
    perform app.record_history(new.id, v_action, v_field, v_old -> v_field, v_new -> v_field, v_internal);
  end loop;

  if cardinality(v_changed) > 0 then
    perform app.emit('ticket.updated', new.id, not v_public,
      jsonb_build_object('ticket_number', new.ticket_number, 'changes', to_jsonb(v_changed),
                         'status', new.status, 'version', new.version));
  end if;
  return null;
end
$$;

create function app.tickets_after_delete() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  perform app.record_history(old.id, 'deleted', null,
    jsonb_build_object('ticket_number', old.ticket_number, 'title', old.title, 'status', old.status), null, true);
  perform app.emit('ticket.deleted', old.id, true, jsonb_build_object('ticket_number', old.ticket_number));
  return null;
end
$$;

create trigger tickets_before_insert before insert on tickets for each row execute function app.tickets_before_insert();
create trigger tickets_before_update before update on tickets for each row execute function app.tickets_before_update();
create trigger tickets_after_insert after insert on tickets for each row execute function app.tickets_after_insert();
create trigger tickets_after_update after update on tickets for each row execute function app.tickets_after_update();
create trigger tickets_after_delete after delete on tickets for each row execute function app.tickets_after_delete();

-- Comments --------------------------------------------------------------------------------------

create function app.comments_before_update() returns trigger
  language plpgsql
  as $$
begin
  if new.ticket_id <> old.ticket_id or new.author_id is distinct from old.author_id and new.author_id is not null
     or new.created_at <> old.created_at then
    raise exception 'a comment cannot move to another ticket or author'
      using errcode = 'check_violation', constraint = 'comment_immutable_columns';
  end if;
  if new.body is distinct from old.body then
    new.edited := true;
    new.edit_count := old.edit_count + 1;
  else
    new.edited := old.edited;
    new.edit_count := old.edit_count;
  end if;
  new.updated_at := now();
  return new;
end
$$;

create function app.comments_after_write() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  if tg_op = 'INSERT' then
    perform app.record_history(new.ticket_id, 'comment_added', null, null,
      jsonb_build_object('comment_id', new.id, 'is_internal', new.is_internal), new.is_internal);
    perform app.emit('comment.created', new.ticket_id, new.is_internal,
      jsonb_build_object('comment_id', new.id, 'is_internal', new.is_internal));
  elsif new.deleted_at is not null and old.deleted_at is null then
    perform app.emit('comment.deleted', new.ticket_id, new.is_internal, jsonb_build_object('comment_id', new.id));
  else
    -- Visibility changes are announced to the wider audience of the two.
    perform app.emit('comment.updated', new.ticket_id, new.is_internal and old.is_internal,
      jsonb_build_object('comment_id', new.id, 'is_internal', new.is_internal));
  end if;
  return null;
end
$$;

create trigger comments_before_update before update on comments for each row execute function app.comments_before_update();
create trigger comments_after_write after insert or update on comments for each row execute function app.comments_after_write();

-- Attachments -----------------------------------------------------------------------------------

create function app.attachments_after_insert() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
declare
  v_ticket_id uuid := new.ticket_id;
  v_internal boolean := false;
begin
  if new.comment_id is not null then
    select ticket_id, is_internal into v_ticket_id, v_internal from comments where id = new.comment_id;
  end if;
  perform app.record_history(v_ticket_id, 'attachment_added', null, null,
    jsonb_build_object('attachment_id', new.id, 'file_name', new.file_name, 'comment_id', new.comment_id), v_internal);
  perform app.emit('attachment.created', v_ticket_id, v_internal,
    jsonb_build_object('attachment_id', new.id, 'comment_id', new.comment_id));
  return null;
end
$$;

create trigger attachments_after_insert after insert on attachments for each row execute function app.attachments_after_insert();

-- Escalations -----------------------------------------------------------------------------------

create function app.escalations_before_update() returns trigger
  language plpgsql
  as $$
begin
  if new.ticket_id <> old.ticket_id then
    raise exception 'an escalation cannot move to another ticket'
      using errcode = 'check_violation', constraint = 'escalation_immutable_columns';
  end if;
  if new.status is distinct from old.status then
    if old.status in ('resolved', 'cancelled')
       or (old.status = 'acknowledged' and new.status = 'pending') then
      raise exception 'invalid escalation transition from % to %', old.status, new.status
        using errcode = 'check_violation', constraint = 'escalation_status_transition';
    end if;
    case new.status
      when 'acknowledged' then new.acknowledged_at := now();
      when 'resolved' then new.resolved_at := now();
      when 'cancelled' then new.cancelled_at := now();
      else null;
    end case;
  end if;
  new.updated_at := now();
  return new;
end
$$;

-- A ticket's escalation level follows its open escalations.
create function app.escalations_after_write() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
declare
  v_ticket_id uuid := coalesce(new.ticket_id, old.ticket_id);
  v_level smallint;
begin
  select coalesce(max(escalation_level), 0) into v_level
  from escalations where ticket_id = v_ticket_id and status in ('pending', 'acknowledged');
  update tickets set escalation_level = v_level where id = v_ticket_id and escalation_level <> v_level;
  if tg_op <> 'DELETE' then
    perform app.emit(case tg_op when 'INSERT' then 'escalation.created' else 'escalation.updated' end,
      v_ticket_id, true,
      jsonb_build_object('escalation_id', new.id, 'status', new.status, 'escalation_level', new.escalation_level));
  end if;
  return null;
end
$$;

create trigger escalations_before_update before update on escalations for each row execute function app.escalations_before_update();
create trigger escalations_after_write after insert or update or delete on escalations for each row execute function app.escalations_after_write();

-- Feedback --------------------------------------------------------------------------------------

create function app.ticket_feedback_before_write() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
declare
  v_ticket tickets%rowtype;
begin
  select * into v_ticket from tickets where id = new.ticket_id;
  if v_ticket.requester_id is distinct from new.customer_id then
    raise exception 'only the requester of a ticket can rate it'
      using errcode = 'check_violation', constraint = 'ticket_feedback_by_requester';
  end if;
  if v_ticket.status not in ('resolved', 'closed') then
    raise exception 'a ticket can be rated once it is resolved, not while it is %', v_ticket.status
      using errcode = 'check_violation', constraint = 'ticket_feedback_when_resolved';
  end if;
  if tg_op = 'UPDATE' then
    new.updated_at := now();
  end if;
  return new;
end
$$;

create function app.ticket_feedback_after_write() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  perform app.emit('feedback.' || case tg_op when 'INSERT' then 'created' else 'updated' end, new.ticket_id, false,
    jsonb_build_object('feedback_id', new.id, 'rating', new.rating));
  return null;
end
$$;

create trigger ticket_feedback_before_write before insert or update on ticket_feedback for each row execute function app.ticket_feedback_before_write();
create trigger ticket_feedback_after_write after insert or update on ticket_feedback for each row execute function app.ticket_feedback_after_write();

-- Tags on tickets are field updates to the ticket's history.
create function app.ticket_tags_after_write() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  if tg_op = 'INSERT' then
    perform app.record_history(new.ticket_id, 'field_updated', 'tags', null, to_jsonb(new.tag_id), true);
    perform app.emit('ticket.tagged', new.ticket_id, true, jsonb_build_object('tag_id', new.tag_id));
  else
    perform app.record_history(old.ticket_id, 'field_updated', 'tags', to_jsonb(old.tag_id), null, true);
    perform app.emit('ticket.untagged', old.ticket_id, true, jsonb_build_object('tag_id', old.tag_id));
  end if;
  return null;
end
$$;

create trigger ticket_tags_after_write after insert or delete on ticket_tags for each row execute function app.ticket_tags_after_write();
