-- Jobs (pg-boss) and the outbox of e-mail.
--
-- 1. pg-boss's tables, created here by the migrations' owner rather than by pg-boss itself at
--    start-up: the application role owns nothing, so it could not create them. What follows between
--    the markers is pg-boss 10.4.2's construction plan (schema version 24), as
--    `PgBoss.getConstructionPlans('pgboss')` gives it without its transaction and lock (each
--    migration has its own); src/platform/jobs/construction.test.ts fails if the installed pg-boss
--    would build anything else. A pg-boss that changes its schema needs a new migration with its
--    migration plan (`getMigrationPlans`): the application starts pg-boss with `migrate: false`.
--
-- 2. What the application role needs of them at run time, and nothing more.
--
-- 3. The outbox: e-mail written in the same transaction as the change that causes it, sent later
--    by a job (src/platform/mail).

-- pg-boss construction plan begins
CREATE SCHEMA IF NOT EXISTS pgboss;

CREATE TYPE pgboss.job_state AS ENUM (
  'created',
  'retry',
  'active',
  'completed',
  'cancelled',
  'failed'
);

CREATE TABLE pgboss.version (
  version int primary key,
  maintained_on timestamp with time zone,
  cron_on timestamp with time zone,
  monitored_on timestamp with time zone
);

CREATE TABLE pgboss.queue (
  name text,
  policy text,
  retry_limit int,
  retry_delay int,
  retry_backoff bool,
  expire_seconds int,
  retention_minutes int,
  dead_letter text REFERENCES pgboss.queue (name),
  partition_name text,
  created_on timestamp with time zone not null default now(),
  updated_on timestamp with time zone not null default now(),
  PRIMARY KEY (name)
);

CREATE TABLE pgboss.schedule (
  name text REFERENCES pgboss.queue ON DELETE CASCADE,
  cron text not null,
  timezone text,
  data jsonb,
  options jsonb,
  created_on timestamp with time zone not null default now(),
  updated_on timestamp with time zone not null default now(),
  PRIMARY KEY (name)
);

CREATE TABLE pgboss.subscription (
  event text not null,
  name text not null REFERENCES pgboss.queue ON DELETE CASCADE,
  created_on timestamp with time zone not null default now(),
  updated_on timestamp with time zone not null default now(),
  PRIMARY KEY(event, name)
);

CREATE TABLE pgboss.job (
  id uuid not null default gen_random_uuid(),
  name text not null,
  priority integer not null default(0),
  data jsonb,
  state pgboss.job_state not null default('created'),
  retry_limit integer not null default(2),
  retry_count integer not null default(0),
  retry_delay integer not null default(0),
  retry_backoff boolean not null default false,
  start_after timestamp with time zone not null default now(),
  started_on timestamp with time zone,
  singleton_key text,
  singleton_on timestamp without time zone,
  expire_in interval not null default interval '15 minutes',
  created_on timestamp with time zone not null default now(),
  completed_on timestamp with time zone,
  keep_until timestamp with time zone NOT NULL default now() + interval '14 days',
  output jsonb,
  dead_letter text,
  policy text
) PARTITION BY LIST (name);
ALTER TABLE pgboss.job ADD PRIMARY KEY (name, id);
CREATE TABLE pgboss.archive (LIKE pgboss.job);
ALTER TABLE pgboss.archive ADD PRIMARY KEY (name, id);
ALTER TABLE pgboss.archive ADD archived_on timestamptz NOT NULL DEFAULT now();
CREATE INDEX archive_i1 ON pgboss.archive(archived_on);

CREATE FUNCTION pgboss.create_queue(queue_name text, options json)
RETURNS VOID AS
$$
DECLARE
  table_name varchar := 'j' || encode(sha224(queue_name::bytea), 'hex');
  queue_created_on timestamptz;
