-- The audit log: every entry names its organisation, TRUNCATE is refused, and each organisation's
-- entries form a hash chain, so that `tandem audit verify` finds an entry changed or removed.
--
-- The chain: each entry has its place in its organisation's chain (seq, 1, 2, 3 … with no gaps),
-- the hash of the entry before it (prev_hash; 32 zero bytes for the first) and its own hash:
--
--   hash = sha256(prev_hash || the entry's canonical content, as UTF-8)
--
-- The canonical content (audit_event_content) is a JSON array of the entry's fields in a fixed
-- order, its time in UTC with microseconds, so that it reads the same whatever the session's time
-- zone. The hash is computed here, by a trigger, so every writer gets it: the application, the
-- `tandem` commands and SQL typed by hand alike. A chain per organisation rather than one for the
-- whole platform: an organisation's entries are all visible to whoever may read its log, so a
-- partner can check its own chain, and writers in different organisations do not queue behind each
-- other. (pgcrypto is not needed: sha256() is built in since PostgreSQL 11.)

-- Events that belong to no one partner (a sign-in that fails before anyone is known, bank holidays
-- loaded for everyone, a person added before they join an organisation) are the host's to answer
-- for: the host runs the platform, and its platform administrators answer for sign-in. They are
-- recorded under the host organisation (the first made, should there ever be several). Any unit
-- of work may find out which that is, and no more: the function runs as the owner of the tables,
-- who is not held back by row level security (a superuser, or a role with BYPASSRLS, as the
-- migrations need: README, Configuration).
create function app_host_org_id() returns uuid
  language sql stable security definer
  set search_path = pg_catalog, public
  as $$ select id from organisations where role = 'host' order by created_at, id limit 1 $$;

create table audit_chain_heads (
  org_id uuid primary key,
  seq bigint not null check (seq >= 0),
  hash bytea not null
);
comment on table audit_chain_heads is
  'The last entry of each organisation''s audit chain, so that removing entries from its end shows';

alter table audit_events add column seq bigint, add column prev_hash bytea, add column hash bytea;

create function audit_event_content(e audit_events) returns text
  language sql stable
  set search_path = pg_catalog, public
  as $$
    select jsonb_build_array(
      e.id, e.org_id, e.seq, to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      e.actor_user_id, e.action, e.entity_type, e.entity_id, e.before, e.after, e.request_id)::text
  $$;

create function audit_event_hash(prev_hash bytea, e audit_events) returns bytea
  language sql stable
  set search_path = pg_catalog, public
  as $$ select sha256(prev_hash || convert_to(audit_event_content(e), 'UTF8')) $$;

create function audit_chain_start() returns bytea
  language sql immutable
  as $$ select decode(repeat('00', 32), 'hex') $$;

-- Entries already written: each gets the host organisation if it had none, then its place and hash,
-- in the order they were written. Row level security is forced on audit_events, also for its owner,
-- and updates are refused by trigger: both are lifted for this transaction only.
alter table audit_events no force row level security;
alter table audit_events disable trigger audit_events_append_only;
do $$
declare
  host uuid := app_host_org_id();
  e audit_events;
  chain uuid;
  place bigint;
  previous bytea;
begin
  if host is null and exists (select 1 from audit_events where org_id is null) then
    raise exception 'audit entries without an organisation, and no host organisation to record them under'
      using hint = 'Add the host organisation with the previous version, then run the migrations again.';
  end if;
  update audit_events set org_id = host where org_id is null;
  for e in select * from audit_events order by org_id, id loop
    if chain is distinct from e.org_id then
      if chain is not null then
        insert into audit_chain_heads (org_id, seq, hash) values (chain, place, previous);
      end if;
      chain := e.org_id;
      place := 0;
      previous := audit_chain_start();
    end if;
    place := place + 1;
    e.seq := place;
    e.prev_hash := previous;
    e.hash := audit_event_hash(previous, e);
    update audit_events set seq = e.seq, prev_hash = e.prev_hash, hash = e.hash where id = e.id;
    previous := e.hash;
  end loop;
  if chain is not null then
    insert into audit_chain_heads (org_id, seq, hash) values (chain, place, previous);
  end if;
end
$$;
alter table audit_events enable trigger audit_events_append_only;
alter table audit_events force row level security;

alter table audit_events
  alter column org_id set not null,
  alter column seq set not null,
  alter column prev_hash set not null,
  alter column hash set not null,
  add constraint audit_events_chain_position unique (org_id, seq);

-- Appends an entry to its organisation's chain. The head row is locked until the transaction ends,
-- so appends to one chain take their turns: two transactions cannot both follow the same entry.
-- If the transaction rolls back, so does the head, and the chain has no gap. It runs as the owner
-- (security definer) because the application role may not touch the heads; what it is given to
-- hash comes from the row being inserted, whatever the writer put in seq or the hashes.
create function audit_events_chain() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public
  as $$
declare
  head audit_chain_heads;
begin
  if new.org_id is null then
    raise exception 'an audit entry must name its organisation'
      using errcode = 'not_null_violation', column = 'org_id';
  end if;
  insert into audit_chain_heads (org_id, seq, hash) values (new.org_id, 0, audit_chain_start())
    on conflict (org_id) do nothing;
  select * into strict head from audit_chain_heads where org_id = new.org_id for update;
  new.seq := head.seq + 1;
  new.prev_hash := head.hash;
  new.hash := audit_event_hash(new.prev_hash, new);
  update audit_chain_heads set seq = new.seq, hash = new.hash where org_id = new.org_id;
  return new;
end
$$;
create trigger audit_events_chain before insert on audit_events
  for each row execute function audit_events_chain();

-- TRUNCATE is not a DELETE, so the append-only trigger did not see it: the owner could empty the log.
create trigger audit_events_no_truncate before truncate on audit_events
  for each statement execute function audit_events_append_only();
-- These fire even with session_replication_role = replica, which otherwise skips triggers.
alter table audit_events enable always trigger audit_events_append_only;
alter table audit_events enable always trigger audit_events_no_truncate;

-- Entries name an organisation: one the unit of work acts in, any for a platform administrator, or
-- the host for events that belong to no partner (see app_host_org_id).
alter policy audit_events_add on audit_events with check (
  app_org_visible(org_id) or app_is_platform_admin() or org_id = app_host_org_id());

-- The heads are read by whoever may read that organisation's log (to check it); only the trigger
-- above writes them. The owner is not subject to these policies (not forced): the trigger runs as it.
alter table audit_chain_heads enable row level security;
create policy audit_chain_heads_read on audit_chain_heads for select using (
  app_org_visible(org_id) or app_is_platform_admin());
grant select on audit_chain_heads to tandem_app;
