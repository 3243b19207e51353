-- Metering and recharging: usage events, charging arrangements, cost pools and driver values,
-- recharge runs with their statements and lines, statement numbers, journal codes, and the
-- `controlling` flag for the Teckal test.
--
-- Who sees what (row level security; the application checks roles first):
--   * The host's people see every row of the organisations it serves (host_org_id in scope); the
--     application lets only finance officers (and service managers, for their lines) act on them.
--   * A partner sees its own usage, its own arrangements and driver values, and its own statements
--     once issued, with their lines: never a draft, a run, a pool, or another partner's values.
-- Every key and foreign key carries the organisation, so tenants can later be distributed by it.

-- Whether an organisation controls the host company (Teckal: Public Contracts Regulations 2015,
-- reg. 12). Work for organisations that do not is "work for others", which must stay under 20%.
alter table organisations add column controlling boolean not null default false;

-- The organisations in scope, as app_org_ids() reads them, but marked parallel safe: the policies of
-- the large tables below call it, and a function that is not parallel safe anywhere in a query keeps
-- PostgreSQL from scanning with parallel workers at all. It reads only a setting, which workers
-- receive from the leader. Policies call it as `(select app_scope_org_ids())`, an InitPlan
-- evaluated once per query rather than once per row (which, measured on five million usage events,
-- made the difference between 4 and 27 seconds).
create function app_scope_org_ids() returns uuid[]
  language sql stable parallel safe as $$
  select coalesce(string_to_array(nullif(current_setting('app.org_ids', true), ''), ',')::uuid[], '{}')
$$;

-- The hosts in scope where the caller is a finance officer or an executive: they read the
-- organisations served and every partner's own prices, which the catalogue's policies show only to
-- service managers. Those roles are held only in a host (migration 0011).
create function app_finance_hosts() returns uuid[]
  language sql stable as $$
  select coalesce(array_agg(m.org_id), '{}')
    from memberships m
   where m.user_id = app_user_id() and m.org_id = any(app_org_ids())
     and m.roles && array['finance_officer', 'executive']::text[]
$$;

-- Cheap first: for anyone who is not a finance officer the InitPlan is an empty array and the
-- look-up of agreements is never made.
create policy organisations_read_by_finance on organisations for select using (
  cardinality((select app_finance_hosts())::uuid[]) > 0
  and exists (select 1 from service_agreements a
               where a.org_id = organisations.id and a.host_org_id = any ((select app_finance_hosts())::uuid[])));

create policy tariffs_read_by_finance on tariffs for select using (
  host_org_id = any ((select app_finance_hosts())::uuid[]));

-- ---------------------------------------------------------------------------------------------
-- Usage
-- ---------------------------------------------------------------------------------------------

create sequence usage_event_ids as bigint cache 100;

-- One row per unit of work done: a request completed, hours recorded, pages printed. Append-only:
-- a correction is a reversing event (a negative quantity naming the event it reverses).
--
-- Keys. The table will be partitioned by month of occurred_on once it is large, and a partitioned
-- table's unique constraints must include the partition key. So the primary key leads with the
-- organisation (distribution) and includes the day (partitioning), and the idempotency key, which
-- must be unique whatever the day, lives in usage_keys, an ordinary table.
--
-- Foreign keys. Only the request an event comes from is referenced (with the organisation, and only
-- when there is one). The organisation, host, line and offering are checked against the catalogue
-- by the statement that writes the events, set-based, and those rows are never deleted (no role may;
-- offerings are retired, agreements ended). A foreign key is checked row by row: measured on
-- 200,000 events, 5.7 s with those four checks against 2.2 s without, in a table that takes
-- millions of rows an import.
create table usage_events (
  id bigint not null default nextval('usage_event_ids'),
  -- The organisation charged.
  org_id uuid not null,
  host_org_id uuid not null,
  service_line_id uuid not null,
  offering_id uuid not null,
  -- Thousandths of the offering's unit; negative only when reversing.
  quantity bigint not null check (quantity <> 0 and quantity between -1000000000000 and 1000000000000),
  occurred_at timestamptz not null,
  -- The date in England at occurred_at: it decides the period.
  occurred_on date not null,
  -- The date whose price and charging model apply: occurred_on, or for a reversing event the
  -- priced_on of the event it reverses, so that a reversal takes back exactly what was charged.
  priced_on date not null,
  source text not null check (source in ('request', 'time', 'import', 'api')),
  key text not null check (length(key) between 1 and 200),
  note text check (length(note) <= 500),
  request_id uuid,
  request_reference text check (length(request_reference) <= 40),
  -- The key of the event this one reverses (same organisation and source).
  reverses text check (length(reverses) <= 200),
  recorded_by uuid,
  -- When the recording statement ran; a recharge run counts events recorded before its cut-off.
  recorded_at timestamptz not null default statement_timestamp(),
  primary key (org_id, occurred_on, id),
  foreign key (org_id, request_id) references requests (org_id, id),
  check ((quantity < 0) = (reverses is not null))
);
-- The host's view of usage by date (lists and exports across organisations).
create index usage_events_host_day on usage_events (host_org_id, occurred_on, id);

