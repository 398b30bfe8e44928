-- Query plans at a million tickets under row-level security (issue 7). Nothing here changes who
-- sees what: the policies below admit exactly the rows they admitted before.

-- Tickets: policies the planner can estimate ----------------------------------------------------
-- The planner cannot know the actor's role when it plans, and it estimated `(select app.role()) =
-- 'admin'` as it estimates any equality with an unknown value: 0.5 % of rows. The three policies
-- together therefore looked as if they let through about 1 % of tickets, for every caller, while an
-- admin sees all of them and an agent a quarter. With so few rows expected, reading an index in
-- ORDER BY order and stopping at the LIMIT looked a hundred times dearer than it is, and the planner
-- preferred to gather every match and sort: at a million tickets, an agent's search for
-- "kubernetes cluster" fetched all 91,000 matches through a bitmap grown lossy (2 s) where reading
-- the created_at index newest first finds the page within 500 rows (5 ms).
-- Comparing inside the subquery makes the role test a boolean computed once per statement, as
-- before, which the planner counts as half the rows; the estimate becomes "about half the table",
-- close to what staff see. Customers' queries carry their own `requester_id = me` filter (the
-- ticket list, the statistics), so they do not depend on this estimate.
alter policy tickets_select_customer on tickets
  using ((select app.role() = 'customer') and requester_id = (select app.user_id()));
alter policy tickets_select_staff on tickets
  using ((select app.role() in ('agent', 'manager')) and (
    assignee_id = (select app.user_id())
    or created_by = (select app.user_id())
    or department_id = (select app.department_id())
    or team_id = any ((select app.team_ids())::uuid[])
    or (assignee_id is null and status in ('new', 'open'))));
alter policy tickets_select_admin on tickets
  using ((select app.role() = 'admin'));

-- The agent queue ------------------------------------------------------------------------------
-- The list sorts by (priority, created_at, id); with the id in the index a page of the queue is
-- the first rows of the index, with no sort of any kind on top.
drop index tickets_queue_idx;
create index tickets_queue_idx on tickets (priority, created_at, id) where assignee_id is null and status in ('new', 'open');

-- The SLA list ---------------------------------------------------------------------------------
-- GET /v1/sla/tickets orders open tickets under a policy by their next due time (the expression
-- below is SORT_KEY in src/api/sla/sla-state-list.ts, verbatim, so this index serves it). Read in
-- that order, breached tickets come first and a page is a short index range, instead of every open
-- ticket fetched and sorted on each request.
create index tickets_sla_next_due_idx on tickets (
  (coalesce(least(case when first_responded_at is null then first_response_due_at end,
                  case when status <> 'pending' then resolution_due_at end), 'infinity'::timestamptz)),
  id)
  where status not in ('resolved', 'closed') and sla_policy_id is not null;
