-- The partnership: the host's pipeline of prospective and current partners, and the terms agreed
-- with each partner as versions that never change once signed.
--
-- Who sees what (row level security; the application checks roles first and says the same):
--   * The pipeline is the host's own business: its executives and platform administrators keep it;
--     its finance officers read it. Partners never see it.
--   * Agreement terms: kept by the host's executives and platform administrators, read by its
--     finance officers, and by the partner's own managers for their own organisation only. No
--     partner sees another's terms; the host's other people (service managers, agents) see none.
-- Every key carries the organisation, so tenants can later be distributed by it.

-- ---------------------------------------------------------------------------------------------
-- The pipeline
-- ---------------------------------------------------------------------------------------------

create table partnership_prospects (
  id uuid not null default gen_random_uuid(),
  -- The host.
  org_id uuid not null references organisations (id),
  name text not null check (length(btrim(name)) between 1 and 200),
  kind text not null check (kind in ('local_authority', 'fire_and_rescue', 'police', 'health', 'voluntary',
                                     'private', 'internal_directorate')),
  stage text not null default 'prospect'
    check (stage in ('prospect', 'interested', 'negotiating', 'onboarding', 'live', 'exiting', 'left')),
  stage_since date not null,
  -- The partner's organisation once it is registered (required from onboarding on).
  organisation_id uuid references organisations (id),
  owner_user_id uuid references users (id),
  next_step text not null default '' check (length(next_step) <= 500),
  next_step_due date,
  notes text not null default '' check (length(notes) <= 5000),
  version integer not null default 1 check (version >= 1),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (id),
  check (stage in ('prospect', 'interested', 'negotiating', 'left') or organisation_id is not null)
);
-- One pipeline entry per registered organisation and host; one name per host.
create unique index partnership_prospects_organisation on partnership_prospects (org_id, organisation_id)
  where organisation_id is not null;
create unique index partnership_prospects_name on partnership_prospects (org_id, lower(name));
create index partnership_prospects_stage on partnership_prospects (org_id, stage, lower(name));

-- Every move between stages, kept forever: the pipeline's history.
create table partnership_stage_moves (
  org_id uuid not null,
  prospect_id uuid not null,
  seq integer not null check (seq >= 1),
  from_stage text,
  to_stage text not null,
  moved_on date not null,
  note text not null default '' check (length(note) <= 2000),
  moved_by uuid references users (id),
  moved_at timestamptz not null default now(),
  primary key (org_id, prospect_id, seq),
  foreign key (org_id, prospect_id) references partnership_prospects (org_id, id) on delete cascade
);

create function partnership_stage_moves_kept() returns trigger
  language plpgsql as $$
begin
  if tg_op = 'DELETE' and pg_trigger_depth() > 1 then
    return old;
  end if;
  raise exception 'the pipeline''s history is kept and never changes'
    using errcode = 'insufficient_privilege', constraint = 'partnership_stage_moves_kept';
end
$$;
create trigger partnership_stage_moves_kept before update or delete on partnership_stage_moves
  for each row execute function partnership_stage_moves_kept();

-- ---------------------------------------------------------------------------------------------
-- Agreement terms, versioned
-- ---------------------------------------------------------------------------------------------

-- A version of the terms between the host and one partner. A version is in force from its first
-- day until the day before the next signed version's first day; so no two versions may start on
-- the same day, and a new version must start after every signed one. Signed versions never change.
create table agreement_versions (
  id uuid not null default gen_random_uuid(),
  -- The partner.
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  version integer not null check (version >= 1),
  status text not null default 'draft' check (status in ('draft', 'signed')),
  effective_from date not null,
  notice_months integer not null check (notice_months between 0 and 120),
  exit_cost_sharing text not null check (length(btrim(exit_cost_sharing)) between 1 and 2000),
  data_sharing_role text not null check (data_sharing_role in ('controller', 'processor', 'joint_controller')),
  review_on date not null,
  notes text not null default '' check (length(notes) <= 5000),
  signed_on date,
  signed_for_partner text check (length(btrim(signed_for_partner)) between 1 and 200),
  signed_by uuid references users (id),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (id),
  unique (host_org_id, org_id, version),
  unique (host_org_id, org_id, effective_from),
  check (review_on > effective_from),
  check ((status = 'signed') = (signed_on is not null and signed_for_partner is not null))
);
create index agreement_versions_host on agreement_versions (host_org_id, org_id, effective_from);
-- One draft at a time: the next version, worked on until it is signed.
create unique index agreement_versions_one_draft on agreement_versions (host_org_id, org_id) where status = 'draft';

-- The service lines a version covers and the charging model agreed for each.
create table agreement_version_lines (
  org_id uuid not null,
  version_id uuid not null,
  service_line_id uuid not null references service_lines (id),
  charging_model text not null
    check (charging_model in ('per_unit', 'cost_pool', 'fixed_contribution', 'purchased_hours')),
  primary key (org_id, version_id, service_line_id),
  foreign key (org_id, version_id) references agreement_versions (org_id, id) on delete cascade
);