-- The idempotency key of every event: one per organisation, source and key. An event recorded again
-- with the same content is ignored; with other content it is refused.
create table usage_keys (
  org_id uuid not null,
  source text not null,
  key text not null,
  host_org_id uuid not null,
  event_id bigint not null,
  occurred_on date not null,
  -- The key reversed by this event: an event is reversed at most once.
  reverses text,
  primary key (org_id, source, key)
);
create unique index usage_keys_reversed_once on usage_keys (org_id, source, reverses) where reverses is not null;

create function usage_append_only() returns trigger
  language plpgsql as $$
begin
  raise exception '% is append-only: record a reversing event instead', tg_table_name
    using errcode = 'insufficient_privilege';
end
$$;
create trigger usage_events_append_only before update or delete or truncate on usage_events
  for each statement execute function usage_append_only();
create trigger usage_keys_append_only before update or delete or truncate on usage_keys
  for each statement execute function usage_append_only();

alter table usage_events enable row level security;
alter table usage_events force row level security;
-- The host first: in a recharge run over millions of rows it decides every row at once.
create policy usage_events_read on usage_events for select using (
  host_org_id = any ((select app_scope_org_ids())::uuid[]) or org_id = any ((select app_scope_org_ids())::uuid[]));
-- A partner's own actions on its requests (reopening one) may make usage for it; anything else is
-- recorded by the host.
create policy usage_events_add on usage_events for insert with check (
  host_org_id = any ((select app_scope_org_ids())::uuid[])
  or (org_id = any ((select app_scope_org_ids())::uuid[]) and source in ('request', 'time')));

alter table usage_keys enable row level security;
alter table usage_keys force row level security;
create policy usage_keys_read on usage_keys for select using (
  host_org_id = any ((select app_scope_org_ids())::uuid[]) or org_id = any ((select app_scope_org_ids())::uuid[]));
create policy usage_keys_add on usage_keys for insert with check (
  host_org_id = any ((select app_scope_org_ids())::uuid[])
  or (org_id = any ((select app_scope_org_ids())::uuid[]) and source in ('request', 'time')));

-- ---------------------------------------------------------------------------------------------
-- Charging arrangements, cost pools, driver values, journal codes
-- ---------------------------------------------------------------------------------------------

-- How a partner pays for a service line, from a date to a date (both inclusive). Without one, a
-- line's usage is charged per unit at the catalogue's prices.
create table charging_arrangements (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  model text not null check (model in ('per_unit', 'cost_pool', 'fixed_contribution', 'purchased_hours')),
  valid_from date not null,
  valid_to date,
  -- fixed_contribution: the annual sum, billed in equal monthly parts.
  annual_pence bigint check (annual_pence between 0 and 100000000000),
  -- purchased_hours: hours bought per financial year (thousandths), their rate and the overage rate.
  block_hours bigint check (block_hours > 0 and block_hours <= 1000000000),
  hour_rate_pence bigint check (hour_rate_pence between 0 and 1000000000),
  overage_rate_pence bigint check (overage_rate_pence between 0 and 1000000000),
  -- cost_pool: the year-end true-up tolerance and the review threshold.
  tolerance_basis_points integer not null default 300 check (tolerance_basis_points between 0 and 10000),
  review_percent integer not null default 10 check (review_percent between 0 and 1000),
  version integer not null default 1 check (version >= 1),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (id),
  check (valid_to is null or valid_to >= valid_from),
  check ((model = 'fixed_contribution') = (annual_pence is not null)),
  check ((model = 'purchased_hours') = (block_hours is not null and hour_rate_pence is not null
                                         and overage_rate_pence is not null))
);
create index charging_arrangements_host on charging_arrangements (host_org_id, service_line_id, valid_from);
create trigger charging_arrangements_no_overlap before insert or update on charging_arrangements
  for each row execute function refuse_overlapping_periods('org_id', 'service_line_id');