BEGIN

  WITH q as (
  INSERT INTO pgboss.queue (
    name,
    policy,
    retry_limit,
    retry_delay,
    retry_backoff,
    expire_seconds,
    retention_minutes,
    dead_letter,
    partition_name
  )
  VALUES (
    queue_name,
    options->>'policy',
    (options->>'retryLimit')::int,
    (options->>'retryDelay')::int,
    (options->>'retryBackoff')::bool,
    (options->>'expireInSeconds')::int,
    (options->>'retentionMinutes')::int,
    options->>'deadLetter',
    table_name
  )
  ON CONFLICT DO NOTHING
  RETURNING created_on
  )
  SELECT created_on into queue_created_on from q;

  IF queue_created_on IS NULL THEN
    RETURN;
  END IF;

  EXECUTE format('CREATE TABLE pgboss.%I (LIKE pgboss.job INCLUDING DEFAULTS)', table_name);

  EXECUTE format('ALTER TABLE pgboss.%1$I ADD PRIMARY KEY (name, id)', table_name);
  EXECUTE format('ALTER TABLE pgboss.%1$I ADD CONSTRAINT q_fkey FOREIGN KEY (name) REFERENCES pgboss.queue (name) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED', table_name);
  EXECUTE format('ALTER TABLE pgboss.%1$I ADD CONSTRAINT dlq_fkey FOREIGN KEY (dead_letter) REFERENCES pgboss.queue (name) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED', table_name);
  EXECUTE format('CREATE UNIQUE INDEX %1$s_i1 ON pgboss.%1$I (name, COALESCE(singleton_key, '''')) WHERE state = ''created'' AND policy = ''short''', table_name);
  EXECUTE format('CREATE UNIQUE INDEX %1$s_i2 ON pgboss.%1$I (name, COALESCE(singleton_key, '''')) WHERE state = ''active'' AND policy = ''singleton''', table_name);
  EXECUTE format('CREATE UNIQUE INDEX %1$s_i3 ON pgboss.%1$I (name, state, COALESCE(singleton_key, '''')) WHERE state <= ''active'' AND policy = ''stately''', table_name);
  EXECUTE format('CREATE UNIQUE INDEX %1$s_i4 ON pgboss.%1$I (name, singleton_on, COALESCE(singleton_key, '''')) WHERE state <> ''cancelled'' AND singleton_on IS NOT NULL', table_name);
  EXECUTE format('CREATE INDEX %1$s_i5 ON pgboss.%1$I (name, start_after) INCLUDE (priority, created_on, id) WHERE state < ''active''', table_name);

  EXECUTE format('ALTER TABLE pgboss.%I ADD CONSTRAINT cjc CHECK (name=%L)', table_name, queue_name);
  EXECUTE format('ALTER TABLE pgboss.job ATTACH PARTITION pgboss.%I FOR VALUES IN (%L)', table_name, queue_name);
END;
$$
LANGUAGE plpgsql;

CREATE FUNCTION pgboss.delete_queue(queue_name text)
RETURNS VOID AS
$$
DECLARE
  table_name varchar;
BEGIN
  WITH deleted as (
    DELETE FROM pgboss.queue
    WHERE name = queue_name
    RETURNING partition_name
  )
  SELECT partition_name from deleted INTO table_name;

  EXECUTE format('DROP TABLE IF EXISTS pgboss.%I', table_name);
END;
$$
LANGUAGE plpgsql;
INSERT INTO pgboss.version(version) VALUES ('24');

-- pg-boss construction plan ends

-- The queue pg-boss's timer (cron) feeds scheduled jobs through, as pg-boss would create it.
select pgboss.create_queue('__pgboss__send-it', '{"policy": "standard"}'::json);

grant usage on schema pgboss to tandem_app;
grant select, insert, update, delete on all tables in schema pgboss to tandem_app;
-- Each queue has a partition of pgboss.job of its own, created by app_create_job_queue below as
-- this owner. The application reaches them through pgboss.job, whose rights are the ones checked;
-- these are for anything that names a partition itself.
alter default privileges in schema pgboss grant select, insert, update, delete on tables to tandem_app;
-- Functions are executable by everyone unless revoked. create_queue, run with the caller's rights,
-- is called by pg-boss for a queue that exists (doing nothing); delete_queue is for the owner only.
revoke execute on all functions in schema pgboss from public;
grant execute on function pgboss.create_queue(text, json) to tandem_app;

