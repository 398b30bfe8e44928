-- Row-level security: the security boundary. Requests run as ticketflow_app with an actor bound by
-- app.bind_actor(); these policies decide every row that actor may read or write.
--
-- Conventions, from the RLS performance rules: helpers are STABLE and called as (select app.x()) so
-- they run once per statement as an init plan, not once per row; every column a policy filters on
-- is indexed (see the migrations that create the tables); policies name the actor role they serve.
-- Child rows (comments, attachments, history, …) are visible when their ticket is: the EXISTS
-- subqueries below run under the tickets policies themselves.

-- Lookups policies need about the actor. SECURITY DEFINER so they read users and teams without
-- recursing into those tables' own policies; the migrating role bypasses RLS (see migrate.ts).
create function app.department_id() returns uuid
  language sql stable security definer set search_path = public, app
  as $$ select department_id from users where id = app.user_id() $$;

create function app.team_ids() returns uuid[]
  language sql stable security definer set search_path = public, app
  as $$
  select coalesce(array_agg(team_id), '{}') from (
    select team_id from team_members where user_id = app.user_id()
    union
    select id from teams where lead_id = app.user_id()
  ) t
$$;

-- Binds the actor for the current transaction only (set_config(…, true)): nothing survives COMMIT
-- or ROLLBACK, so a pooled connection carries no actor into the next request. The role comes from
-- the users table, not from the caller, and inactive or locked accounts cannot act.
create function app.bind_actor(p_user_id uuid) returns user_role
  language plpgsql security definer set search_path = public, app
  as $$
declare
  v_role user_role;
begin
  select role into v_role from users
  where id = p_user_id and is_active and (locked_until is null or locked_until <= now());
  if v_role is null then
    raise exception 'no active user % to act as', p_user_id using errcode = 'invalid_authorization_specification';
  end if;
  perform set_config('app.user_id', p_user_id::text, true);
  perform set_config('app.role', v_role::text, true);
  return v_role;
end
$$;

-- Tickets ---------------------------------------------------------------------------------------

create policy tickets_select_customer on tickets for select to ticketflow_app
  using ((select app.role()) = 'customer' and requester_id = (select app.user_id()));
create policy tickets_select_staff on tickets for select to ticketflow_app
  using ((select app.role()) in ('agent', 'manager') and (
    assignee_id = (select app.user_id())
    or created_by = (select app.user_id())
    or department_id = (select app.department_id())
    or team_id = any ((select app.team_ids())::uuid[])
    or (assignee_id is null and status in ('new', 'open'))));
create policy tickets_select_admin on tickets for select to ticketflow_app
  using ((select app.role()) = 'admin');

create policy tickets_insert_customer on tickets for insert to ticketflow_app
  with check ((select app.role()) = 'customer' and requester_id = (select app.user_id())
              and created_by = (select app.user_id()) and assignee_id is null and team_id is null);
create policy tickets_insert_staff on tickets for insert to ticketflow_app
  with check ((select app.role()) in ('agent', 'manager') and created_by = (select app.user_id()));
create policy tickets_insert_admin on tickets for insert to ticketflow_app
  with check ((select app.role()) = 'admin');

-- Customers: their own tickets (the trigger limits which columns). Agents: what is assigned to
-- them, and picking up unassigned new/open work, which they must take for themselves; handing a
-- ticket to someone else is a manager's call. Managers: their department and teams.
create policy tickets_update_customer on tickets for update to ticketflow_app
  using ((select app.role()) = 'customer' and requester_id = (select app.user_id()))
  with check ((select app.role()) = 'customer' and requester_id = (select app.user_id()));
create policy tickets_update_agent on tickets for update to ticketflow_app
  using ((select app.role()) = 'agent' and (
    assignee_id = (select app.user_id()) or (assignee_id is null and status in ('new', 'open'))))
  with check ((select app.role()) = 'agent' and assignee_id = (select app.user_id()));