-- What a service line cost in a period, to be shared by a driver. Owned by the host.
create table cost_pools (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  period text not null check (period ~ '^\d{4}-(0[1-9]|1[0-2]|Q[1-4]|\d{2})$'),
  period_from date not null,
  period_until date not null,
  amount_pence bigint not null check (amount_pence between 0 and 100000000000),
  driver text not null check (driver ~ '^[a-z][a-z0-9_]{0,39}$'),
  description text not null default '' check (length(description) <= 500),
  version integer not null default 1 check (version >= 1),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (id),
  unique (host_org_id, service_line_id, period, driver),
  check (org_id = host_org_id),
  check (period_until > period_from)
);

-- An organisation's measure of a driver for a line and period (headcount, transactions, floor
-- area, or its part of a fixed ratio), exact to thousandths. `basis` says whether it is the estimate
-- the year is billed on or the actual figure for the year-end true-up.
create table driver_values (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  driver text not null check (driver ~ '^[a-z][a-z0-9_]{0,39}$'),
  period text not null check (period ~ '^\d{4}-(0[1-9]|1[0-2]|Q[1-4]|\d{2})$'),
  period_from date not null,
  period_until date not null,
  basis text not null default 'estimate' check (basis in ('estimate', 'actual')),
  value_thousandths bigint not null check (value_thousandths between 0 and 1000000000000000),
  version integer not null default 1 check (version >= 1),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (id),
  unique (host_org_id, service_line_id, driver, period, basis, org_id),
  check (period_until > period_from)
);
create index driver_values_org on driver_values (org_id, service_line_id);

-- Where a service line's charges go in the ledger.
create table journal_codes (
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  cost_centre text not null check (cost_centre ~ '^[A-Za-z0-9][A-Za-z0-9/_.-]{0,19}$'),
  account text not null check (account ~ '^[A-Za-z0-9][A-Za-z0-9/_.-]{0,19}$'),
  updated_at timestamptz not null default now(),
  primary key (org_id, service_line_id),
  check (org_id = host_org_id)
);

-- ---------------------------------------------------------------------------------------------
-- Recharge runs, statements and their lines
-- ---------------------------------------------------------------------------------------------

-- The last number given in each series (statements, credit notes) of each host: numbers come from
-- here under a row lock, in the transaction that issues, so they have no gaps.
create table billing_counters (
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  series text not null check (series in ('statement', 'credit_note')),
  last_number bigint not null default 0 check (last_number >= 0),
  primary key (org_id, series),
  check (org_id = host_org_id)
);

create table recharge_runs (
  id uuid not null default gen_random_uuid(),
  -- The host.
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  kind text not null check (kind in ('charge', 'true_up', 'correction')),
  period text not null,
  period_from date not null,
  period_until date not null,
  -- The organisations chosen; null for all.
  org_ids uuid[],
  -- correction: the numbers of the issued statements it corrects.
  corrects text[],
  status text not null default 'draft' check (status in ('draft', 'reviewed', 'issued')),
  -- How many times it has been computed.
  computation integer not null default 0,
  -- Events recorded before this instant count (see metering: writers finish before it is taken).
  usage_cutoff timestamptz,
  -- The inputs by id and version, and what the draft must show: unpriced usage and warnings.
  inputs jsonb not null default '{}' check (jsonb_typeof(inputs) = 'object'),
  unpriced jsonb not null default '[]' check (jsonb_typeof(unpriced) = 'array'),
  warnings jsonb not null default '[]' check (jsonb_typeof(warnings) = 'array'),
  total_pence bigint not null default 0,
  statement_count integer not null default 0,
  line_count integer not null default 0,
  -- sha256 of the computed statements, to show that a recomputation changed nothing.
  content_sha256 text,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  computed_at timestamptz,
  reviewed_by uuid references users (id),
  reviewed_at timestamptz,
  issued_by uuid references users (id),
  issued_at timestamptz,
  primary key (org_id, id),
  unique (id),
  check (org_id = host_org_id),
  check (period_until > period_from),
  check ((kind = 'correction') = (corrects is not null))
);
create index recharge_runs_host on recharge_runs (host_org_id, period_from, created_at);