-- A new queue needs a partition, and so DDL that only the owner may run: this function runs it as
-- the owner, for a queue name of the application's own form, with the one policy Tandem uses
-- ('short': while a job with a given singleton key waits to run, another with that key is not
-- added). It creates nothing else.
--
-- Queues are made one at a time across all sessions: two made at once (two processes starting) each
-- insert their queue's row and then, adding the partition's foreign keys, wait for the other's lock
-- on pgboss.queue, a deadlock. A queue that exists costs a look-up and no lock.
create function app_create_job_queue(p_name text) returns void
  language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if p_name is null or p_name !~ '^[a-z][a-z0-9_.-]{0,62}$' then
    raise exception 'not a job queue name: %', p_name using errcode = 'invalid_parameter_value';
  end if;
  if exists (select 1 from pgboss.queue where name = p_name) then
    return;
  end if;
  -- Any fixed number; the same in every session. Held until the transaction ends.
  perform pg_advisory_xact_lock(7310227);
  perform pgboss.create_queue(p_name, '{"policy": "short"}'::json);
end
$$;
revoke execute on function app_create_job_queue(text) from public;
grant execute on function app_create_job_queue(text) to tandem_app;

-- E-mail waiting to be sent, being sent, sent, or given up on. A row is written by the unit of work
-- whose change causes the message, so the message exists if and only if the change committed.
--
--   status   pending   waiting for its next attempt (next_attempt_at)
--            held      no SMTP server is configured: kept, shown to administrators, sent once one is
--            sending   claimed by a sender until claimed_until (a lease): no other sender takes it
--                      meanwhile; if that sender stops mid-way, the lease runs out and it is due again
--            sent      accepted by the SMTP server (smtp_response is what the server said)
--            failed    refused for good (a 5xx answer) or out of attempts; last_error says why
create table outbox (
  -- Keyset pagination on the admin page runs on this: newest first, never OFFSET.
  id bigint generated always as identity primary key,
  org_id uuid not null references organisations (id),
  -- What caused the message, in the caller's words ("request:…:resolved:…"): one event, one message.
  event_key text not null check (length(event_key) between 1 and 200),
  recipient text not null check (length(recipient) <= 254 and recipient ~ '^[^@\s<>,;"]+@[^@\s<>,;"]+$'),
  subject text not null check (length(btrim(subject)) between 1 and 300 and subject !~ '[\r\n]'),
  body_text text not null check (length(body_text) between 1 and 100000),
  body_html text check (length(body_html) <= 200000),
  status text not null default 'pending' check (status in ('pending', 'held', 'sending', 'sent', 'failed')),
  -- Attempts begun (counted when claimed, so a sender that dies mid-send still counts one).
  attempts integer not null default 0 check (attempts >= 0),
  last_error text,
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  -- Which claim holds the row: only that sender may record the outcome.
  claim uuid,
  -- The Message-ID it was sent with, derived from the organisation and event key: a message sent
  -- twice (a sender stopped between the SMTP server's answer and recording it) is recognisably one.
  message_id text,
  smtp_response text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  -- Unique per organisation, as every key is (tenants may later be distributed by organisation).
  -- A unit of work retried after a conflict inserts nothing the second time.
  constraint outbox_event unique (org_id, event_key),
  check ((status = 'sending') = (claim is not null and claimed_until is not null))
);
create index outbox_due on outbox (next_attempt_at) where status in ('pending', 'held', 'sending');
create index outbox_org on outbox (org_id, id);

-- Anyone acting in an organisation may queue its mail; only platform administrators read or
-- change the outbox (the admin page, and the sender, which acts as the platform with no user: see
-- docs/security.md). Messages can carry what a partner may not read (an agent's notice about
-- another organisation's request), so partners read none of them, their own included.
alter table outbox enable row level security;
alter table outbox force row level security;
create policy outbox_read on outbox for select using (app_is_platform_admin());
create policy outbox_add on outbox for insert with check (app_org_visible(org_id) or app_is_platform_admin());
create policy outbox_send on outbox for update using (app_is_platform_admin()) with check (app_is_platform_admin());

grant select, insert, update on outbox to tandem_app;
