-- Triggers outside tickets: user guards and role audit, knowledge-base versions and votes,
-- notification and chat events, and the audit writer.

-- The one way rows get into audit_logs: the request's role has no INSERT on it.
create function app.audit(
  p_event_type audit_event_type, p_event_status audit_event_status, p_user_id uuid,
  p_message text default null, p_metadata jsonb default '{}'
) returns uuid
  language sql security definer set search_path = public, app
  as $$
  insert into audit_logs (user_id, actor_id, event_type, event_status, message, ip_address, user_agent, metadata)
  values (p_user_id, app.user_id(), p_event_type, p_event_status, p_message,
          nullif(current_setting('app.client_ip', true), ''), nullif(current_setting('app.user_agent', true), ''),
          coalesce(p_metadata, '{}'))
  returning id
$$;

-- Only admins change who a user is to the system; everyone may edit their own profile.
create function app.users_before_update() returns trigger
  language plpgsql
  as $$
declare
  v_profile text[] := array['first_name', 'last_name', 'username', 'phone_number', 'avatar_url', 'preferences', 'updated_at'];
begin
  if app.role() is not null and app.role() <> 'admin'
     and (to_jsonb(new) - v_profile) is distinct from (to_jsonb(old) - v_profile) then
    raise exception 'only an admin can change a user''s email, role, department, status or credentials'
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;

create function app.users_after_update() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  if new.role is distinct from old.role then
    perform app.audit('role_changed', 'success', new.id, format('role changed from %s to %s', old.role, new.role),
      jsonb_build_object('old_role', old.role, 'new_role', new.role));
  end if;
  return null;
end
$$;

create trigger users_before_update before update on users for each row execute function app.users_before_update();
create trigger users_after_update after update on users for each row execute function app.users_after_update();

-- Knowledge base --------------------------------------------------------------------------------

create function app.kb_categories_no_cycle() returns trigger
  language plpgsql
  as $$
begin
  if new.parent_id is not null and exists (
    with recursive ancestors(id, parent_id) as (
      select id, parent_id from kb_categories where id = new.parent_id
      union
      select c.id, c.parent_id from kb_categories c join ancestors a on c.id = a.parent_id
    )
    select 1 from ancestors where id = new.id
  ) then
    raise exception 'a knowledge-base category cannot be its own ancestor'
      using errcode = 'check_violation', constraint = 'kb_categories_no_cycle';
  end if;
  return new;
end
$$;

create trigger kb_categories_no_cycle before insert or update of parent_id on kb_categories
  for each row execute function app.kb_categories_no_cycle();

create function app.kb_articles_before_write() returns trigger
  language plpgsql
  as $$
begin
  if tg_op = 'INSERT' then
    new.version := 1;
  else
    new.version := old.version
      + case when (new.title, new.summary, new.body) is distinct from (old.title, old.summary, old.body) then 1 else 0 end;
    new.updated_at := now();
  end if;
  if new.status = 'published' and (tg_op = 'INSERT' or old.status <> 'published') then
    new.published_at := now();
  elsif new.status = 'archived' and (tg_op = 'INSERT' or old.status <> 'archived') then
    new.archived_at := now();
  end if;
  return new;
end
$$;

-- Every content change is kept as a version.
create function app.kb_articles_after_write() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  if tg_op = 'INSERT' or new.version <> old.version then
    insert into kb_article_versions (article_id, version, title, summary, body, changed_by)
    values (new.id, new.version, new.title, new.summary, new.body, app.user_id());
  end if;
  if tg_op = 'INSERT' or new.status <> old.status or new.version <> old.version then
    perform app.emit('kb_article.' || case when tg_op = 'INSERT' then 'created' else 'updated' end, null,
      new.status <> 'published', jsonb_build_object('article_id', new.id, 'status', new.status, 'version', new.version));
  end if;
  return null;
end
$$;

create trigger kb_articles_before_write before insert or update on kb_articles for each row execute function app.kb_articles_before_write();
create trigger kb_articles_after_write after insert or update on kb_articles for each row execute function app.kb_articles_after_write();

create function app.kb_article_feedback_after_write() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
declare
  v_article_id uuid := coalesce(new.article_id, old.article_id);
begin
  update kb_articles a set
    helpful_votes = v.helpful,
    unhelpful_votes = v.unhelpful
  from (
    select count(*) filter (where helpful) as helpful, count(*) filter (where not helpful) as unhelpful
    from kb_article_feedback where article_id = v_article_id
  ) v
  where a.id = v_article_id;
  return null;
end
$$;

create trigger kb_article_feedback_after_write after insert or update or delete on kb_article_feedback
  for each row execute function app.kb_article_feedback_after_write();

-- Notifications and chat ------------------------------------------------------------------------

create function app.notifications_after_insert() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  perform app.emit('notification.created', null, false,
    jsonb_build_object('notification_id', new.id, 'type', new.type, 'ticket_id', new.ticket_id), new.user_id);
  return null;
end
$$;

create trigger notifications_after_insert after insert on notifications for each row execute function app.notifications_after_insert();

create function app.chat_after_write() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  if tg_table_name = 'chat_messages' then
    perform app.emit('chat.message_created', null, false,
      jsonb_build_object('message_id', new.id, 'sender_id', new.sender_id), null, new.session_id);
  else
    perform app.emit('chat.session_' || case when tg_op = 'INSERT' then 'created' else 'updated' end, null, false,
      jsonb_build_object('status', new.status, 'agent_id', new.agent_id), null, new.id);
  end if;
  return null;
end
$$;

create trigger chat_sessions_after_write after insert or update on chat_sessions for each row execute function app.chat_after_write();
create trigger chat_messages_after_insert after insert on chat_messages for each row execute function app.chat_after_write();
