-- Planning: business cases (options appraisal after the Green Book), the savings ledger (baselines,
-- planned savings fixed when a case is approved, and what issued statements charged), and what-if
-- scenarios of a new partner joining a service line.
--
-- Who sees what (row level security; the application checks roles first and says the same):
--   * Business cases, cost models and scenarios belong to the host. Its executives, finance officers
--     and platform administrators build and read them; its service managers read them. Partners
--     never see them, nor anything computed from them but their own planned savings.
--   * Baselines, planned savings and the charges the ledger counts are per partner: the host's
--     executives, finance officers and platform administrators read every one; a partner's managers
--     read their own organisation's rows only. Only the host writes them.
-- Every key carries the organisation, so tenants can later be distributed by it.

-- The organisations in scope in which the caller holds any of these roles: with one organisation
-- in scope, that one or none. Policies call it as an InitPlan, `(select app_orgs_acting_as(…))`,
-- once per query rather than once per row.
create function app_orgs_acting_as(p_roles text[]) returns uuid[]
  language sql stable as $$
  select coalesce(array_agg(m.org_id), '{}')
    from memberships m
   where m.user_id = app_user_id() and m.org_id = any(app_org_ids()) and m.roles && p_roles
$$;

-- The financial year (`2026-27`, 1 April to 31 March) a date falls in.
create function financial_year_of(d date) returns text
  language sql immutable parallel safe as $$
  select y::text || '-' || lpad(((y + 1) % 100)::text, 2, '0')
    from (select extract(year from d)::int - case when extract(month from d) < 4 then 1 else 0 end as y) s
$$;

-- ---------------------------------------------------------------------------------------------
-- Business cases
-- ---------------------------------------------------------------------------------------------

create table business_cases (
  id uuid not null default gen_random_uuid(),
  -- The host.
  org_id uuid not null references organisations (id),
  title text not null check (length(btrim(title)) between 1 and 200),
  base_year text not null check (base_year ~ '^\d{4}-\d{2}$'),
  horizon_years integer not null check (horizon_years between 1 and 100),
  status text not null default 'draft' check (status in ('draft', 'approved')),
  -- The five cases of the Better Business Cases model, as text.
  strategic text not null default '' check (length(strategic) <= 20000),
  economic text not null default '' check (length(economic) <= 20000),
  commercial text not null default '' check (length(commercial) <= 20000),
  financial text not null default '' check (length(financial) <= 20000),
  management text not null default '' check (length(management) <= 20000),
  version integer not null default 1 check (version >= 1),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  approved_by uuid references users (id),
  approved_at timestamptz,
  primary key (org_id, id),
  unique (id),
  check ((status = 'approved') = (approved_at is not null))
);

