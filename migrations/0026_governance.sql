-- Governance: the joint committee that governs the partnership. Its membership (a member and a
-- substitute for each organisation, kept as history by the date each took their seat), its
-- meetings, who attended them, and the decisions made with each organisation's vote.
--
-- Who sees what (row level security; the application checks roles first and says the same):
--   * The host's executives and platform administrators keep the records; its finance officers and
--     service managers read them.
--   * Joint committee minutes are shared among its members: a partner's managers read the
--     committee, its meetings and decisions, but only where their organisation holds a seat.
--     Partners never write any of it.
-- Every row is the host's (org_id), so tenants can later be distributed by it.

-- ---------------------------------------------------------------------------------------------
-- Membership
-- ---------------------------------------------------------------------------------------------

-- Who sits for an organisation from a date. A change is a new row from a later date; the old row
-- stays as history and never changes.
create table committee_seats (
  id uuid not null default gen_random_uuid(),
  -- The host.
  org_id uuid not null references organisations (id),
  -- The organisation represented: a partner, or the host itself.
  member_org_id uuid not null references organisations (id),
  effective_from date not null,
  member_name text not null check (length(btrim(member_name)) between 1 and 200),
  member_job_title text not null check (length(btrim(member_job_title)) between 1 and 200),
  member_email text check (length(member_email) between 3 and 254),
  substitute_name text not null check (length(btrim(substitute_name)) between 1 and 200),
  substitute_job_title text not null check (length(btrim(substitute_job_title)) between 1 and 200),
  substitute_email text check (length(substitute_email) between 3 and 254),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (org_id, id),
  unique (id),
  constraint committee_seats_one_a_day unique (org_id, member_org_id, effective_from)
);
create index committee_seats_member on committee_seats (member_org_id, org_id);

create function committee_seats_kept() returns trigger
  language plpgsql as $$
begin
  raise exception 'the joint committee''s membership is kept as history and never changes'
    using errcode = 'insufficient_privilege', constraint = 'committee_seats_kept';
end
$$;
create trigger committee_seats_kept before update or delete on committee_seats
  for each row execute function committee_seats_kept();
create trigger committee_seats_no_truncate before truncate on committee_seats
  for each statement execute function committee_seats_kept();

-- The hosts whose committee records the caller may read: those where they act as an executive,
-- platform administrator, finance officer or service manager, and those where an organisation they
-- manage (as a partner manager) holds a seat. As the owner, because whether a partner holds a seat
-- is itself a row of committee_seats, whose own policy asks this question. InitPlan in policies.
create function app_governance_hosts() returns uuid[]
  language sql stable security definer
  set search_path = pg_catalog, public
  as $$
  select coalesce(array_agg(distinct readable.host), '{}')
    from (select unnest(app_orgs_acting_as(
                   array['executive', 'platform_administrator', 'finance_officer', 'service_manager'])) as host
          union
          select s.org_id from committee_seats s
           where s.member_org_id = any (app_orgs_acting_as(array['partner_manager']))) readable
$$;

-- The organisations the committee pages name, as their reader may know them (id, code and name,
-- nothing more): for each host whose records the caller reads, the host and every organisation that
-- holds a seat; for its keepers also every partner that takes, or took, a service line from it (its
-- own directorates apart), any of which may be given a seat. A partner's managers may not otherwise
-- read other partners' rows in organisations.
create function app_committee_organisations() returns table (host_org_id uuid, id uuid, code text, name text)
  language sql stable security definer
  set search_path = pg_catalog, public
  as $$
  select h.host, o.id, o.code, o.name
    from unnest(app_governance_hosts()) as h(host)
    join organisations o
      on o.id = h.host
      or exists (select 1 from committee_seats s where s.org_id = h.host and s.member_org_id = o.id)
      or (h.host = any (app_orgs_acting_as(array['executive', 'platform_administrator']))
          and o.role = 'partner' and o.kind <> 'internal_directorate'
          and exists (select 1 from service_agreements a where a.host_org_id = h.host and a.org_id = o.id))
$$;

-- ---------------------------------------------------------------------------------------------
-- Meetings, attendance, decisions and votes
-- ---------------------------------------------------------------------------------------------

