-- Roles that only the host organisation's people may hold, and sessions a person can list and end.

-- Roles that act for the shared service centre (and a platform administrator reads every
-- organisation): given in a partner, they would hand a partner's staff the host's reach.
create function host_only_roles() returns text[]
  language sql immutable as $$
    select array['platform_administrator', 'service_manager', 'agent', 'team_lead', 'finance_officer',
                 'executive']::text[]
  $$;

-- What is already stored must satisfy the rule before the triggers below enforce it. Nothing is
-- changed silently: a membership that breaks it stops the migration, named, for an administrator to
-- correct (with the previous version) before migrating again. Row level security is forced on these
-- tables, also for their owner; the check has to see every row, so it is lifted for this
-- transaction only.
alter table memberships no force row level security;
alter table organisations no force row level security;
alter table users no force row level security;
do $$
declare
  offending text;
begin
  select string_agg(format('%s in %s (%s)', u.email, o.code, array_to_string(m.roles, ', ')), '; '
                    order by o.code, u.email)
    into offending
    from memberships m
    join organisations o on o.id = m.org_id
    join users u on u.id = m.user_id
   where o.role <> 'host' and m.roles && host_only_roles();
  if offending is not null then
    raise exception 'host-only roles are held in partner organisations: %', offending
      using hint = 'Remove those roles, then run the migrations again.';
  end if;
end
$$;
alter table memberships force row level security;
alter table organisations force row level security;
alter table users force row level security;

-- Refuses host-only roles in a membership of any organisation that is not the host. The organisation
-- is locked (FOR SHARE) while it is read, so a concurrent change of its role waits for this one, and
-- the check below sees whichever committed first. Only platform administrators may write
-- memberships (row level security), and they see every organisation; an organisation this cannot
-- see counts as not the host.
create function memberships_host_only_roles() returns trigger
  language plpgsql as $$
declare
  org_role text;
begin
  if not (new.roles && host_only_roles()) then
    return new;
  end if;
  select o.role into org_role from organisations o where o.id = new.org_id for share;
  if org_role is distinct from 'host' then
    raise exception 'roles % can be given only in the host organisation',
        array(select r from unnest(new.roles) r where r = any(host_only_roles()))
      using errcode = 'check_violation', constraint = 'memberships_host_only_roles';
  end if;
  return new;
end
$$;
create trigger memberships_host_only_roles before insert or update of org_id, roles on memberships
  for each row execute function memberships_host_only_roles();

-- The other way round: an organisation whose people hold host-only roles cannot stop being the host.
create function organisations_keep_host_roles() returns trigger
  language plpgsql as $$
begin
  if new.role <> 'host' and old.role = 'host'
     and exists (select 1 from memberships m where m.org_id = new.id and m.roles && host_only_roles()) then
    raise exception 'people hold host-only roles in organisation %', new.code
      using errcode = 'check_violation', constraint = 'organisations_keep_host_roles';
  end if;
  return new;
end
$$;
create trigger organisations_keep_host_roles before update of role on organisations
  for each row execute function organisations_keep_host_roles();

-- A session gets an id to be named by (its secret's hash is never shown, not even on its owner's
-- pages) and remembers the browser it was made in, so that its owner can recognise it.
alter table sessions add column id uuid not null default gen_random_uuid();
alter table sessions add constraint sessions_id unique (id);
alter table sessions add column user_agent text check (length(user_agent) <= 512);
