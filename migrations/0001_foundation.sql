-- Foundation: organisations, people and their roles, sessions, API tokens, and the audit log.
--
-- Isolation: every unit of work runs as tandem_app, which owns nothing and cannot bypass row level
-- security. Each unit of work sets, inside its transaction:
--   app.user_id         the acting user
--   app.org_ids         the organisations whose rows it may see (comma-separated ids)
--   app.platform_admin  'on' for a platform administrator
-- With nothing set, every policy below is false: a query sees nothing and writes nothing.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'tandem_app') then
    create role tandem_app nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
  end if;
exception
  -- Another database on the same server created it at the same moment.
  when duplicate_object or unique_violation then null;
end
$$;

grant usage on schema public to tandem_app;

-- Settings read by the policies. current_setting(…, true) gives '' once a setting has been seen in
-- the session, so empty means unset.
create function app_setting(name text) returns text
  language sql stable as $$ select nullif(current_setting(name, true), '') $$;

create function app_user_id() returns uuid
  language sql stable as $$ select app_setting('app.user_id')::uuid $$;

create function app_org_ids() returns uuid[]
  language sql stable as $$ select coalesce(string_to_array(app_setting('app.org_ids'), ',')::uuid[], '{}') $$;

create function app_org_visible(org uuid) returns boolean
  language sql stable as $$ select org is not null and org = any(app_org_ids()) $$;

create function app_is_platform_admin() returns boolean
  language sql stable as $$ select coalesce(app_setting('app.platform_admin') = 'on', false) $$;

-- Opens a unit of work: the rest of the transaction runs as tandem_app with the caller's scope.
-- The application sends it, with BEGIN, in the same round trip as the unit's first query.
--
-- It also asks for generic plans for the rest of the transaction. The application prepares its
-- statements once per connection, but with the row level security policies in them PostgreSQL
-- otherwise judges a fresh plan for every execution worth its cost, and planning then costs several
-- times what running the query does. The policies read settings, not parameters, so the generic
-- plan is as good as a fresh one for the indexed lookups units of work make.
create procedure app_enter_scope(p_user_id text, p_org_ids text, p_platform_admin text)
  language plpgsql as $$
begin
  perform set_config('plan_cache_mode', 'force_generic_plan', true);
  perform set_config('role', 'tandem_app', true);
  perform set_config('app.user_id', coalesce(p_user_id, ''), true);
  perform set_config('app.org_ids', coalesce(p_org_ids, ''), true);
  perform set_config('app.platform_admin', coalesce(p_platform_admin, ''), true);
end
$$;