-- One per organisation in a run: a statement of charges, or a credit note taking back an issued
-- statement in full. Numbered when the run is issued, and from then on never changed.
create table recharge_statements (
  run_id uuid not null,
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  kind text not null check (kind in ('statement', 'credit_note')),
  period text not null,
  period_from date not null,
  period_until date not null,
  -- The issued statement this one corrects (a credit note, and the statement replacing it).
  corrects_run_id uuid,
  corrects_org_id uuid,
  corrects_kind text check (corrects_kind = 'statement'),
  -- What is shown of the organisation and the host, as they were when computed.
  org_code text not null,
  org_name text not null,
  host_code text not null,
  host_name text not null,
  total_pence bigint not null,
  line_count integer not null,
  number text unique,
  issued_at timestamptz,
  primary key (run_id, org_id, kind),
  foreign key (host_org_id, run_id) references recharge_runs (org_id, id) on delete cascade,
  foreign key (corrects_run_id, corrects_org_id, corrects_kind) references recharge_statements (run_id, org_id, kind),
  check ((number is null) = (issued_at is null)),
  check ((corrects_run_id is null) = (corrects_kind is null))
);
create index recharge_statements_org on recharge_statements (org_id, period_from) where number is not null;
-- A statement is taken back by at most one credit note.
create unique index recharge_statements_corrected_once on recharge_statements (corrects_run_id, corrects_org_id)
  where kind = 'credit_note' and number is not null;

create table recharge_lines (
  run_id uuid not null,
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  statement_kind text not null,
  line_no integer not null check (line_no >= 1),
  service_line_id uuid not null references service_lines (id),
  service_line_code text not null,
  service_line_name text not null,
  offering_id uuid references offerings (id),
  offering_code text,
  offering_name text,
  kind text not null check (kind in ('usage', 'pool_share', 'fixed_contribution', 'purchased_hours',
                                     'hours_drawdown', 'overage', 'true_up')),
  description text not null,
  quantity bigint,
  unit text,
  unit_price_pence bigint,
  amount_pence bigint not null,
  -- What the line comes from, as a query rather than a list: for usage, the offering, the days
  -- whose price it is and the run's cut-off select its events; for a pool share, the pool and the
  -- driver values by id and version.
  source jsonb not null check (jsonb_typeof(source) = 'object'),
  primary key (run_id, org_id, statement_kind, line_no),
  foreign key (run_id, org_id, statement_kind) references recharge_statements (run_id, org_id, kind)
    on delete cascade
);
create index recharge_lines_offering on recharge_lines (org_id, offering_id) where offering_id is not null;

-- Issued runs, statements and lines never change, for anyone: the application role, the tables'
-- owner, a command or a hand-written query. (Only DDL can get round it, as for the audit log.)
create function recharge_runs_frozen() returns trigger
  language plpgsql as $$
begin
  if tg_op = 'TRUNCATE' or old.status = 'issued' then
    raise exception 'recharge run % is issued and cannot change', coalesce(old.id::text, '')
      using errcode = 'insufficient_privilege', constraint = 'recharge_issued';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
create trigger recharge_runs_frozen before update or delete on recharge_runs
  for each row execute function recharge_runs_frozen();
create trigger recharge_runs_no_truncate before truncate on recharge_runs
  for each statement execute function recharge_runs_frozen();

-- A statement is frozen once numbered. New statements go only into a run that can be seen and is
-- not issued: a row that cannot be seen counts as issued, so the check fails closed.
create function recharge_statements_frozen() returns trigger
  language plpgsql as $$
begin
  if tg_op = 'TRUNCATE' or (tg_op in ('UPDATE', 'DELETE') and old.number is not null) then
    raise exception 'statement % is issued and cannot change', coalesce(old.number, '')
      using errcode = 'insufficient_privilege', constraint = 'recharge_issued';
  end if;
  if tg_op = 'INSERT' and not exists (
       select 1 from recharge_runs r where r.id = new.run_id and r.org_id = new.host_org_id and r.status <> 'issued') then
    raise exception 'statements can be added only to a run that is not issued'
      using errcode = 'insufficient_privilege', constraint = 'recharge_issued';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
create trigger recharge_statements_frozen before insert or update or delete on recharge_statements
  for each row execute function recharge_statements_frozen();