create table committee_meetings (
  id uuid not null default gen_random_uuid(),
  -- The host.
  org_id uuid not null references organisations (id),
  held_on date not null,
  title text not null check (length(btrim(title)) between 1 and 200),
  location text check (length(btrim(location)) between 1 and 200),
  -- Confirmed once the committee has agreed the minutes: then the meeting never changes.
  status text not null default 'draft' check (status in ('draft', 'confirmed')),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  confirmed_by uuid references users (id),
  confirmed_at timestamptz,
  primary key (org_id, id),
  unique (id),
  check ((status = 'confirmed') = (confirmed_at is not null))
);
create index committee_meetings_held on committee_meetings (org_id, held_on desc);

-- How each member organisation attended: by its member, its substitute, or not at all. The name and
-- job title of whoever attended are copied from the seat as it stood on the day, so that the record
-- reads the same however the membership changes later.
create table committee_attendance (
  org_id uuid not null,
  meeting_id uuid not null,
  member_org_id uuid not null references organisations (id),
  attended text not null check (attended in ('member', 'substitute', 'absent')),
  attendee_name text check (length(btrim(attendee_name)) between 1 and 200),
  attendee_job_title text check (length(btrim(attendee_job_title)) between 1 and 200),
  primary key (org_id, meeting_id, member_org_id),
  foreign key (org_id, meeting_id) references committee_meetings (org_id, id) on delete cascade,
  check ((attended = 'absent') = (attendee_name is null)),
  check ((attendee_name is null) = (attendee_job_title is null))
);

-- Decisions are numbered within their meeting from 1, without gaps.
create table committee_decisions (
  org_id uuid not null,
  meeting_id uuid not null,
  number integer not null check (number >= 1),
  title text not null check (length(btrim(title)) between 1 and 200),
  resolution text not null check (length(btrim(resolution)) between 1 and 10000),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (org_id, meeting_id, number),
  foreign key (org_id, meeting_id) references committee_meetings (org_id, id) on delete cascade
);

-- One vote per organisation present, per decision.
create table committee_votes (
  org_id uuid not null,
  meeting_id uuid not null,
  decision_number integer not null,
  member_org_id uuid not null,
  vote text not null check (vote in ('for', 'against', 'abstain')),
  primary key (org_id, meeting_id, decision_number, member_org_id),
  foreign key (org_id, meeting_id, decision_number)
    references committee_decisions (org_id, meeting_id, number) on delete cascade,
  foreign key (org_id, meeting_id, member_org_id)
    references committee_attendance (org_id, meeting_id, member_org_id)
);

