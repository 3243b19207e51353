-- Requests: what partners ask the shared service centre for, and the work done on them.
--
-- Who sees what (row level security; the application checks roles first):
--   * The requesting organisation's people see its requests and their public history
--     (app_org_visible(org_id)).
--   * The host's people see every request made to it, public and internal (app_org_visible(host_org_id)).
--   * Internal notes, time entries, and who works a request (team, assignee, and which of the service
--     centre's people did what) live in tables that only the host can read: a partner cannot see them
--     whatever query the application makes.
-- Every key and foreign key carries the organisation, so tenants can later be distributed by it.

-- The last reference number given in each organisation: numbers come from here under a row lock,
-- in the transaction that uses them, so they have no gaps even when requests are raised at once.
create table request_counters (
  org_id uuid primary key references organisations (id),
  host_org_id uuid not null references organisations (id),
  last_number integer not null default 0 check (last_number >= 0)
);

create table requests (
  id uuid not null default gen_random_uuid(),
  -- The requesting organisation.
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  -- The organisation's code and a number (WDC-000123), or a reference kept from an import.
  reference text not null check (reference ~ '^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$'),
  service_line_id uuid not null,
  offering_id uuid not null,
  variant_id uuid references offering_variants (id),
  -- The offering and its line as the requester saw them when submitting ({"offeringCode",
  -- "offeringName", "serviceLineCode", "serviceLineName"}): what was asked for stays readable after
  -- the partner stops taking the line or the offering is renamed or retired.
  catalogue_entry jsonb not null check (jsonb_typeof(catalogue_entry) = 'object'),
  requester_user_id uuid references users (id),
  -- Who raised it, as they were named then: the service centre reads these without being able to
  -- read the partner's people (users are visible only to their own organisations).
  requester_name text check (length(requester_name) between 1 and 200),
  requester_email text check (length(requester_email) between 3 and 254),
  subject text not null check (length(btrim(subject)) between 1 and 200),
  -- The form's answers by question key, as the requester gave them.
  answers jsonb not null default '{}' check (jsonb_typeof(answers) = 'object'),
  priority text not null check (priority in ('critical', 'high', 'medium', 'low')),
  status text not null check (status in ('submitted', 'awaiting_approval', 'open', 'in_progress',
    'awaiting_requester', 'awaiting_third_party', 'on_hold', 'resolved', 'closed', 'rejected', 'withdrawn')),
  -- The SLA policy in force for the requester's variant when it was submitted, as it was then, with
  -- its calendar: {"policyId", "code", "name", "version", "warningPercent", "pauseStates", "targets",
  --  "calendar": {"id", "code", "version", "timeZone", "hours", "holidays", "closures"}}. Later changes
  -- to the policy or its calendar never alter a request's clocks, and the service centre needs no
  -- access to a partner's own calendar to run them. Bank holidays are read as loaded (a new one counts).
  sla jsonb not null check (jsonb_typeof(sla) = 'object'),
  submitted_at timestamptz not null,
  -- The clocks as last computed from the history (src/kernel/sla-clock.ts), kept for fast queues.
  response_state text not null check (response_state in ('on_track', 'warning', 'breached', 'paused', 'met')),
  response_due_at timestamptz,
  resolution_state text not null check (resolution_state in ('on_track', 'warning', 'breached', 'paused', 'met')),
  resolution_due_at timestamptz,
  -- When a running clock next changes state (warning, then breach): the timer job looks here.
  sla_next_check_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  -- Optimistic concurrency: every change adds one; a change made against an older version is refused.
  version integer not null default 1 check (version >= 1),
  -- Subject, answers and public replies, for full-text search (kept by the application).
  search tsvector not null default ''::tsvector,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (id),
  unique (org_id, id),
  constraint requests_reference_unique unique (org_id, reference),
  -- Catalogue rows are referred to with their host (migration 0009).
  foreign key (host_org_id, service_line_id, offering_id) references offerings (host_org_id, service_line_id, id)
);
create index requests_org_submitted on requests (org_id, submitted_at desc, id desc);
create index requests_requester on requests (org_id, requester_user_id, submitted_at desc, id desc);
create index requests_host_submitted on requests (host_org_id, submitted_at desc, id desc);
create index requests_reference_prefix on requests (reference text_pattern_ops);
create index requests_search on requests using gin (search);
create index requests_sla_check on requests (sla_next_check_at) where sla_next_check_at is not null;
create index requests_auto_close on requests (resolved_at) where status = 'resolved';

-- Who works a request, and the copies of what the agents' queues filter and sort by, so that a
-- queue is one index walk over this table. Host only.
create table request_work (
  request_id uuid not null,
  -- The host.
  org_id uuid not null references organisations (id),
  partner_org_id uuid not null references organisations (id),
  service_line_id uuid not null,
  team_id uuid references service_line_teams (id),
  assignee_user_id uuid references users (id),
  -- Kept in step with the request in the same transaction as every change.
  status text not null,
  priority text not null,
  offering_id uuid not null,
  -- The earliest due instant of the clocks still running, for sorting; 'infinity' when none is (both
  -- paused, or both stopped), so that the keyset (due_at, request_id) never meets a null.
  due_at timestamptz not null,
  -- The worst state of the clocks still running (breached, warning, on track, paused), or the
  -- resolution clock's final state once both have stopped.
  sla_state text not null check (sla_state in ('on_track', 'warning', 'breached', 'paused', 'met')),
  -- Work still to do: not resolved, closed, rejected or withdrawn.
  active boolean not null,
  updated_at timestamptz not null default now(),
  primary key (request_id),
  -- Checked at commit: the row is written by request_work_put (below) in the statement that adds the
  -- request, and a function's statement cannot see rows its caller's statement is still adding.
  foreign key (partner_org_id, request_id) references requests (org_id, id) deferrable initially deferred,
  foreign key (org_id, service_line_id) references service_lines (org_id, id)
);
create index request_work_queue on request_work (org_id, due_at, request_id) where active;
create index request_work_team on request_work (org_id, team_id, due_at, request_id) where active;
create index request_work_assignee on request_work (org_id, assignee_user_id, due_at, request_id) where active;
create index request_work_line on request_work (org_id, service_line_id, due_at, request_id) where active;
create index request_work_partner on request_work (org_id, partner_org_id, due_at, request_id) where active;

-- Every change to a request, kept for ever: the timeline, and the history its clocks replay.
create table request_events (
  id bigint generated always as identity,
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  request_id uuid not null,
  at timestamptz not null,
  -- The partner's person who acted, with their name as it was then (the service centre cannot read
  -- the partner's people). Null for the service centre's people, who are named only in
  -- request_event_staff, and for Tandem itself.
  actor_user_id uuid references users (id),
  actor_name text check (length(actor_name) between 1 and 200),
  actor_kind text not null check (actor_kind in ('requester', 'partner_manager', 'agent', 'system')),
  -- submitted, status (from, to, reason; a resolution note in body), priority (from, to, reason),
  -- reply (public, in body), attachment; internal ones (assignment, team, note) live in request_notes.
  kind text not null check (kind in ('submitted', 'status', 'priority', 'reply', 'attachment')),
  from_value text,
  to_value text,
  reason text check (length(reason) <= 2000),
  body text check (length(body) <= 20000),
  -- A host agent's reply or status change stops the response clock; a requester's does not.
  by_host boolean not null default false,
  primary key (id),
  foreign key (org_id, request_id) references requests (org_id, id)
);
create index request_events_request on request_events (request_id, at, id);

-- Which of the service centre's people made a public event. Host only: partners see that the
-- service centre replied or moved their request, never who.
create table request_event_staff (
  event_id bigint not null references request_events (id),
  -- The host.
  org_id uuid not null references organisations (id),
  partner_org_id uuid not null references organisations (id),
  request_id uuid not null,
  user_id uuid not null references users (id),
  primary key (event_id),
  foreign key (partner_org_id, request_id) references requests (org_id, id)
);
create index request_event_staff_request on request_event_staff (request_id);

-- What only the service centre sees: internal notes, assignment and team moves. Host only.
create table request_notes (
  id bigint generated always as identity,
  -- The host.
  org_id uuid not null references organisations (id),
  partner_org_id uuid not null references organisations (id),
  request_id uuid not null,
  at timestamptz not null,
  actor_user_id uuid references users (id),
  -- note (body); assignment and team (from and to: user or team ids).
  kind text not null check (kind in ('note', 'assignment', 'team')),
  from_value text,
  to_value text,
  body text check (length(body) <= 20000),
  primary key (id),
  foreign key (partner_org_id, request_id) references requests (org_id, id)
);
create index request_notes_request on request_notes (request_id, at, id);

-- Time recorded against a request. A correction is a new entry that reverses the old one, never an
-- update, so usage derived from it can be reversed too. Host only.
create table request_time_entries (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  partner_org_id uuid not null references organisations (id),
  request_id uuid not null,
  user_id uuid not null references users (id),
  minutes integer not null check (minutes <> 0 and minutes between -1440 and 1440),
  activity text not null check (length(btrim(activity)) between 1 and 100),
  worked_on date not null,
  reverses_id uuid,
  recorded_at timestamptz not null default now(),
  primary key (id),
  unique (org_id, id),
  unique (reverses_id),
  foreign key (partner_org_id, request_id) references requests (org_id, id),
  foreign key (org_id, reverses_id) references request_time_entries (org_id, id)
);
create index request_time_request on request_time_entries (request_id, recorded_at);

-- Files given with a request (answers to file questions, or with a reply). The bytes live in the
-- attachment store; the database keeps what identifies them.
create table request_attachments (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  host_org_id uuid not null references organisations (id),
  request_id uuid not null,
  -- The question it answers, if any.
  field_key text,
  file_name text not null check (length(file_name) between 1 and 255),
  media_type text not null,
  size_bytes integer not null check (size_bytes > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  storage_key text not null,
  uploaded_by uuid references users (id),
  uploaded_at timestamptz not null default now(),
  primary key (id),
  unique (org_id, id),
  foreign key (org_id, request_id) references requests (org_id, id)
);
create index request_attachments_request on request_attachments (request_id);

-- A request raised through the API with an Idempotency-Key: a retry finds the first answer here.
create table request_idempotency (
  org_id uuid not null references organisations (id),
  user_id uuid not null references users (id),
  key text not null check (length(key) between 1 and 200),
  -- A digest of the body, so the same key with a different body is refused rather than ignored.
  body_sha256 text not null,
  request_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (org_id, user_id, key),
  -- Checked at commit: the key is taken first, before the request it names is added, so that a
  -- retry racing the first attempt waits for it and then finds its answer.
  foreign key (org_id, request_id) references requests (org_id, id) deferrable initially deferred
);

-- Who works in each of a service line's teams; a lead may assign the team's requests to anyone in it.
create table service_line_team_members (
  -- The host.
  org_id uuid not null references organisations (id),
  team_id uuid not null references service_line_teams (id) on delete cascade,
  user_id uuid not null references users (id),
  role text not null default 'member' check (role in ('member', 'lead')),
  created_at timestamptz not null default now(),
  primary key (team_id, user_id)
);
create index service_line_team_members_user on service_line_team_members (user_id);

alter table request_counters enable row level security;
alter table request_counters force row level security;
create policy request_counters_use on request_counters for all
  using (app_org_visible(org_id) or app_org_visible(host_org_id))
  with check (app_org_visible(org_id) or app_org_visible(host_org_id));

alter table requests enable row level security;
alter table requests force row level security;
create policy requests_read on requests for select using (
  app_org_visible(org_id) or app_org_visible(host_org_id));
create policy requests_add on requests for insert with check (
  app_org_visible(org_id) or app_org_visible(host_org_id));
create policy requests_change on requests for update using (
  app_org_visible(org_id) or app_org_visible(host_org_id));

alter table request_work enable row level security;
alter table request_work force row level security;
create policy request_work_host on request_work for all
  using (app_org_visible(org_id)) with check (app_org_visible(org_id));

alter table request_events enable row level security;
alter table request_events force row level security;
create policy request_events_read on request_events for select using (
  app_org_visible(org_id) or app_org_visible(host_org_id));
create policy request_events_add on request_events for insert with check (
  app_org_visible(org_id) or app_org_visible(host_org_id));

alter table request_event_staff enable row level security;
alter table request_event_staff force row level security;
create policy request_event_staff_host on request_event_staff for all
  using (app_org_visible(org_id)) with check (app_org_visible(org_id));

alter table request_notes enable row level security;
alter table request_notes force row level security;
create policy request_notes_host on request_notes for all
  using (app_org_visible(org_id)) with check (app_org_visible(org_id));

alter table request_time_entries enable row level security;
alter table request_time_entries force row level security;
create policy request_time_entries_host on request_time_entries for all
  using (app_org_visible(org_id)) with check (app_org_visible(org_id));

alter table request_attachments enable row level security;
alter table request_attachments force row level security;
create policy request_attachments_read on request_attachments for select using (
  app_org_visible(org_id) or app_org_visible(host_org_id));
create policy request_attachments_add on request_attachments for insert with check (
  app_org_visible(org_id) or app_org_visible(host_org_id));

alter table request_idempotency enable row level security;
alter table request_idempotency force row level security;
create policy request_idempotency_own on request_idempotency for all
  using (app_org_visible(org_id) and user_id = app_user_id())
  with check (app_org_visible(org_id) and user_id = app_user_id());

alter table service_line_team_members enable row level security;
alter table service_line_team_members force row level security;
create policy service_line_team_members_read on service_line_team_members for select using (
  app_org_visible(org_id) or app_is_platform_admin());
create policy service_line_team_members_change on service_line_team_members for all
  using (app_is_platform_admin()
         or exists (select 1 from service_line_teams t where t.id = team_id and app_manages_line(t.service_line_id)))
  with check (app_is_platform_admin()
         or exists (select 1 from service_line_teams t where t.id = team_id and app_manages_line(t.service_line_id)));

-- The queue's copy of a request (status, priority, due instant, SLA state), written in the same
-- statement as every change to the request. Partners change their own requests (raise, withdraw,
-- approve, confirm, reply) but may not read or write the host's work rows, so this function lets
-- whoever may see the request keep its copy in step: it widens the unit of work's organisations to
-- the request's host for its one statement, and puts them back. It writes only the copied columns,
-- never team or assignee, and only a row of the organisation given, whose request the foreign key
-- checks at commit; a partner gains no more than it has, which is changing its own requests.
create function request_work_put(
  p_request_id uuid, p_partner_org_id uuid, p_host_org_id uuid, p_service_line_id uuid,
  p_offering_id uuid, p_status text, p_priority text, p_due_at timestamptz, p_sla_state text)
  returns boolean
  language plpgsql as $$
declare
  saved text := coalesce(current_setting('app.org_ids', true), '');
begin
  if not (app_org_visible(p_partner_org_id) or app_org_visible(p_host_org_id)) then
    raise exception 'request_work_put: the request is not the caller''s' using errcode = 'insufficient_privilege';
  end if;
  perform set_config('app.org_ids', concat_ws(',', nullif(saved, ''), p_host_org_id::text), true);
  insert into request_work as w (request_id, org_id, partner_org_id, service_line_id, offering_id, status,
                                 priority, due_at, sla_state, active)
    values (p_request_id, p_host_org_id, p_partner_org_id, p_service_line_id, p_offering_id, p_status,
            p_priority, coalesce(p_due_at, 'infinity'), p_sla_state,
            p_status not in ('resolved', 'closed', 'rejected', 'withdrawn'))
    on conflict (request_id) do update
      set status = excluded.status, priority = excluded.priority, due_at = excluded.due_at,
          sla_state = excluded.sla_state, active = excluded.active, updated_at = now()
      where w.org_id = excluded.org_id and w.partner_org_id = excluded.partner_org_id;
  perform set_config('app.org_ids', saved, true);
  return true;
end
$$;

-- The organisations a request names, as its reader may know them: their own, and, for the host's
-- people, every organisation that takes (or took) a service line from the host. The host's staff
-- may not otherwise read partners' rows in organisations (only its service managers may), but a
-- queue across partners must say whose each request is. Nothing more than id, code and name.
create function app_request_organisations() returns table (id uuid, code text, name text)
  language plpgsql stable
  as $$
declare
  -- Read as a platform administrator would, for this query only. Not a SET clause on the function:
  -- PostgreSQL lets only a superuser put a custom setting there, and the owner is not one on a server.
  saved text := coalesce(current_setting('app.platform_admin', true), '');
begin
  perform set_config('app.platform_admin', 'on', true);
  -- plpgsql, not sql: its plan is kept for the session, where a sql function would be planned again
  -- at every call. The rows are read in full before the setting is put back.
  return query
    select o.id, o.code, o.name from organisations o
     where app_org_visible(o.id)
        or exists (select 1 from service_agreements a where a.org_id = o.id and app_org_visible(a.host_org_id));
  perform set_config('app.platform_admin', saved, true);
end
$$;

-- The history is kept for ever: events and notes are never changed or removed, by anyone.
create function request_history_append_only() returns trigger
  language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege';
end
$$;
create trigger request_events_append_only before update or delete or truncate on request_events
  for each statement execute function request_history_append_only();
create trigger request_notes_append_only before update or delete or truncate on request_notes
  for each statement execute function request_history_append_only();
create trigger request_time_entries_append_only before update or delete or truncate on request_time_entries
  for each statement execute function request_history_append_only();
create trigger request_event_staff_append_only before update or delete or truncate on request_event_staff
  for each statement execute function request_history_append_only();

grant select, insert, update on request_counters, requests, request_work to tandem_app;
grant select, insert on request_events, request_event_staff, request_notes, request_time_entries,
  request_attachments to tandem_app;
grant select, insert, update, delete on service_line_team_members to tandem_app;
grant select, insert, delete on request_idempotency to tandem_app;
