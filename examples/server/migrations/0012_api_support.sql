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

-- Tickets: the reason for a workflow change ------------------------------------------------------
-- ticket_history.reason had no way in. The tickets API binds a reason (putting a ticket on hold,
-- reopening it) for the one UPDATE it explains, with set_config('app.change_reason', …, true), and
-- clears it right after; every history entry written meanwhile carries it. Unset, it is NULL.
create or replace function app.record_history(
  p_ticket_id uuid, p_action text, p_field text, p_old jsonb, p_new jsonb, p_is_internal boolean
) returns void
  language sql security definer set search_path = public, app
  as $$
  insert into ticket_history (ticket_id, actor_id, action, field, old_value, new_value, is_internal, reason, ip_address, user_agent)
  values (p_ticket_id, app.user_id(), p_action, p_field, p_old, p_new, p_is_internal,
          nullif(current_setting('app.change_reason', true), ''),
          nullif(current_setting('app.client_ip', true), ''), nullif(current_setting('app.user_agent', true), ''))
$$;

-- Comments and attachments: soft deletes by their authors ----------------------------------------
-- (Added with the comments and attachments API.) Customers see comments and files only while they
-- stand (deleted_at is null). PostgreSQL also checks an UPDATE's new row against the SELECT
-- policies, so a customer could not soft-delete their own reply or file: the deleted row would no
-- longer be theirs to see, and the UPDATE fails. Authors therefore keep seeing what they wrote and
-- deleted themselves (the API shows a deleted comment as a tombstone without its body and never
-- serves a deleted file's bytes); nobody else's view changes.
create policy comments_select_own on comments for select to ticketflow_app
  using (author_id = (select app.user_id()) and not is_internal
         and exists (select 1 from tickets t where t.id = comments.ticket_id));
create policy attachments_select_own on attachments for select to ticketflow_app
  using (uploaded_by = (select app.user_id())
         and (exists (select 1 from tickets t where t.id = attachments.ticket_id)
              or exists (select 1 from comments c where c.id = attachments.comment_id)));

-- First response: the first public reply by staff other than the requester -----------------------
-- (Added with the comments API.) Sets tickets.first_responded_at, the clock the first-response SLA
-- stops on. SECURITY DEFINER: the agent answering may not be the one allowed to update the ticket.
create function app.comments_first_response() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  if not new.is_internal and app.is_staff() then
    update tickets set first_responded_at = new.created_at
     where id = new.ticket_id and first_responded_at is null and requester_id is distinct from new.author_id;
  end if;
  return null;
end
$$;
create trigger comments_first_response after insert on comments
  for each row execute function app.comments_first_response();

-- Chat sessions: the workflow, guarded ----------------------------------------------------------
-- (Added with the chat API.) waiting → active (an agent accepts) → ended, or waiting → ended; an
-- ended session never changes state again. The update policies let a customer change their own
-- session and an agent take a waiting one, but say nothing about which changes: without this guard
-- a customer could name themselves (or any agent) as their session's agent, or reopen an ended
-- chat. started_at and ended_at are the database's to maintain, like resolved_at on tickets.
-- SECURITY DEFINER so the agent lookup sees users whatever the caller's policies show.
create function app.chat_sessions_guard() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
begin
  if tg_op = 'INSERT' then
    if new.status = 'waiting' then
      new.started_at := null;
    end if;
    return new;
  end if;
  if new.customer_id is distinct from old.customer_id or new.created_at is distinct from old.created_at then
    raise exception 'the customer and creation time of a chat session cannot change'
      using errcode = 'check_violation', constraint = 'chat_session_immutable_columns';
  end if;
  if new.status is distinct from old.status
     and not ((old.status = 'waiting' and new.status in ('active', 'ended'))
              or (old.status = 'active' and new.status = 'ended')) then
    raise exception 'invalid chat session transition from % to %', old.status, new.status
      using errcode = 'check_violation', constraint = 'chat_session_status_transition';
  end if;
  if new.agent_id is distinct from old.agent_id then
    if app.role() = 'customer' then
      raise exception 'customers cannot choose the agent of a chat session' using errcode = 'insufficient_privilege';
    end if;
    if old.status = 'ended' then
      raise exception 'the agent of an ended chat session cannot change'
        using errcode = 'check_violation', constraint = 'chat_session_status_transition';
    end if;
    if new.agent_id is not null and not exists (select 1 from users where id = new.agent_id and role <> 'customer') then
      raise exception 'only staff can be the agent of a chat session'
        using errcode = 'check_violation', constraint = 'chat_session_agent_is_staff';
    end if;
  end if;
  new.started_at := case when old.status = 'waiting' and new.status = 'active' then now() else old.started_at end;
  new.ended_at := case when old.status <> 'ended' and new.status = 'ended' then now() else old.ended_at end;
  return new;
end
$$;
create trigger chat_sessions_guard before insert or update on chat_sessions
  for each row execute function app.chat_sessions_guard();

-- Knowledge base: reads and votes are not edits ---------------------------------------------------
-- (Added with the knowledge-base API.) The view counter is bumped on reads and the vote counters by
-- the feedback trigger; neither may move an article's updated_at, which lists sort by and which
-- means "last edited". Otherwise this is 0010's function unchanged.
create or replace function app.kb_articles_before_write() returns trigger
  language plpgsql
  as $$
declare
  -- Columns whose change alone is not an edit (search_vector is generated, version derived here).
  v_not_edits constant text[] := array['view_count', 'helpful_votes', 'unhelpful_votes', 'effectiveness_score',
                                       'updated_at', 'search_vector', 'version'];
begin
  if tg_op = 'INSERT' then
    new.version := 1;
  else
    new.version := old.version
      + case when (new.title, new.summary, new.body) is distinct from (old.title, old.summary, old.body) then 1 else 0 end;
    if (to_jsonb(new) - v_not_edits) is distinct from (to_jsonb(old) - v_not_edits) then
      new.updated_at := now();
    end if;
  end if;
  if new.status = 'published' and (tg_op = 'INSERT' or old.status <> 'published') then
    new.published_at := now();
  elsif new.status = 'archived' and (tg_op = 'INSERT' or old.status <> 'archived') then
    new.archived_at := now();
  end if;
  return new;
end
$$;

-- Counts one read of a published article. Readers (customers above all) may not UPDATE articles, so
-- the count goes through this definer function, which touches nothing but the counter of an article
-- every signed-in user can see anyway. Returns the new count; NULL when the article is not
-- published (or no actor is bound).
create function app.kb_count_view(p_article_id uuid) returns integer
  language sql security definer set search_path = public, app
  as $$
  update kb_articles set view_count = view_count + 1
  where id = p_article_id and status = 'published' and app.user_id() is not null
  returning view_count
$$;
grant execute on function app.kb_count_view(uuid) to ticketflow_app;

-- API key scopes (auth, users and API keys) ----------------------------------------------------
-- A key's scopes name areas of the HTTP API (SCOPES in src/auth/api-keys.ts), which are not the
-- ones 0007 guessed: chat, directory, notifications and events have scopes of their own, and
-- comments and attachments belong to the tickets area.
alter table api_keys drop constraint api_keys_scopes_check;
alter table api_keys add constraint api_keys_scopes_check check (
  scopes <@ array['tickets:read', 'tickets:write', 'kb:read', 'kb:write', 'chat:read', 'chat:write',
                  'directory:read', 'directory:write', 'notifications:read', 'notifications:write',
                  'events:read', 'admin']::text[]
  and array_position(scopes, null) is null);

-- Live events: reading the outbox in commit-safe order ---------------------------------------------
-- (Added with GET /v1/events.) A stream reads events in (tx_id, id) order, only below the oldest
-- transaction still running. Ordering by id alone is not enough: a transaction can take its xid
-- before another one and its event id after it, and commit first; a stream at that later id would
-- then pass over the other's lower id when it commits. Events with tx_id < pg_snapshot_xmin() can
-- no longer change, so (tx_id, id) is a position a stream never has to look behind. This index
-- serves the stream's "after this position" scan.
create index events_position_idx on events (tx_id, id);

-- Full-text search under row-level security --------------------------------------------------------
-- (Added with GET /v1/search.) PostgreSQL evaluates a policy's conditions before any condition of the
-- query that is not LEAKPROOF, and an index condition comes before everything, so under RLS no GIN
-- index was ever used for `@@`: every search by a request scanned all the rows it could see, on
-- tickets, comments and kb_articles alike. Two changes let the indexes serve:
-- 1. ts_match_vq, the function behind `tsvector @@ tsquery`, is declared LEAKPROOF, which it is:
--    it returns a boolean computed from its two arguments and raises no error that depends on the
--    row. Only a superuser may say so; a migrating role that only has BYPASSRLS skips this step
--    with a notice, and search stays correct, only unindexed. The flag lives in pg_catalog, which
--    pg_dump does not carry: restoring a dump into a new cluster needs this statement again.
-- 2. Comments get a stored search_vector like tickets and articles. An expression index cannot
--    help: to_tsvector() is applied to the row in the condition, and it is not leakproof.
do $$
begin
  if (select rolsuper from pg_roles where rolname = current_user) then
    alter function pg_catalog.ts_match_vq(tsvector, tsquery) leakproof;
  else
    raise notice 'not a superuser: full-text search under row-level security will not use its GIN indexes';
  end if;
end
$$;

alter table comments add column search_vector tsvector generated always as (to_tsvector('english', body)) stored;
-- Deleted comments are never searched; the search query repeats this predicate.
create index comments_search_idx on comments using gin (search_vector) where deleted_at is null;

-- Tickets: indexes for the list's sorts ---------------------------------------------------------
-- (Added with GET /v1/tickets.) The list pages by keyset — (sort key, id) after the last row — and
-- offers sorts by last change, priority and SLA resolution deadline besides creation time. Each
-- gets the index its ORDER BY reads in order, so a page is a short index range however deep it is,
-- instead of sorting every visible ticket (backward scans serve the descending variants). The due
-- sort puts tickets without a deadline last, as `infinity`; the query repeats this expression.
create index tickets_updated_keyset_idx on tickets (updated_at, id);
create index tickets_priority_keyset_idx on tickets (priority, created_at, id);
create index tickets_resolution_due_keyset_idx on tickets ((coalesce(resolution_due_at, 'infinity'::timestamptz)), id);

-- ticket.updated: one event per audience. A single event listing every changed field told
-- customers the names of internal fields (team_id, sla_policy_id) whenever a public field changed
-- in the same update. Now public fields go in a public event and internal ones in an internal
-- event, so each caller sees exactly the changes they may see in the history.
create or replace function app.tickets_after_update() returns trigger
  language plpgsql security definer set search_path = public, app
  as $$
declare
  v_old jsonb := to_jsonb(old);
  v_new jsonb := to_jsonb(new);
  v_field text;
  v_public text[] := '{}';
  v_internal_fields text[] := '{}';
  v_internal boolean;
  v_action text;
begin
  for v_field in
    select key from jsonb_object_keys(v_new) as key
    where key not in ('version', 'updated_at', 'last_updated_by', 'search_vector', 'resolved_at', 'closed_at', 'reopen_count')
      and v_new -> key is distinct from v_old -> key
    order by key
  loop
    v_internal := v_field = any (app.ticket_internal_fields());
    if v_internal then v_internal_fields := v_internal_fields || v_field; else v_public := v_public || v_field; end if;
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

  if cardinality(v_public) > 0 then
    perform app.emit('ticket.updated', new.id, false,
      jsonb_build_object('ticket_number', new.ticket_number, 'changes', to_jsonb(v_public),
                         'status', new.status, 'version', new.version));
  end if;
  if cardinality(v_internal_fields) > 0 then
    perform app.emit('ticket.updated', new.id, true,
      jsonb_build_object('ticket_number', new.ticket_number, 'changes', to_jsonb(v_internal_fields),
                         'status', new.status, 'version', new.version));
  end if;
  return null;
end
$$;
