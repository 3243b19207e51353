-- Usage summed by day, kept as events are recorded, so that a recharge run sums a few thousand
-- rows a month rather than every event.
--
-- One row per host, organisation, offering, day (occurred_on and the day priced), and recording
-- statement (recorded_at, the statement's timestamp): a run counts only events recorded before its
-- cut-off, and the totals keep exactly that distinction. An import of a million rows is one
-- statement, so it adds one row per organisation, offering and day. Events are never changed or
-- removed (reversals are new events), so the totals only ever grow, in the same transaction as the
-- events they sum.

create table usage_day_totals (
  host_org_id uuid not null,
  -- The organisation charged.
  org_id uuid not null,
  offering_id uuid not null,
  occurred_on date not null,
  priced_on date not null,
  recorded_at timestamptz not null,
  -- Thousandths of the offering's unit, reversals netted; and how many events that is.
  quantity bigint not null,
  events bigint not null,
  primary key (host_org_id, occurred_on, org_id, offering_id, priced_on, recorded_at)
);

insert into usage_day_totals (host_org_id, org_id, offering_id, occurred_on, priced_on, recorded_at, quantity, events)
select host_org_id, org_id, offering_id, occurred_on, priced_on, recorded_at, sum(quantity), count(*)
  from usage_events
 group by host_org_id, org_id, offering_id, occurred_on, priced_on, recorded_at;

-- Adds each recording statement's events to the totals, once per statement, as the tables' owner
-- (the application role may only read the totals). A fixed search path; it reads only the rows the
-- statement inserted.
create function usage_day_totals_keep() returns trigger
  language plpgsql security definer set search_path = public as $$
begin
  insert into usage_day_totals (host_org_id, org_id, offering_id, occurred_on, priced_on, recorded_at,
                                quantity, events)
  select host_org_id, org_id, offering_id, occurred_on, priced_on, recorded_at, sum(quantity), count(*)
    from recorded
   group by host_org_id, org_id, offering_id, occurred_on, priced_on, recorded_at
  on conflict (host_org_id, occurred_on, org_id, offering_id, priced_on, recorded_at)
  do update set quantity = usage_day_totals.quantity + excluded.quantity,
                events = usage_day_totals.events + excluded.events;
  return null;
end
$$;
create trigger usage_events_day_totals after insert on usage_events
  referencing new table as recorded
  for each statement execute function usage_day_totals_keep();

-- Never changed but by that function.
create trigger usage_day_totals_append_only before delete or truncate on usage_day_totals
  for each statement execute function usage_append_only();

-- Read as the events are: the host's people and the organisation charged.
alter table usage_day_totals enable row level security;
alter table usage_day_totals force row level security;
create policy usage_day_totals_read on usage_day_totals for select using (
  host_org_id = any ((select app_scope_org_ids())::uuid[]) or org_id = any ((select app_scope_org_ids())::uuid[]));
grant select on usage_day_totals to tandem_app;
