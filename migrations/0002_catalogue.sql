-- Service catalogue: service lines, offerings with their request forms, per-partner variants,
-- effective-dated tariffs, working-time calendars and SLA policies.
--
-- Ownership and visibility. Every catalogue row has `org_id` (who owns it) and `host_org_id` (the
-- host that runs the service). Standard rows belong to the host (org_id = host_org_id); a partner's
-- variants, prices, calendars and SLA policies belong to that partner (org_id = the partner).
--   * The host's people see the host's standard rows (app_org_visible(org_id)).
--   * A partner sees standard rows of the service lines its agreement covers today, and its own rows.
--   * A service manager of a line, acting in the host, also sees (and alone may change) the partner
--     rows of that line. Which lines a person manages is data (service_lines.manager_user_ids), so
--     the policies work it out themselves rather than trusting a setting.

create table bank_holidays (
  division text not null check (division in ('england-and-wales', 'scotland', 'northern-ireland')),
  date date not null,
  title text not null check (length(btrim(title)) between 1 and 200),
  primary key (division, date)
);

create table service_lines (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  code text not null unique check (code ~ '^[A-Z][A-Z0-9-]{1,15}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  -- People (service managers in the host) who maintain this line's catalogue.
  manager_user_ids uuid[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index service_lines_org on service_lines (org_id);

create table service_line_teams (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  name text not null check (length(btrim(name)) between 1 and 200),
  unique (service_line_id, name)
);

-- Which service lines each partner takes, from and to which dates (both inclusive).
create table service_agreements (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  valid_from date not null,
  valid_to date,
  created_at timestamptz not null default now(),
  check (valid_to is null or valid_to >= valid_from)
);
create index service_agreements_org on service_agreements (org_id, service_line_id);
create index service_agreements_host on service_agreements (host_org_id);

create table calendars (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  code text not null unique check (code ~ '^[A-Z][A-Z0-9-]{1,31}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  time_zone text not null,
  -- {"monday": [["09:00","17:00"]], …}, checked by the application before it is stored
  hours jsonb not null check (jsonb_typeof(hours) = 'object'),
  holidays text check (holidays in ('england-and-wales', 'scotland', 'northern-ireland')),
  closures date[] not null default '{}',
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index calendars_org on calendars (org_id);

create table sla_policies (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  code text not null unique check (code ~ '^[A-Z][A-Z0-9-]{1,31}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  calendar_id uuid not null references calendars (id),
  warning_percent integer not null check (warning_percent between 1 and 99),
  pause_states text[] not null default '{}',
  -- {"critical": {"response": {"value": 30, "unit": "working_minutes"}, "resolution": {…}}, …}
  targets jsonb not null check (jsonb_typeof(targets) = 'object'),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index sla_policies_line on sla_policies (service_line_id);

create table offerings (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  code text not null unique check (code ~ '^[A-Z][A-Z0-9-]{1,39}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '' check (length(description) <= 5000),
  lgsl_id integer check (lgsl_id > 0),
  unit text not null,
  form_fields jsonb not null default '[]' check (jsonb_typeof(form_fields) = 'array'),
  sla_policy_id uuid not null references sla_policies (id),
  approval_required boolean not null default false,
  status text not null default 'active' check (status in ('active', 'retired')),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (org_id = host_org_id)
);
create index offerings_line on offerings (service_line_id);

-- A partner's variant: null columns inherit from the standard offering.
create table offering_variants (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  offering_id uuid not null references offerings (id),
  name text check (length(btrim(name)) between 1 and 200),
  description text check (length(description) <= 5000),
  hidden boolean not null default false,
  extra_fields jsonb not null default '[]' check (jsonb_typeof(extra_fields) = 'array'),
  sla_policy_id uuid references sla_policies (id),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, offering_id),
  check (org_id <> host_org_id)
);
create index offering_variants_offering on offering_variants (offering_id);

-- Every saved version of an offering or a variant, as it was, for "changes keep their history".
create table catalogue_history (
  id bigint generated always as identity primary key,
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  entity_type text not null check (entity_type in ('offering', 'variant', 'sla_policy')),
  entity_id uuid not null,
  version integer not null,
  snapshot jsonb not null,
  changed_by uuid,
  changed_at timestamptz not null default now(),
  unique (entity_type, entity_id, version)
);

-- Unit prices in pence. Standard prices belong to the host; a partner's own price to the partner.
-- valid_to is inclusive; null means until further notice.
create table tariffs (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  service_line_id uuid not null references service_lines (id),
  offering_id uuid not null references offerings (id),
  unit_price_pence bigint not null check (unit_price_pence >= 0),
  valid_from date not null,
  valid_to date,
  created_by uuid,
  created_at timestamptz not null default now(),
  check (valid_to is null or valid_to >= valid_from)
);
create index tariffs_offering on tariffs (offering_id, org_id, valid_from);

-- No two rows of an effective-dated table with the same key may be in force on the same day
-- (valid_from to valid_to, both inclusive); TG_ARGV names the key's two columns. An exclusion
-- constraint would need btree_gist, which the embedded engine does not load, so a trigger checks
-- instead; the advisory lock makes concurrent writers of one key take turns, so neither can miss
-- the other's row. The refusal names the trigger as its constraint, for the application to map.
create function refuse_overlapping_periods() returns trigger
  language plpgsql security definer set search_path = public as $$
declare
  first_value text := to_jsonb(new) ->> tg_argv[0];
  second_value text := to_jsonb(new) ->> tg_argv[1];
  overlapping boolean;
begin
  perform pg_advisory_xact_lock(hashtext(tg_table_name || ':' || first_value || ':' || second_value));
  execute format(
    'select exists (select 1 from %I t where t.%I = $1::uuid and t.%I = $2::uuid and t.id <> $3
                       and daterange(t.valid_from, t.valid_to, ''[]'') && daterange($4, $5, ''[]''))',
    tg_table_name, tg_argv[0], tg_argv[1])
    into overlapping using first_value, second_value, new.id, new.valid_from, new.valid_to;
  if overlapping then
    raise exception '% dates overlap another row with the same % and %', tg_table_name, tg_argv[0], tg_argv[1]
      using errcode = 'exclusion_violation', constraint = tg_name;
  end if;
  return new;
end
$$;

-- No two prices of the same offering for the same organisation may be in force on the same day.
create trigger tariffs_no_overlap before insert or update on tariffs
  for each row execute function refuse_overlapping_periods('offering_id', 'org_id');

-- Policy helpers. They read tables that have policies of their own, as the caller.

/** True when the caller acts in `org` and holds the service manager role there. */
create function app_is_service_manager(org uuid) returns boolean
  language sql stable as $$
  select app_org_visible(org) and exists (
    select 1 from memberships m
     where m.org_id = org and m.user_id = app_user_id() and 'service_manager' = any(m.roles))
$$;

/** True when the caller is a service manager of that line, acting in its host. */
create function app_manages_line(line uuid) returns boolean
  language sql stable as $$
  select exists (
    select 1 from service_lines l
     where l.id = line and app_user_id() = any(l.manager_user_ids) and app_is_service_manager(l.org_id))
$$;

/** True when an organisation the caller acts in takes that service line today. */
create function app_takes_line(line uuid) returns boolean
  language sql stable as $$
  select exists (
    select 1 from service_agreements a
     where a.service_line_id = line and app_org_visible(a.org_id)
       and a.valid_from <= current_date and (a.valid_to is null or a.valid_to >= current_date))
$$;

/** True when an organisation the caller acts in takes any service line from that host today. */
create function app_partner_of(host uuid) returns boolean
  language sql stable as $$
  select exists (
    select 1 from service_agreements a
     where a.host_org_id = host and app_org_visible(a.org_id)
       and a.valid_from <= current_date and (a.valid_to is null or a.valid_to >= current_date))
$$;

alter table bank_holidays enable row level security;
alter table bank_holidays force row level security;
create policy bank_holidays_read on bank_holidays for select using (true);
create policy bank_holidays_load on bank_holidays for all using (app_is_platform_admin()) with check (app_is_platform_admin());

alter table service_lines enable row level security;
alter table service_lines force row level security;
create policy service_lines_read on service_lines for select using (
  app_org_visible(org_id) or app_is_platform_admin() or app_takes_line(id));
create policy service_lines_add on service_lines for insert with check (
  app_is_platform_admin() or (app_is_service_manager(org_id) and app_user_id() = any(manager_user_ids)));
create policy service_lines_change on service_lines for update using (
  app_is_platform_admin() or (app_user_id() = any(manager_user_ids) and app_is_service_manager(org_id)));

alter table service_line_teams enable row level security;
alter table service_line_teams force row level security;
create policy service_line_teams_read on service_line_teams for select using (
  app_org_visible(org_id) or app_is_platform_admin());
create policy service_line_teams_change on service_line_teams for all
  using (app_manages_line(service_line_id) or app_is_platform_admin())
  with check (app_manages_line(service_line_id) or app_is_platform_admin());

alter table service_agreements enable row level security;
alter table service_agreements force row level security;
create policy service_agreements_read on service_agreements for select using (
  app_org_visible(org_id) or app_org_visible(host_org_id) or app_is_platform_admin());
create policy service_agreements_change on service_agreements for all
  using (app_is_platform_admin()) with check (app_is_platform_admin());

-- Calendars are not tied to one line: any service manager of the host sees and keeps them.
alter table calendars enable row level security;
alter table calendars force row level security;
create policy calendars_read on calendars for select using (
  app_org_visible(org_id)
  or (org_id = host_org_id and app_partner_of(host_org_id))
  or (host_org_id = any(app_org_ids()) and app_is_service_manager(host_org_id)));
create policy calendars_change on calendars for all
  using (app_is_service_manager(host_org_id)) with check (app_is_service_manager(host_org_id));

-- The same three-way rule for every per-line table: own rows, standard rows of a line taken, and
-- everything in a line the caller manages. Only a manager of the line writes.
alter table sla_policies enable row level security;
alter table sla_policies force row level security;
create policy sla_policies_read on sla_policies for select using (
  app_org_visible(org_id)
  or (org_id = host_org_id and app_takes_line(service_line_id))
  or (app_org_visible(host_org_id) and app_manages_line(service_line_id)));
create policy sla_policies_change on sla_policies for all
  using (app_org_visible(host_org_id) and app_manages_line(service_line_id))
  with check (app_org_visible(host_org_id) and app_manages_line(service_line_id));

alter table offerings enable row level security;
alter table offerings force row level security;
create policy offerings_read on offerings for select using (
  app_org_visible(org_id) or app_takes_line(service_line_id));
create policy offerings_change on offerings for all
  using (app_org_visible(host_org_id) and app_manages_line(service_line_id))
  with check (app_org_visible(host_org_id) and app_manages_line(service_line_id));

alter table offering_variants enable row level security;
alter table offering_variants force row level security;
create policy offering_variants_read on offering_variants for select using (
  app_org_visible(org_id) or (app_org_visible(host_org_id) and app_manages_line(service_line_id)));
create policy offering_variants_change on offering_variants for all
  using (app_org_visible(host_org_id) and app_manages_line(service_line_id))
  with check (app_org_visible(host_org_id) and app_manages_line(service_line_id));

alter table catalogue_history enable row level security;
alter table catalogue_history force row level security;
create policy catalogue_history_read on catalogue_history for select using (
  app_org_visible(org_id) or (app_org_visible(host_org_id) and app_manages_line(service_line_id)));
create policy catalogue_history_add on catalogue_history for insert with check (
  app_org_visible(host_org_id) and app_manages_line(service_line_id));

alter table tariffs enable row level security;
alter table tariffs force row level security;
create policy tariffs_read on tariffs for select using (
  app_org_visible(org_id)
  or (org_id = host_org_id and app_takes_line(service_line_id))
  or (app_org_visible(host_org_id) and app_manages_line(service_line_id)));
create policy tariffs_change on tariffs for all
  using (app_org_visible(host_org_id) and app_manages_line(service_line_id))
  with check (app_org_visible(host_org_id) and app_manages_line(service_line_id));

-- A host's service managers see the names and codes of the organisations that take its lines, to keep
-- their variants and prices.
-- The plain comparison comes first so that, for anyone not acting in the host, the check stops
-- before it calls a function: this policy is evaluated for every organisation row anyone reads.
create policy organisations_read_by_service_manager on organisations for select using (
  exists (select 1 from service_agreements a
           where a.org_id = organisations.id and a.host_org_id = any(app_org_ids())
             and app_is_service_manager(a.host_org_id)));

grant select on bank_holidays to tandem_app;
grant insert, delete on bank_holidays to tandem_app;
grant select, insert, update on service_lines, service_agreements, calendars, sla_policies, offerings,
  offering_variants, tariffs to tandem_app;
grant select, insert, update, delete on service_line_teams to tandem_app;
grant delete on service_agreements to tandem_app;
grant select, insert on catalogue_history to tandem_app;