create trigger recharge_statements_no_truncate before truncate on recharge_statements
  for each statement execute function recharge_statements_frozen();

-- Lines are never changed; they are added only to a statement that can be seen and is not issued,
-- and removed only with their statement (the cascade from deleting a draft's statement runs one
-- trigger deep; a direct DELETE runs at depth 1 and is refused).
create function recharge_lines_frozen() returns trigger
  language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    if not exists (select 1 from recharge_statements s
                    where s.run_id = new.run_id and s.org_id = new.org_id and s.kind = new.statement_kind
                      and s.number is null) then
      raise exception 'lines can be added only to a statement that is not issued'
        using errcode = 'insufficient_privilege', constraint = 'recharge_issued';
    end if;
    return new;
  end if;
  if tg_op = 'DELETE' and pg_trigger_depth() > 1 then
    return old;
  end if;
  raise exception 'statement lines never change: correct a statement with a credit note'
    using errcode = 'insufficient_privilege', constraint = 'recharge_issued';
end
$$;
create trigger recharge_lines_frozen before insert or update or delete on recharge_lines
  for each row execute function recharge_lines_frozen();
create trigger recharge_lines_no_truncate before truncate on recharge_lines
  for each statement execute function recharge_lines_frozen();

-- ---------------------------------------------------------------------------------------------
-- Row level security and grants
-- ---------------------------------------------------------------------------------------------

alter table charging_arrangements enable row level security;
alter table charging_arrangements force row level security;
create policy charging_arrangements_read on charging_arrangements for select using (
  app_org_visible(host_org_id) or app_org_visible(org_id));
create policy charging_arrangements_write on charging_arrangements for all
  using (app_org_visible(host_org_id)) with check (app_org_visible(host_org_id));

alter table cost_pools enable row level security;
alter table cost_pools force row level security;
create policy cost_pools_host on cost_pools for all
  using (app_org_visible(host_org_id)) with check (app_org_visible(host_org_id));

alter table driver_values enable row level security;
alter table driver_values force row level security;
create policy driver_values_read on driver_values for select using (
  app_org_visible(host_org_id) or app_org_visible(org_id));
create policy driver_values_write on driver_values for all
  using (app_org_visible(host_org_id)) with check (app_org_visible(host_org_id));

alter table journal_codes enable row level security;
alter table journal_codes force row level security;
create policy journal_codes_host on journal_codes for all
  using (app_org_visible(host_org_id)) with check (app_org_visible(host_org_id));

alter table billing_counters enable row level security;
alter table billing_counters force row level security;
create policy billing_counters_host on billing_counters for all
  using (app_org_visible(host_org_id)) with check (app_org_visible(host_org_id));

alter table recharge_runs enable row level security;
alter table recharge_runs force row level security;
create policy recharge_runs_host on recharge_runs for all
  using (app_org_visible(host_org_id)) with check (app_org_visible(host_org_id));

-- A partner reads its own statements once they are issued; drafts never.
alter table recharge_statements enable row level security;
alter table recharge_statements force row level security;
create policy recharge_statements_read on recharge_statements for select using (
  app_org_visible(host_org_id) or (app_org_visible(org_id) and number is not null));
create policy recharge_statements_write on recharge_statements for all
  using (app_org_visible(host_org_id)) with check (app_org_visible(host_org_id));

alter table recharge_lines enable row level security;
alter table recharge_lines force row level security;
create policy recharge_lines_read on recharge_lines for select using (
  app_org_visible(host_org_id)
  or (app_org_visible(org_id)
      and exists (select 1 from recharge_statements s
                   where s.run_id = recharge_lines.run_id and s.org_id = recharge_lines.org_id
                     and s.kind = recharge_lines.statement_kind and s.number is not null)));
create policy recharge_lines_write on recharge_lines for all
  using (app_org_visible(host_org_id)) with check (app_org_visible(host_org_id));

grant usage on sequence usage_event_ids to tandem_app;
grant select, insert on usage_events, usage_keys to tandem_app;
grant select, insert, update on charging_arrangements, cost_pools, driver_values, billing_counters to tandem_app;
grant select, insert, update, delete on journal_codes to tandem_app;
grant select, insert, update, delete on recharge_runs, recharge_statements to tandem_app;
grant select, insert, delete on recharge_lines to tandem_app;