create table organisations (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[A-Z][A-Z0-9-]{1,15}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  role text not null check (role in ('host', 'partner')),
  kind text not null check (kind in ('local_authority', 'fire_and_rescue', 'police', 'health', 'voluntary',
                                     'private', 'internal_directorate')),
  parent_id uuid references organisations (id),
  bank_holiday_division text not null
    check (bank_holiday_division in ('england-and-wales', 'scotland', 'northern-ireland')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (parent_id is null or parent_id <> id)
);
create index organisations_parent on organisations (parent_id);

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null check (email = lower(email) and email like '%_@_%' and length(email) <= 254),
  name text not null check (length(btrim(name)) between 1 and 200),
  password_hash text not null,
  disabled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email on users (email);

create table memberships (
  org_id uuid not null references organisations (id),
  user_id uuid not null references users (id),
  roles text[] not null check (
    cardinality(roles) > 0 and roles <@ array['requester', 'partner_manager', 'agent', 'team_lead',
      'service_manager', 'finance_officer', 'executive', 'platform_administrator']::text[]),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
create index memberships_user on memberships (user_id);

create table sessions (
  token_hash text primary key,
  user_id uuid not null references users (id) on delete cascade,
  org_id uuid not null references organisations (id),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

create table api_tokens (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null references organisations (id),
  user_id uuid not null references users (id),
  name text not null check (length(btrim(name)) between 1 and 100),
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  last_used_at timestamptz,
  primary key (org_id, id)
);
create index api_tokens_user on api_tokens (user_id);

-- Failed sign-ins per e-mail address and per client address; not tenant data.
create table sign_in_throttle (
  key text primary key,
  failures integer not null,
  window_started_at timestamptz not null default now(),
  locked_until timestamptz
);

-- Append-only: the application role may insert and read, never change or remove, and a trigger
-- refuses changes from anyone else too.
create table audit_events (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_user_id uuid,
  org_id uuid,
  action text not null,
  entity_type text not null,
  entity_id text,
  before jsonb,
  after jsonb,
  request_id text
);
create index audit_events_org_at on audit_events (org_id, at desc);

create function audit_events_append_only() returns trigger
  language plpgsql as $$
begin
  raise exception 'audit events are append-only' using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_events_append_only before update or delete on audit_events
  for each statement execute function audit_events_append_only();

-- Looks up the person behind a session or API token by the hash of its secret, with every
-- organisation they have roles in, as the application role, in one round trip. It sets app.user_id
-- so that the user's own rows become visible, and renews the session's idle clock at most once a
-- minute. Being PL/pgSQL, its queries are planned once per connection. Its settings, and the role,
-- last until the end of the caller's transaction: one statement, when called on its own.
create function authenticate(p_kind text, p_token_hash text, p_idle interval)
  returns table (user_id uuid, email text, name text, org_id uuid, expires_at timestamptz, token_id uuid,
                 memberships jsonb)
  language plpgsql
  -- Its queries' plans are kept, not made afresh at every call (see app_enter_scope).
  set plan_cache_mode = force_generic_plan
  as $$
declare
  found_user uuid;
  found_org uuid;
  found_expiry timestamptz;
  found_token uuid;
  last_used timestamptz;
begin
  -- Called on its own, outside a unit of work, to save round trips: so it becomes the application
  -- role itself before it reads anything, and row level security applies to every query below.
  -- (Every statement here runs at every request, so they are as few as they can be.)
  perform set_config('role', 'tandem_app', true), set_config('app.auth_token_hash', p_token_hash, true);
  if p_kind = 'session' then
    select s.user_id, s.org_id, s.expires_at, s.last_seen_at into found_user, found_org, found_expiry, last_used
      from sessions s
     where s.token_hash = p_token_hash and s.expires_at > now() and s.last_seen_at > now() - p_idle;
  else
    select t.user_id, t.org_id, t.expires_at, t.id, t.last_used_at
      into found_user, found_org, found_expiry, found_token, last_used
      from api_tokens t
     where t.token_hash = p_token_hash and t.revoked_at is null and t.expires_at > now();
  end if;
  if found_user is null then
    perform set_config('app.auth_token_hash', '', true);
    return;
  end if;
  -- A token acts in its own organisation only.
  perform set_config('app.user_id', found_user::text, true),
          set_config('app.org_ids', case when p_kind = 'token' then found_org::text else '' end, true);
  -- The idle clock (and a token's last use) is renewed at most once a minute, not at every request.
  if last_used is null or last_used < now() - interval '1 minute' then
    if p_kind = 'session' then
      update sessions s set last_seen_at = now()
       where s.token_hash = p_token_hash and s.last_seen_at < now() - interval '1 minute';
    else
      update api_tokens t set last_used_at = now()
       where t.token_hash = p_token_hash and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute');
    end if;
  end if;
  perform set_config('app.auth_token_hash', '', true);
  return query
    select u.id, u.email, u.name, found_org, found_expiry, found_token,
           coalesce((select jsonb_agg(jsonb_build_object('orgId', o.id, 'code', o.code, 'name', o.name,
                                                         'role', o.role, 'roles', m.roles) order by o.name)
                       from memberships m join organisations o on o.id = m.org_id
                      where m.user_id = u.id), '[]'::jsonb)
      from users u
     where u.id = found_user and u.disabled_at is null;
end
$$;

alter table organisations enable row level security;
alter table organisations force row level security;
create policy organisations_read on organisations for select using (
  app_org_visible(id) or app_is_platform_admin()
  or exists (select 1 from memberships m where m.org_id = organisations.id and m.user_id = app_user_id()));
create policy organisations_add on organisations for insert with check (app_is_platform_admin());
create policy organisations_change on organisations for update using (app_is_platform_admin());

alter table users enable row level security;
alter table users force row level security;
create policy users_read on users for select using (
  id = app_user_id() or app_is_platform_admin()
  -- a sign-in attempt names one address, and sees only that account
  or email = app_setting('app.sign_in_email')
  or exists (select 1 from memberships m where m.user_id = users.id and app_org_visible(m.org_id)));
create policy users_add on users for insert with check (app_is_platform_admin());
create policy users_change on users for update using (id = app_user_id() or app_is_platform_admin());

alter table memberships enable row level security;
alter table memberships force row level security;
create policy memberships_read on memberships for select using (
  app_org_visible(org_id) or user_id = app_user_id() or app_is_platform_admin());
create policy memberships_add on memberships for insert with check (app_is_platform_admin());
create policy memberships_change on memberships for update using (app_is_platform_admin());
create policy memberships_remove on memberships for delete using (app_is_platform_admin());

alter table sessions enable row level security;
alter table sessions force row level security;
create policy sessions_own on sessions for all
  using (user_id = app_user_id() or token_hash = app_setting('app.auth_token_hash'))
  with check (user_id = app_user_id());
create policy sessions_end_by_admin on sessions for delete using (app_is_platform_admin());

alter table api_tokens enable row level security;
alter table api_tokens force row level security;
create policy api_tokens_own on api_tokens for all
  using ((user_id = app_user_id() and app_org_visible(org_id)) or token_hash = app_setting('app.auth_token_hash'))
  with check (user_id = app_user_id() and app_org_visible(org_id));

alter table audit_events enable row level security;
alter table audit_events force row level security;
create policy audit_events_read on audit_events for select using (app_org_visible(org_id) or app_is_platform_admin());
create policy audit_events_add on audit_events for insert with check (
  org_id is null or app_org_visible(org_id) or app_is_platform_admin());

grant select, insert, update on organisations, users, memberships to tandem_app;
grant delete on memberships to tandem_app;
grant select, insert, update, delete on sessions, api_tokens, sign_in_throttle to tandem_app;
grant select, insert on audit_events to tandem_app;
grant execute on function authenticate(text, text, interval) to tandem_app;