-- The shortlist. Codes are unique within a case; one option at most is preferred.
create table business_case_options (
  org_id uuid not null,
  case_id uuid not null,
  code text not null check (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$'),
  position integer not null check (position >= 0),
  name text not null check (length(name) <= 200),
  kind text not null check (kind in ('business_as_usual', 'do_minimum', 'other')),
  preferred boolean not null default false,
  primary key (org_id, case_id, code),
  unique (org_id, case_id, position),
  foreign key (org_id, case_id) references business_cases (org_id, id) on delete cascade
);
create unique index business_case_options_one_preferred on business_case_options (org_id, case_id) where preferred;

-- Yearly cash flows in real prices of the base year (year 0), in whole pence, as they were given.
create table business_case_flows (
  org_id uuid not null,
  case_id uuid not null,
  option_code text not null,
  position integer not null check (position >= 0),
  category text not null check (category in ('capital', 'operating', 'one_off', 'cashable', 'non_cashable')),
  year integer not null check (year between 0 and 100),
  amount_pence bigint not null check (amount_pence between 0 and 99999999999999999),
  primary key (org_id, case_id, option_code, position),
  foreign key (org_id, case_id, option_code) references business_case_options (org_id, case_id, code)
    on delete cascade
);

-- Optimism bias per option and category of cost: the uplift applied is upper × (1 − mitigation).
create table business_case_bias (
  org_id uuid not null,
  case_id uuid not null,
  option_code text not null,
  category text not null check (category in ('capital', 'operating', 'one_off')),
  upper numeric(8, 6) not null check (upper between 0 and 10),
  mitigation numeric(7, 6) not null check (mitigation between 0 and 1),
  reason text not null default '' check (length(reason) <= 2000),
  primary key (org_id, case_id, option_code, category),
  foreign key (org_id, case_id, option_code) references business_case_options (org_id, case_id, code)
    on delete cascade
);

-- The discount schedule the case is appraised with, kept with the case: a later change of the
-- Green Book's rates never changes an approved case.
create table business_case_rates (
  org_id uuid not null,
  case_id uuid not null,
  from_year integer not null check (from_year >= 1),
  to_year integer check (to_year >= from_year),
  rate numeric(8, 6) not null check (rate >= 0 and rate < 1),
  primary key (org_id, case_id, from_year),
  foreign key (org_id, case_id) references business_cases (org_id, id) on delete cascade
);

-- How the case's savings fall to each partner and service line, per financial year: entered with
-- the case, fixed into planned_savings when it is approved.
create table business_case_savings (
  org_id uuid not null,
  case_id uuid not null,
  partner_org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  financial_year text not null check (financial_year ~ '^\d{4}-\d{2}$'),
  amount_pence bigint not null check (amount_pence between 0 and 99999999999999999),
  primary key (org_id, case_id, partner_org_id, service_line_id, financial_year),
  foreign key (org_id, case_id) references business_cases (org_id, id) on delete cascade
);

-- An approved case never changes, for anyone (the tables' owner included); a draft may. Rows of a
-- case that cannot be seen count as approved, so the check fails closed. Children go with a draft
-- case by its cascade (a trigger deeper than the statement), never on their own once approved.
create function business_case_frozen() returns trigger
  language plpgsql as $$
declare
  case_row uuid;
begin
  if tg_op = 'TRUNCATE' then
    raise exception 'business cases are removed one by one, drafts only'
      using errcode = 'insufficient_privilege', constraint = 'business_case_approved';
  end if;
  if tg_op = 'DELETE' then
    if pg_trigger_depth() > 1 then
      return old;
    end if;
    case_row := old.case_id;
  else
    case_row := new.case_id;
  end if;
  if not exists (select 1 from business_cases c where c.id = case_row and c.status = 'draft') then
    raise exception 'business case % is approved and cannot change', case_row
      using errcode = 'insufficient_privilege', constraint = 'business_case_approved';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;

create function business_cases_frozen() returns trigger
  language plpgsql as $$
begin
  if tg_op = 'TRUNCATE' then
    raise exception 'business cases are removed one by one, drafts only'
      using errcode = 'insufficient_privilege', constraint = 'business_case_approved';
  end if;
  if old.status = 'approved' then
    raise exception 'business case % is approved and cannot change', old.id
      using errcode = 'insufficient_privilege', constraint = 'business_case_approved';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
create trigger business_cases_frozen before update or delete on business_cases
  for each row execute function business_cases_frozen();
create trigger business_cases_no_truncate before truncate on business_cases
  for each statement execute function business_cases_frozen();

create trigger business_case_options_frozen before insert or update or delete on business_case_options
  for each row execute function business_case_frozen();
create trigger business_case_flows_frozen before insert or update or delete on business_case_flows
  for each row execute function business_case_frozen();
create trigger business_case_bias_frozen before insert or update or delete on business_case_bias
  for each row execute function business_case_frozen();
create trigger business_case_rates_frozen before insert or update or delete on business_case_rates
  for each row execute function business_case_frozen();
create trigger business_case_savings_frozen before insert or update or delete on business_case_savings
  for each row execute function business_case_frozen();
create trigger business_case_options_no_truncate before truncate on business_case_options
  for each statement execute function business_case_frozen();
create trigger business_case_flows_no_truncate before truncate on business_case_flows
  for each statement execute function business_case_frozen();
create trigger business_case_bias_no_truncate before truncate on business_case_bias
  for each statement execute function business_case_frozen();
create trigger business_case_rates_no_truncate before truncate on business_case_rates
  for each statement execute function business_case_frozen();
create trigger business_case_savings_no_truncate before truncate on business_case_savings
  for each statement execute function business_case_frozen();

-- ---------------------------------------------------------------------------------------------
-- The savings ledger
-- ---------------------------------------------------------------------------------------------

-- What a partner would pay for a service line on its own in a financial year, with where the
-- figure comes from. One per partner, line and year; a new figure replaces the old (audited).
create table savings_baselines (
  id uuid not null default gen_random_uuid(),
  -- The partner.
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  financial_year text not null check (financial_year ~ '^\d{4}-\d{2}$'),
  amount_pence bigint not null check (amount_pence between 0 and 99999999999999999),
  source text not null check (length(btrim(source)) between 1 and 500),
  version integer not null default 1 check (version >= 1),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_by uuid references users (id),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (id),
  unique (host_org_id, org_id, service_line_id, financial_year)
);
create index savings_baselines_org on savings_baselines (org_id, financial_year);

-- The saving each partner is planned to make on each line in each year, as fixed by the approval
-- of a business case. Several approved cases add up. Never changed or removed.
create table planned_savings (
  -- The partner.
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  case_id uuid not null,
  service_line_id uuid not null references service_lines (id),
  financial_year text not null check (financial_year ~ '^\d{4}-\d{2}$'),
  amount_pence bigint not null check (amount_pence between 0 and 99999999999999999),
  approved_at timestamptz not null,
  primary key (org_id, case_id, service_line_id, financial_year),
  foreign key (host_org_id, case_id) references business_cases (org_id, id)
);
create index planned_savings_host on planned_savings (host_org_id, financial_year);

-- Added only for a case that is approved, and only by its approval's unit of work (the case row
-- must be visible and approved); never changed.
create function planned_savings_guard() returns trigger
  language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    if exists (select 1 from business_cases c
                where c.id = new.case_id and c.org_id = new.host_org_id and c.status = 'approved') then
      return new;
    end if;
  end if;
  raise exception 'planned savings are fixed by approving a business case and never change'
    using errcode = 'insufficient_privilege', constraint = 'planned_savings_fixed';
end
$$;
create trigger planned_savings_guard before insert or update or delete on planned_savings
  for each row execute function planned_savings_guard();
create trigger planned_savings_no_truncate before truncate on planned_savings
  for each statement execute function planned_savings_guard();

-- The host's ledger settings: how far below plan a saving may fall and still be amber.
create table planning_settings (
  org_id uuid not null references organisations (id),
  ledger_tolerance_basis_points integer not null default 1000
    check (ledger_tolerance_basis_points between 0 and 10000),
  updated_by uuid references users (id),
  updated_at timestamptz not null default now(),
  primary key (org_id)
);

-- What each issued statement (and credit note, negative) charged per service line, with the
-- financial year its period falls in: the ledger's "charged", kept as each statement is issued so
-- that the ledger sums a few thousand rows a year rather than millions of statement lines. Written
-- only by the trigger below, when billing numbers a statement; like the statements, never changed.
create table ledger_charges (
  run_id uuid not null,
  -- The organisation charged.
  org_id uuid not null references organisations (id),
  statement_kind text not null check (statement_kind in ('statement', 'credit_note')),
  service_line_id uuid not null references service_lines (id),
  host_org_id uuid not null references organisations (id),
  number text not null,
  financial_year text not null,
  period_from date not null,
  period_until date not null,
  amount_pence bigint not null,
  line_count integer not null,
  primary key (run_id, org_id, statement_kind, service_line_id),
  foreign key (run_id, org_id, statement_kind) references recharge_statements (run_id, org_id, kind)
);
create index ledger_charges_host on ledger_charges (host_org_id, financial_year, org_id, service_line_id)
  include (amount_pence, period_until);
create index ledger_charges_org on ledger_charges (org_id, financial_year);

-- Totals by service line of everything already issued before this migration.
insert into ledger_charges (run_id, org_id, statement_kind, service_line_id, host_org_id, number,
                            financial_year, period_from, period_until, amount_pence, line_count)
select s.run_id, s.org_id, s.kind, l.service_line_id, s.host_org_id, s.number,
       financial_year_of(s.period_from), s.period_from, s.period_until, sum(l.amount_pence), count(*)
  from recharge_statements s
  join recharge_lines l on l.run_id = s.run_id and l.org_id = s.org_id and l.statement_kind = s.kind
 where s.number is not null
 group by s.run_id, s.org_id, s.kind, l.service_line_id, s.host_org_id, s.number, s.period_from, s.period_until;

-- When billing numbers a statement (issues it), its lines are fixed: total them by service line.
-- Runs as whoever issues, in the same transaction, so the totals exist exactly when the statement
-- is issued.
create function ledger_charges_on_issue() returns trigger
  language plpgsql as $$
begin
  if new.number is not null and (tg_op = 'INSERT' or old.number is null) then
    insert into ledger_charges (run_id, org_id, statement_kind, service_line_id, host_org_id, number,
                                financial_year, period_from, period_until, amount_pence, line_count)
    select new.run_id, new.org_id, new.kind, l.service_line_id, new.host_org_id, new.number,
           financial_year_of(new.period_from), new.period_from, new.period_until, sum(l.amount_pence), count(*)
      from recharge_lines l
     where l.run_id = new.run_id and l.org_id = new.org_id and l.statement_kind = new.kind
     group by l.service_line_id;
  end if;
  return null;
end
$$;
create trigger recharge_statements_ledger_charges after insert or update of number on recharge_statements
  for each row execute function ledger_charges_on_issue();

-- Rows come only from that trigger (one level deeper than the statement that issues), and never change.
create function ledger_charges_guard() returns trigger
  language plpgsql as $$
begin
  if tg_op = 'INSERT' and pg_trigger_depth() > 1 then
    return new;
  end if;
  raise exception 'the ledger''s charges are kept from issued statements and never change'
    using errcode = 'insufficient_privilege', constraint = 'ledger_charges_kept';
end
$$;
create trigger ledger_charges_guard before insert or update or delete on ledger_charges
  for each row execute function ledger_charges_guard();
create trigger ledger_charges_no_truncate before truncate on ledger_charges
  for each statement execute function ledger_charges_guard();

-- The ledger's lines: per partner, service line and financial year, the baseline, the saving planned
-- (all approved cases) and what was charged (issued statements less credit notes, and the day after
-- the last day charged). Kept by the triggers below as each of those is written, so that the ledger
-- reads one row per line rather than joining and summing three tables on every page. Written only by
-- them, as the tables' owner; the application role may only read it.
create table savings_ledger_lines (
  host_org_id uuid not null references organisations (id),
  org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  financial_year text not null,
  baseline_pence bigint,
  planned_pence bigint not null default 0,
  charged_pence bigint not null default 0,
  charged_until date,
  primary key (host_org_id, org_id, service_line_id, financial_year)
);
create index savings_ledger_lines_org on savings_ledger_lines (org_id, financial_year);

insert into savings_ledger_lines (host_org_id, org_id, service_line_id, financial_year, charged_pence, charged_until)
select host_org_id, org_id, service_line_id, financial_year, sum(amount_pence), max(period_until)
  from ledger_charges
 group by host_org_id, org_id, service_line_id, financial_year;

-- As the owner (a fixed search path; it writes the one table and reads only the row that fired it).
create function savings_ledger_keep() returns trigger
  language plpgsql security definer set search_path = public as $$
begin
  if tg_table_name = 'savings_baselines' then
    if tg_op in ('UPDATE', 'DELETE') then
      update savings_ledger_lines set baseline_pence = null
       where host_org_id = old.host_org_id and org_id = old.org_id and service_line_id = old.service_line_id
         and financial_year = old.financial_year;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
      insert into savings_ledger_lines (host_org_id, org_id, service_line_id, financial_year, baseline_pence)
      values (new.host_org_id, new.org_id, new.service_line_id, new.financial_year, new.amount_pence)
      on conflict (host_org_id, org_id, service_line_id, financial_year)
      do update set baseline_pence = excluded.baseline_pence;
    end if;
  elsif tg_table_name = 'planned_savings' then
    insert into savings_ledger_lines (host_org_id, org_id, service_line_id, financial_year, planned_pence)
    values (new.host_org_id, new.org_id, new.service_line_id, new.financial_year, new.amount_pence)
    on conflict (host_org_id, org_id, service_line_id, financial_year)
    do update set planned_pence = savings_ledger_lines.planned_pence + excluded.planned_pence;
  else
    insert into savings_ledger_lines (host_org_id, org_id, service_line_id, financial_year, charged_pence,
                                      charged_until)
    values (new.host_org_id, new.org_id, new.service_line_id, new.financial_year, new.amount_pence,
            new.period_until)
    on conflict (host_org_id, org_id, service_line_id, financial_year)
    do update set charged_pence = savings_ledger_lines.charged_pence + excluded.charged_pence,
                  charged_until = greatest(savings_ledger_lines.charged_until, excluded.charged_until);
  end if;
  return null;
end
$$;
create trigger ledger_charges_keep_lines after insert on ledger_charges
  for each row execute function savings_ledger_keep();

-- ---------------------------------------------------------------------------------------------
-- What-if: cost models and scenarios
-- ---------------------------------------------------------------------------------------------

-- How a service line's cost grows with its volume: an annual fixed cost, a variable cost per unit,
-- and capacity steps (at a total volume, the fixed cost rises by an amount).
create table line_cost_models (
  org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  unit text not null check (length(btrim(unit)) between 1 and 60),
  -- The offering whose usage measures the line's volume; null: all of the line's usage.
  offering_id uuid references offerings (id),
  fixed_pence bigint not null check (fixed_pence between 0 and 99999999999999999),
  variable_pence bigint not null check (variable_pence between 0 and 1000000000),
  -- [{"fromVolume": 120000, "addedFixedPence": 4500000}, …], volumes ascending.
  steps jsonb not null default '[]' check (jsonb_typeof(steps) = 'array'),
  version integer not null default 1 check (version >= 1),
  updated_by uuid references users (id),
  updated_at timestamptz not null default now(),
  primary key (org_id, service_line_id)
);

-- A saved what-if: the cost model and every partner's volume as they were, and the prospect's.
create table what_if_scenarios (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  name text not null check (length(btrim(name)) between 1 and 200),
  prospect text not null check (length(btrim(prospect)) between 1 and 200),
  prospect_volume bigint not null check (prospect_volume between 0 and 1000000000000),
  model jsonb not null check (jsonb_typeof(model) = 'object'),
  -- [{"orgId", "code", "name", "volume", "source": "usage" | "entered"}, …]
  volumes jsonb not null check (jsonb_typeof(volumes) = 'array'),
  notes text not null default '' check (length(notes) <= 5000),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (id)
);
create index what_if_scenarios_line on what_if_scenarios (org_id, service_line_id, created_at);

create trigger savings_baselines_keep_lines after insert or update or delete on savings_baselines
  for each row execute function savings_ledger_keep();
create trigger planned_savings_keep_lines after insert on planned_savings
  for each row execute function savings_ledger_keep();

-- ---------------------------------------------------------------------------------------------
-- Row level security and grants
-- ---------------------------------------------------------------------------------------------

alter table business_cases enable row level security;
alter table business_cases force row level security;
create policy business_cases_read on business_cases for select using (
  org_id = any ((select app_orgs_acting_as(
    array['executive', 'finance_officer', 'platform_administrator', 'service_manager']))::uuid[]));
create policy business_cases_write on business_cases for all
  using (org_id = any ((select app_orgs_acting_as(
    array['executive', 'finance_officer', 'platform_administrator']))::uuid[]))
  with check (org_id = any ((select app_orgs_acting_as(
    array['executive', 'finance_officer', 'platform_administrator']))::uuid[]));

do $$
declare
  t text;
begin
  foreach t in array array['business_case_options', 'business_case_flows', 'business_case_bias',
                           'business_case_rates', 'business_case_savings', 'line_cost_models',
                           'what_if_scenarios']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format($p$create policy %I on %I for select using (
      org_id = any ((select app_orgs_acting_as(
        array['executive', 'finance_officer', 'platform_administrator', 'service_manager']))::uuid[]))$p$,
      t || '_read', t);
    execute format($p$create policy %I on %I for all
      using (org_id = any ((select app_orgs_acting_as(
        array['executive', 'finance_officer', 'platform_administrator']))::uuid[]))
      with check (org_id = any ((select app_orgs_acting_as(
        array['executive', 'finance_officer', 'platform_administrator']))::uuid[]))$p$,
      t || '_write', t);
  end loop;
end
$$;

-- Baselines, planned savings and charges: the host's executives, finance officers and platform
-- administrators read every partner's; a partner's managers read their own organisation's.
alter table savings_baselines enable row level security;
alter table savings_baselines force row level security;
create policy savings_baselines_read on savings_baselines for select using (
  host_org_id = any ((select app_orgs_acting_as(
    array['executive', 'finance_officer', 'platform_administrator']))::uuid[])
  or org_id = any ((select app_orgs_acting_as(array['partner_manager']))::uuid[]));
create policy savings_baselines_write on savings_baselines for all
  using (host_org_id = any ((select app_orgs_acting_as(
    array['executive', 'finance_officer', 'platform_administrator']))::uuid[]))
  with check (host_org_id = any ((select app_orgs_acting_as(
    array['executive', 'finance_officer', 'platform_administrator']))::uuid[]));

alter table planned_savings enable row level security;
alter table planned_savings force row level security;
create policy planned_savings_read on planned_savings for select using (
  host_org_id = any ((select app_orgs_acting_as(
    array['executive', 'finance_officer', 'platform_administrator']))::uuid[])
  or org_id = any ((select app_orgs_acting_as(array['partner_manager']))::uuid[]));
create policy planned_savings_add on planned_savings for insert with check (
  host_org_id = any ((select app_orgs_acting_as(
    array['executive', 'finance_officer', 'platform_administrator']))::uuid[]));

alter table savings_ledger_lines enable row level security;
alter table savings_ledger_lines force row level security;
create policy savings_ledger_lines_read on savings_ledger_lines for select using (
  host_org_id = any ((select app_orgs_acting_as(
    array['executive', 'finance_officer', 'platform_administrator']))::uuid[])
  or org_id = any ((select app_orgs_acting_as(array['partner_manager']))::uuid[]));

-- Read as baselines are; written by whoever issues the statement (billing's own policies say who).
alter table ledger_charges enable row level security;
alter table ledger_charges force row level security;
create policy ledger_charges_read on ledger_charges for select using (
  host_org_id = any ((select app_orgs_acting_as(
    array['executive', 'finance_officer', 'platform_administrator']))::uuid[])
  or org_id = any ((select app_orgs_acting_as(array['partner_manager']))::uuid[]));
create policy ledger_charges_add on ledger_charges for insert with check (app_org_visible(host_org_id));

-- The host's settings; its partners read its tolerance, which their own ledger rows are judged by.
alter table planning_settings enable row level security;
alter table planning_settings force row level security;
create policy planning_settings_read on planning_settings for select using (
  app_org_visible(org_id) or app_partner_of(org_id));
create policy planning_settings_write on planning_settings for all
  using (org_id = any ((select app_orgs_acting_as(
    array['executive', 'finance_officer', 'platform_administrator']))::uuid[]))
  with check (org_id = any ((select app_orgs_acting_as(
    array['executive', 'finance_officer', 'platform_administrator']))::uuid[]));

grant select, insert, update, delete on business_cases, business_case_options, business_case_flows,
  business_case_bias, business_case_rates, business_case_savings, savings_baselines, line_cost_models,
  what_if_scenarios to tandem_app;
grant select, insert on planned_savings, ledger_charges to tandem_app;
grant select on savings_ledger_lines to tandem_app;
grant select, insert, update on planning_settings to tandem_app;