-- A signed version never changes, for anyone (the tables' owner included); a draft may, and may be
-- signed only if it starts after every version already signed with that partner.
create function agreement_versions_frozen() returns trigger
  language plpgsql as $$
begin
  if tg_op = 'TRUNCATE' then
    raise exception 'agreement versions are removed one by one, drafts only'
      using errcode = 'insufficient_privilege', constraint = 'agreement_version_signed';
  end if;
  if tg_op in ('UPDATE', 'DELETE') and old.status = 'signed' then
    raise exception 'agreement version % is signed and cannot change', old.id
      using errcode = 'insufficient_privilege', constraint = 'agreement_version_signed';
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.status = 'signed' then
    -- Two signings racing each other: the second waits for the first, then sees it.
    perform pg_advisory_xact_lock(hashtext('agreement_versions'), hashtext(new.org_id::text));
    if exists (select 1 from agreement_versions v
                where v.org_id = new.org_id and v.host_org_id = new.host_org_id and v.id <> new.id
                  and v.status = 'signed' and v.effective_from >= new.effective_from) then
      raise exception 'a signed version of this agreement starts on or after %', new.effective_from
        using errcode = 'exclusion_violation', constraint = 'agreement_versions_overlap';
    end if;
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
create trigger agreement_versions_frozen before insert or update or delete on agreement_versions
  for each row execute function agreement_versions_frozen();
create trigger agreement_versions_no_truncate before truncate on agreement_versions
  for each statement execute function agreement_versions_frozen();

-- Lines of a signed version (or of one that cannot be seen) never change.
create function agreement_version_lines_frozen() returns trigger
  language plpgsql as $$
declare
  version_row uuid;
begin
  if tg_op = 'TRUNCATE' then
    raise exception 'agreement versions are removed one by one, drafts only'
      using errcode = 'insufficient_privilege', constraint = 'agreement_version_signed';
  end if;
  if tg_op = 'DELETE' then
    if pg_trigger_depth() > 1 then
      return old;
    end if;
    version_row := old.version_id;
  else
    version_row := new.version_id;
  end if;
  if not exists (select 1 from agreement_versions v where v.id = version_row and v.status = 'draft') then
    raise exception 'agreement version % is signed and cannot change', version_row
      using errcode = 'insufficient_privilege', constraint = 'agreement_version_signed';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
create trigger agreement_version_lines_frozen before insert or update or delete on agreement_version_lines
  for each row execute function agreement_version_lines_frozen();
create trigger agreement_version_lines_no_truncate before truncate on agreement_version_lines
  for each statement execute function agreement_version_lines_frozen();

-- The host's executives keep the pipeline and the terms: they read the register of partner
-- organisations (code and name), to link a prospect to its organisation once it is registered.
-- Cheap first: for anyone else the InitPlan is an empty array.
create policy organisations_read_by_executive on organisations for select using (
  cardinality((select app_orgs_acting_as(array['executive']))::uuid[]) > 0 and role = 'partner');

-- ---------------------------------------------------------------------------------------------
-- Row level security and grants
-- ---------------------------------------------------------------------------------------------

alter table partnership_prospects enable row level security;
alter table partnership_prospects force row level security;
alter table partnership_stage_moves enable row level security;
alter table partnership_stage_moves force row level security;
do $$
declare
  t text;
begin
  foreach t in array array['partnership_prospects', 'partnership_stage_moves']
  loop
    execute format($p$create policy %I on %I for select using (
      org_id = any ((select app_orgs_acting_as(
        array['executive', 'platform_administrator', 'finance_officer']))::uuid[]))$p$,
      t || '_read', t);
    execute format($p$create policy %I on %I for all
      using (org_id = any ((select app_orgs_acting_as(array['executive', 'platform_administrator']))::uuid[]))
      with check (org_id = any ((select app_orgs_acting_as(array['executive', 'platform_administrator']))::uuid[]))$p$,
      t || '_write', t);
  end loop;
end
$$;

alter table agreement_versions enable row level security;
alter table agreement_versions force row level security;
create policy agreement_versions_read on agreement_versions for select using (
  host_org_id = any ((select app_orgs_acting_as(
    array['executive', 'platform_administrator', 'finance_officer']))::uuid[])
  or org_id = any ((select app_orgs_acting_as(array['partner_manager']))::uuid[]));
create policy agreement_versions_write on agreement_versions for all
  using (host_org_id = any ((select app_orgs_acting_as(array['executive', 'platform_administrator']))::uuid[]))
  with check (host_org_id = any ((select app_orgs_acting_as(array['executive', 'platform_administrator']))::uuid[]));

-- Lines are read and written with their version.
alter table agreement_version_lines enable row level security;
alter table agreement_version_lines force row level security;
create policy agreement_version_lines_read on agreement_version_lines for select using (
  exists (select 1 from agreement_versions v where v.org_id = agreement_version_lines.org_id
             and v.id = agreement_version_lines.version_id));
create policy agreement_version_lines_write on agreement_version_lines for all
  using (exists (select 1 from agreement_versions v where v.org_id = agreement_version_lines.org_id
                    and v.id = agreement_version_lines.version_id
                    and v.host_org_id = any ((select app_orgs_acting_as(
                      array['executive', 'platform_administrator']))::uuid[])))
  with check (exists (select 1 from agreement_versions v where v.org_id = agreement_version_lines.org_id
                         and v.id = agreement_version_lines.version_id
                         and v.host_org_id = any ((select app_orgs_acting_as(
                           array['executive', 'platform_administrator']))::uuid[])));

grant select, insert, update, delete on partnership_prospects, agreement_versions, agreement_version_lines
  to tandem_app;
grant select, insert on partnership_stage_moves to tandem_app;
