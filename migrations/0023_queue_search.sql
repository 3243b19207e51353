-- The agents' queue searched by its own copy of each request's words.
--
-- Searching the queue walked its due-time index and, row by row, read the request to match its
-- words: a random read of the largest table for every row of the queue passed over, hundreds of
-- milliseconds for a common word once the requests outgrow memory. The queue row now keeps the
-- words (request_work.search, copied from requests.search by the triggers below), so the walk reads
-- the queue alone, and a rare word is looked up in a full-text index of the queue's active rows.

alter table request_work add column search tsvector not null default ''::tsvector;

update request_work w set search = r.search from requests r where r.id = w.request_id;

create index request_work_search on request_work using gin (search) where active;

-- A request's words, when they change, to its queue row. The row may belong to the host alone
-- (a partner's reply adds words to it too), so the copy runs as the tables' owner.
create function request_work_search_from_request() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public
  as $$
begin
  update public.request_work set search = new.search where request_id = new.id;
  return null;
end
$$;

-- After the statement's rows are in: a request and its queue row are added by one statement.
create trigger requests_search_to_work after insert on requests
  for each row when (new.search <> ''::tsvector) execute function request_work_search_from_request();
create trigger requests_search_change_to_work after update of search on requests
  for each row when (old.search is distinct from new.search) execute function request_work_search_from_request();

-- A queue row added after its request (in a statement of its own) takes the request's words.
create function request_work_search_on_insert() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public
  as $$
begin
  if new.search = ''::tsvector then
    new.search := coalesce((select r.search from public.requests r where r.id = new.request_id), ''::tsvector);
  end if;
  return new;
end
$$;

create trigger request_work_search_on_insert before insert on request_work
  for each row execute function request_work_search_on_insert();

-- The queue's matches for the words, as request_search_ids (migration 0018) finds a list's: by the
-- full-text index, which row level security would keep the caller from using, with the visibility
-- of the policy request_work_host applied here. At most p_limit ids of the host's active work.
create function request_work_search_ids(p_host_org_id uuid, p_text text, p_limit integer) returns setof uuid
  language plpgsql stable security definer
  set search_path = pg_catalog, public
  as $$
begin
  if p_host_org_id is null or p_text is null or p_limit is null or p_limit < 1
     or not public.app_org_visible(p_host_org_id) then
    return;
  end if;
  return query execute
    'select w.request_id from public.request_work w
      where w.active and w.org_id = $1
        and w.search @@ pg_catalog.websearch_to_tsquery(''english'', $2)
      limit $3'
    using p_host_org_id, p_text, least(p_limit, 100000);
end
$$;

revoke all on function request_work_search_ids(uuid, text, integer) from public;
grant execute on function request_work_search_ids(uuid, text, integer) to tandem_app;
revoke all on function request_work_search_from_request() from public;
revoke all on function request_work_search_on_insert() from public;