-- A confirmed meeting never changes, for anyone (the tables' owner included); a draft may.
create function committee_meetings_frozen() returns trigger
  language plpgsql as $$
begin
  if tg_op = 'TRUNCATE' then
    raise exception 'committee meetings are removed one by one, drafts only'
      using errcode = 'insufficient_privilege', constraint = 'committee_meeting_confirmed';
  end if;
  if old.status = 'confirmed' then
    raise exception 'committee meeting % is confirmed and cannot change', old.id
      using errcode = 'insufficient_privilege', constraint = 'committee_meeting_confirmed';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
create trigger committee_meetings_frozen before update or delete on committee_meetings
  for each row execute function committee_meetings_frozen();
create trigger committee_meetings_no_truncate before truncate on committee_meetings
  for each statement execute function committee_meetings_frozen();

-- Nor do its attendance, decisions or votes. Rows of a meeting that cannot be seen count as
-- confirmed, so the check fails closed. They go with a draft meeting by its cascade (a trigger
-- deeper than the statement), never on their own once it is confirmed.
create function committee_meeting_frozen() returns trigger
  language plpgsql as $$
declare
  meeting_row uuid;
begin
  if tg_op = 'TRUNCATE' then
    raise exception 'committee meetings are removed one by one, drafts only'
      using errcode = 'insufficient_privilege', constraint = 'committee_meeting_confirmed';
  end if;
  if tg_op = 'DELETE' then
    if pg_trigger_depth() > 1 then
      return old;
    end if;
    meeting_row := old.meeting_id;
  else
    meeting_row := new.meeting_id;
  end if;
  if not exists (select 1 from committee_meetings m where m.id = meeting_row and m.status = 'draft') then
    raise exception 'committee meeting % is confirmed and cannot change', meeting_row
      using errcode = 'insufficient_privilege', constraint = 'committee_meeting_confirmed';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
create trigger committee_attendance_frozen before insert or update or delete on committee_attendance
  for each row execute function committee_meeting_frozen();
create trigger committee_decisions_frozen before insert or update or delete on committee_decisions
  for each row execute function committee_meeting_frozen();
create trigger committee_votes_frozen before insert or update or delete on committee_votes
  for each row execute function committee_meeting_frozen();
create trigger committee_attendance_no_truncate before truncate on committee_attendance
  for each statement execute function committee_meeting_frozen();
create trigger committee_decisions_no_truncate before truncate on committee_decisions
  for each statement execute function committee_meeting_frozen();
create trigger committee_votes_no_truncate before truncate on committee_votes
  for each statement execute function committee_meeting_frozen();

-- A decision takes the next number of its meeting; numbers never change, and only the last
-- decision may go (or all of them, with their meeting), so the numbers never have a gap.
create function committee_decisions_in_order() returns trigger
  language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    -- Two decisions added at once: the second waits for the first, then takes the next number.
    perform pg_advisory_xact_lock(hashtext('committee_decisions'), hashtext(new.meeting_id::text));
    if new.number = 1 + coalesce((select max(d.number) from committee_decisions d
                                   where d.org_id = new.org_id and d.meeting_id = new.meeting_id), 0) then
      return new;
    end if;
  elsif tg_op = 'UPDATE' then
    if new.number = old.number and new.meeting_id = old.meeting_id then
      return new;
    end if;
  elsif pg_trigger_depth() > 1 or not exists (
          select 1 from committee_decisions d
           where d.org_id = old.org_id and d.meeting_id = old.meeting_id and d.number > old.number) then
    return old;
  end if;
  raise exception 'the decisions of a meeting are numbered 1, 2, 3 … without gaps'
    using errcode = 'integrity_constraint_violation', constraint = 'committee_decisions_in_order';
end
$$;
create trigger committee_decisions_in_order before insert or update or delete on committee_decisions
  for each row execute function committee_decisions_in_order();

-- Only an organisation recorded present votes, and one that voted cannot then be recorded absent.
create function committee_votes_present() returns trigger
  language plpgsql as $$
begin
  if tg_table_name = 'committee_votes' then
    if exists (select 1 from committee_attendance a
                where a.org_id = new.org_id and a.meeting_id = new.meeting_id
                  and a.member_org_id = new.member_org_id and a.attended <> 'absent') then
      return new;
    end if;
  elsif new.attended <> 'absent' or not exists (
          select 1 from committee_votes v
           where v.org_id = new.org_id and v.meeting_id = new.meeting_id
             and v.member_org_id = new.member_org_id) then
    return new;
  end if;
  raise exception 'only an organisation recorded present at the meeting votes'
    using errcode = 'check_violation', constraint = 'committee_votes_present';
end
$$;
create trigger committee_votes_present before insert or update on committee_votes
  for each row execute function committee_votes_present();
create trigger committee_attendance_votes_present before update on committee_attendance
  for each row execute function committee_votes_present();

-- ---------------------------------------------------------------------------------------------
-- Row level security and grants
-- ---------------------------------------------------------------------------------------------

do $$
declare
  t text;
begin
  foreach t in array array['committee_seats', 'committee_meetings', 'committee_attendance',
                           'committee_decisions', 'committee_votes']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format($p$create policy %I on %I for select using (
      org_id = any ((select app_governance_hosts())::uuid[]))$p$, t || '_read', t);
    execute format($p$create policy %I on %I for all
      using (org_id = any ((select app_orgs_acting_as(array['executive', 'platform_administrator']))::uuid[]))
      with check (org_id = any ((select app_orgs_acting_as(array['executive', 'platform_administrator']))::uuid[]))$p$,
      t || '_write', t);
  end loop;
end
$$;

grant select, insert on committee_seats to tandem_app;
grant select, insert, update, delete on committee_meetings, committee_attendance, committee_decisions,
  committee_votes to tandem_app;