create policy tickets_update_manager on tickets for update to ticketflow_app
  using ((select app.role()) = 'manager' and (
    department_id = (select app.department_id())
    or team_id = any ((select app.team_ids())::uuid[])
    or (assignee_id is null and status in ('new', 'open'))))
  with check ((select app.role()) = 'manager' and (
    department_id = (select app.department_id()) or team_id = any ((select app.team_ids())::uuid[])));
create policy tickets_update_admin on tickets for update to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');

create policy tickets_delete_admin on tickets for delete to ticketflow_app
  using ((select app.role()) = 'admin');

-- Comments --------------------------------------------------------------------------------------

create policy comments_select on comments for select to ticketflow_app
  using (exists (select 1 from tickets t where t.id = comments.ticket_id)
         and ((select app.is_staff()) or (not is_internal and deleted_at is null)));
create policy comments_insert on comments for insert to ticketflow_app
  with check (author_id = (select app.user_id())
              and ((select app.is_staff()) or not is_internal)
              and exists (select 1 from tickets t where t.id = comments.ticket_id));
create policy comments_update_author on comments for update to ticketflow_app
  using (author_id = (select app.user_id()))
  with check (author_id = (select app.user_id()) and ((select app.is_staff()) or not is_internal));
create policy comments_update_admin on comments for update to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');
create policy comments_delete_admin on comments for delete to ticketflow_app
  using ((select app.role()) = 'admin');

