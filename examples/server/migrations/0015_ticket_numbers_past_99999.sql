-- Ticket numbers past 99 999 in a year: `lpad(n, 5)` cut the 100 000th number to "10000", a
-- duplicate of the 10 000th, and the insert failed. Numbers are padded to at least five digits and
-- never cut (the check on tickets.ticket_number always allowed more).
create or replace function app.tickets_before_insert() returns trigger
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
  new.ticket_number := format('%s-%s-%s', v_prefix, v_year, lpad(v_seq::text, greatest(5, length(v_seq::text)), '0'));
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