-- Attachments: visible with their parent (a customer never sees an internal comment's files).
create policy attachments_select on attachments for select to ticketflow_app
  using ((exists (select 1 from tickets t where t.id = attachments.ticket_id)
          or exists (select 1 from comments c where c.id = attachments.comment_id))
         and ((select app.is_staff()) or deleted_at is null));
create policy attachments_insert on attachments for insert to ticketflow_app
  with check (uploaded_by = (select app.user_id())
              and (exists (select 1 from tickets t where t.id = attachments.ticket_id)
                   or exists (select 1 from comments c where c.id = attachments.comment_id
                              and (c.author_id = (select app.user_id()) or (select app.is_staff())))));
create policy attachments_update on attachments for update to ticketflow_app
  using (uploaded_by = (select app.user_id()) or (select app.role()) = 'admin')
  with check (uploaded_by = (select app.user_id()) or (select app.role()) = 'admin');
create policy attachments_delete_admin on attachments for delete to ticketflow_app
  using ((select app.role()) = 'admin');

-- History: readable with the ticket, internal entries for staff only; written by triggers only.
create policy ticket_history_select on ticket_history for select to ticketflow_app
  using ((select app.role()) = 'admin'
         or (exists (select 1 from tickets t where t.id = ticket_history.ticket_id)
             and ((select app.is_staff()) or not is_internal)));

create policy ticket_tags_select on ticket_tags for select to ticketflow_app
  using ((select app.is_staff()) and exists (select 1 from tickets t where t.id = ticket_tags.ticket_id));
create policy ticket_tags_insert on ticket_tags for insert to ticketflow_app
  with check ((select app.is_staff()) and added_by = (select app.user_id())
              and exists (select 1 from tickets t where t.id = ticket_tags.ticket_id));
create policy ticket_tags_delete on ticket_tags for delete to ticketflow_app
  using ((select app.is_staff()) and exists (select 1 from tickets t where t.id = ticket_tags.ticket_id));

create policy ticket_feedback_select on ticket_feedback for select to ticketflow_app
  using (customer_id = (select app.user_id())
         or ((select app.is_staff()) and exists (select 1 from tickets t where t.id = ticket_feedback.ticket_id)));
create policy ticket_feedback_insert on ticket_feedback for insert to ticketflow_app
  with check (customer_id = (select app.user_id()));
create policy ticket_feedback_update on ticket_feedback for update to ticketflow_app
  using (customer_id = (select app.user_id())) with check (customer_id = (select app.user_id()));
create policy ticket_feedback_delete_admin on ticket_feedback for delete to ticketflow_app
  using ((select app.role()) = 'admin');

-- Escalations are staff business. Agents acknowledge what is escalated to them; managers handle
-- escalations on tickets in their scope.
create policy escalations_select on escalations for select to ticketflow_app
  using ((select app.is_staff()) and exists (select 1 from tickets t where t.id = escalations.ticket_id));
create policy escalations_insert on escalations for insert to ticketflow_app
  with check ((select app.is_staff()) and from_user_id = (select app.user_id())
              and exists (select 1 from tickets t where t.id = escalations.ticket_id));
create policy escalations_update_agent on escalations for update to ticketflow_app
  using ((select app.role()) = 'agent' and to_user_id = (select app.user_id()))
  with check ((select app.role()) = 'agent' and to_user_id = (select app.user_id()));
create policy escalations_update_manager on escalations for update to ticketflow_app
  using ((select app.role()) in ('manager', 'admin') and exists (select 1 from tickets t where t.id = escalations.ticket_id))
  with check ((select app.role()) in ('manager', 'admin'));
create policy escalations_delete_admin on escalations for delete to ticketflow_app
  using ((select app.role()) = 'admin');

-- People and organisation -----------------------------------------------------------------------

-- Staff see everyone; customers see themselves and the staff who work their tickets, never other
-- customers. Credentials columns are not granted at all (see the end of this file).
create policy users_select on users for select to ticketflow_app
  using (id = (select app.user_id()) or (select app.is_staff())
         or ((select app.role()) = 'customer' and role <> 'customer'));
create policy users_insert_admin on users for insert to ticketflow_app
  with check ((select app.role()) = 'admin');
create policy users_update_self on users for update to ticketflow_app
  using (id = (select app.user_id())) with check (id = (select app.user_id()));
create policy users_update_admin on users for update to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');
create policy users_delete_admin on users for delete to ticketflow_app
  using ((select app.role()) = 'admin');

create policy departments_select on departments for select to ticketflow_app
  using ((select app.user_id()) is not null);
create policy departments_write_admin on departments for all to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');

create policy teams_select on teams for select to ticketflow_app
  using ((select app.user_id()) is not null);
create policy teams_insert_admin on teams for insert to ticketflow_app
  with check ((select app.role()) = 'admin');
create policy teams_update on teams for update to ticketflow_app
  using ((select app.role()) = 'admin'
         or ((select app.role()) = 'manager' and department_id = (select app.department_id())))
  with check ((select app.role()) = 'admin'
              or ((select app.role()) = 'manager' and department_id = (select app.department_id())));
create policy teams_delete_admin on teams for delete to ticketflow_app
  using ((select app.role()) = 'admin');

create policy team_members_select on team_members for select to ticketflow_app
  using ((select app.is_staff()));
create policy team_members_write on team_members for all to ticketflow_app
  using ((select app.role()) = 'admin'
         or ((select app.role()) = 'manager' and exists (
           select 1 from teams t where t.id = team_members.team_id and t.department_id = (select app.department_id()))))
  with check ((select app.role()) = 'admin'
              or ((select app.role()) = 'manager' and exists (
                select 1 from teams t where t.id = team_members.team_id and t.department_id = (select app.department_id()))));

create policy company_settings_select on company_settings for select to ticketflow_app
  using ((select app.user_id()) is not null);
create policy company_settings_update_admin on company_settings for update to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');

create policy categories_select on categories for select to ticketflow_app
  using ((select app.user_id()) is not null);
create policy categories_write on categories for all to ticketflow_app
  using ((select app.role()) in ('manager', 'admin')) with check ((select app.role()) in ('manager', 'admin'));

create policy tags_select on tags for select to ticketflow_app
  using ((select app.user_id()) is not null);
create policy tags_insert on tags for insert to ticketflow_app
  with check ((select app.is_staff()) and created_by = (select app.user_id()));
create policy tags_update on tags for update to ticketflow_app
  using ((select app.role()) in ('manager', 'admin')) with check ((select app.role()) in ('manager', 'admin'));
create policy tags_delete on tags for delete to ticketflow_app
  using ((select app.role()) in ('manager', 'admin'));

create policy sla_policies_select on sla_policies for select to ticketflow_app
  using ((select app.is_staff()));
create policy sla_policies_write_admin on sla_policies for all to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');

-- Notifications: your own. The engine writes them as the owner.
create policy notifications_select on notifications for select to ticketflow_app
  using (user_id = (select app.user_id()) or (select app.role()) = 'admin');
create policy notifications_insert_admin on notifications for insert to ticketflow_app
  with check ((select app.role()) = 'admin');
create policy notifications_update on notifications for update to ticketflow_app
  using (user_id = (select app.user_id()) or (select app.role()) = 'admin')
  with check (user_id = (select app.user_id()) or (select app.role()) = 'admin');
create policy notifications_delete on notifications for delete to ticketflow_app
  using (user_id = (select app.user_id()) or (select app.role()) = 'admin');

-- Knowledge base --------------------------------------------------------------------------------

create policy kb_categories_select on kb_categories for select to ticketflow_app
  using ((select app.user_id()) is not null);
create policy kb_categories_write on kb_categories for all to ticketflow_app
  using ((select app.role()) in ('manager', 'admin')) with check ((select app.role()) in ('manager', 'admin'));

create policy kb_articles_select on kb_articles for select to ticketflow_app
  using (status = 'published' or (select app.is_staff()));
create policy kb_articles_insert on kb_articles for insert to ticketflow_app
  with check ((select app.is_staff()) and author_id = (select app.user_id()));
create policy kb_articles_update_agent on kb_articles for update to ticketflow_app
  using ((select app.role()) = 'agent' and author_id = (select app.user_id()))
  with check ((select app.role()) = 'agent' and author_id = (select app.user_id()));
create policy kb_articles_update_manager on kb_articles for update to ticketflow_app
  using ((select app.role()) in ('manager', 'admin')) with check ((select app.role()) in ('manager', 'admin'));
create policy kb_articles_delete on kb_articles for delete to ticketflow_app
  using ((select app.role()) in ('manager', 'admin'));

create policy kb_article_versions_select on kb_article_versions for select to ticketflow_app
  using ((select app.is_staff()));

create policy kb_article_feedback_select on kb_article_feedback for select to ticketflow_app
  using (user_id = (select app.user_id()) or (select app.is_staff()));
create policy kb_article_feedback_insert on kb_article_feedback for insert to ticketflow_app
  with check (user_id = (select app.user_id())
              and exists (select 1 from kb_articles a where a.id = kb_article_feedback.article_id));
create policy kb_article_feedback_update on kb_article_feedback for update to ticketflow_app
  using (user_id = (select app.user_id())) with check (user_id = (select app.user_id()));
create policy kb_article_feedback_delete on kb_article_feedback for delete to ticketflow_app
  using (user_id = (select app.user_id()) or (select app.role()) = 'admin');

-- Chat ------------------------------------------------------------------------------------------

create policy chat_sessions_select on chat_sessions for select to ticketflow_app
  using (customer_id = (select app.user_id())
         or ((select app.role()) = 'agent' and (agent_id = (select app.user_id()) or status = 'waiting'))
         or (select app.role()) in ('manager', 'admin'));
create policy chat_sessions_insert on chat_sessions for insert to ticketflow_app
  with check ((select app.role()) = 'customer' and customer_id = (select app.user_id())
              and status = 'waiting' and agent_id is null);
create policy chat_sessions_update_customer on chat_sessions for update to ticketflow_app
  using ((select app.role()) = 'customer' and customer_id = (select app.user_id()))
  with check ((select app.role()) = 'customer' and customer_id = (select app.user_id()));
create policy chat_sessions_update_agent on chat_sessions for update to ticketflow_app
  using ((select app.role()) = 'agent' and (agent_id = (select app.user_id()) or (status = 'waiting' and agent_id is null)))
  with check ((select app.role()) = 'agent' and agent_id = (select app.user_id()));
create policy chat_sessions_update_manager on chat_sessions for update to ticketflow_app
  using ((select app.role()) in ('manager', 'admin')) with check ((select app.role()) in ('manager', 'admin'));
create policy chat_sessions_delete_admin on chat_sessions for delete to ticketflow_app
  using ((select app.role()) = 'admin');

create policy chat_messages_select on chat_messages for select to ticketflow_app
  using (exists (select 1 from chat_sessions s where s.id = chat_messages.session_id));
create policy chat_messages_insert on chat_messages for insert to ticketflow_app
  with check (sender_id = (select app.user_id())
              and exists (select 1 from chat_sessions s where s.id = chat_messages.session_id and s.status <> 'ended'
                          and (s.customer_id = (select app.user_id()) or s.agent_id = (select app.user_id())
                               or (select app.role()) in ('manager', 'admin'))));
create policy chat_messages_delete_admin on chat_messages for delete to ticketflow_app
  using ((select app.role()) = 'admin');

-- Access ----------------------------------------------------------------------------------------
-- refresh_tokens and password_resets have no policies: only the auth functions, as the owner,
-- touch them.

create policy user_sessions_select on user_sessions for select to ticketflow_app
  using (user_id = (select app.user_id()) or (select app.role()) = 'admin');
create policy user_sessions_update on user_sessions for update to ticketflow_app
  using (user_id = (select app.user_id()) or (select app.role()) = 'admin')
  with check (user_id = (select app.user_id()) or (select app.role()) = 'admin');

create policy user_invitations_admin on user_invitations for all to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');
create policy user_invitations_select_manager on user_invitations for select to ticketflow_app
  using ((select app.role()) = 'manager'
         and (invited_by = (select app.user_id()) or department_id = (select app.department_id())));
create policy user_invitations_insert_manager on user_invitations for insert to ticketflow_app
  with check ((select app.role()) = 'manager' and invited_by = (select app.user_id())
              and department_id = (select app.department_id()) and role in ('customer', 'agent'));
create policy user_invitations_update_manager on user_invitations for update to ticketflow_app
  using ((select app.role()) = 'manager' and invited_by = (select app.user_id()))
  with check ((select app.role()) = 'manager' and invited_by = (select app.user_id()) and role in ('customer', 'agent'));

-- API keys act as a user. Admins manage all; agents and managers their own.
create policy api_keys_admin on api_keys for all to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');
create policy api_keys_select_own on api_keys for select to ticketflow_app
  using ((select app.role()) in ('agent', 'manager')
         and (user_id = (select app.user_id()) or created_by = (select app.user_id())));
create policy api_keys_insert_own on api_keys for insert to ticketflow_app
  with check ((select app.role()) in ('agent', 'manager')
              and user_id = (select app.user_id()) and created_by = (select app.user_id()));
create policy api_keys_update_own on api_keys for update to ticketflow_app
  using ((select app.role()) in ('agent', 'manager') and created_by = (select app.user_id()))
  with check ((select app.role()) in ('agent', 'manager') and created_by = (select app.user_id()));

create policy audit_logs_select on audit_logs for select to ticketflow_app
  using ((select app.role()) = 'admin' or user_id = (select app.user_id()));

-- Assist ----------------------------------------------------------------------------------------

create policy ticket_auto_responses_select on ticket_auto_responses for select to ticketflow_app
  using (exists (select 1 from tickets t where t.id = ticket_auto_responses.ticket_id));
create policy ticket_auto_responses_update on ticket_auto_responses for update to ticketflow_app
  using ((select app.role()) = 'admin'
         or exists (select 1 from tickets t where t.id = ticket_auto_responses.ticket_id
                    and t.requester_id = (select app.user_id())))
  with check ((select app.role()) = 'admin'
              or exists (select 1 from tickets t where t.id = ticket_auto_responses.ticket_id
                         and t.requester_id = (select app.user_id())));
create policy ticket_auto_responses_admin on ticket_auto_responses for all to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');

create policy ticket_complexity_scores_select on ticket_complexity_scores for select to ticketflow_app
  using ((select app.is_staff()) and exists (select 1 from tickets t where t.id = ticket_complexity_scores.ticket_id));
create policy ticket_complexity_scores_admin on ticket_complexity_scores for all to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');

create policy assist_metrics_select on assist_metrics for select to ticketflow_app
  using ((select app.role()) in ('manager', 'admin'));
create policy assist_metrics_admin on assist_metrics for all to ticketflow_app
  using ((select app.role()) = 'admin') with check ((select app.role()) = 'admin');

-- Outbox and idempotency ------------------------------------------------------------------------

-- An event is visible exactly when the row it describes is.
create policy events_select on events for select to ticketflow_app
  using ((select app.role()) = 'admin'
         or (ticket_id is not null
             and exists (select 1 from tickets t where t.id = events.ticket_id)
             and ((select app.is_staff()) or not is_internal))
         or (chat_session_id is not null and exists (select 1 from chat_sessions s where s.id = events.chat_session_id))
         or user_id = (select app.user_id())
         or (ticket_id is null and chat_session_id is null and user_id is null
             and (select app.user_id()) is not null and ((select app.is_staff()) or not is_internal)));

create policy idempotency_keys_own on idempotency_keys for all to ticketflow_app
  using (user_id = (select app.user_id())) with check (user_id = (select app.user_id()));

-- Privileges ------------------------------------------------------------------------------------
-- Table privileges say which statements the request role may run at all; policies say on which
-- rows. Tables written only by triggers or by the owner get no write privilege, so a write is a
-- clear permission error rather than a silent no-op.

grant usage on schema public, app to ticketflow_app;
grant execute on all functions in schema app to ticketflow_app;
grant usage on all sequences in schema public to ticketflow_app;
grant select, insert, update, delete on all tables in schema public to ticketflow_app;

revoke all on ticket_counters, refresh_tokens, password_resets from ticketflow_app;
revoke insert, update, delete on ticket_history, audit_logs, events, kb_article_versions from ticketflow_app;
revoke insert, delete on company_settings, user_sessions from ticketflow_app;
revoke update on chat_messages, ticket_tags from ticketflow_app;
revoke delete on idempotency_keys from ticketflow_app;

-- Secrets stay unreadable even on rows a policy shows: grant SELECT column by column, leaving
-- out credential columns.
do $$
declare
  v_hidden constant jsonb := '{
    "users": ["password_hash", "mfa_secret"],
    "api_keys": ["key_hash"],
    "user_invitations": ["token_hash"],
    "user_sessions": ["session_token_hash"]
  }';
  v_table text;
  v_columns text;
begin
  for v_table in select jsonb_object_keys(v_hidden) loop
    select string_agg(quote_ident(column_name), ', ' order by ordinal_position) into v_columns
    from information_schema.columns
    where table_schema = 'public' and table_name = v_table
      and column_name not in (select jsonb_array_elements_text(v_hidden -> v_table));
    execute format('revoke select on %I from ticketflow_app', v_table);
    execute format('grant select (%s) on %I to ticketflow_app', v_columns, v_table);
  end loop;
end
$$;

-- Every table: RLS on, and forced, so not even the owner's queries skip it by accident.
do $$
declare
  v_table text;
begin
  for v_table in select tablename from pg_tables where schemaname = 'public' loop
    execute format('alter table %I enable row level security, force row level security', v_table);
  end loop;
end
$$;
