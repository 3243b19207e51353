-- A raised request's words reach its queue row once.
--
-- A request and its queue row are added by one statement (the request, then request_work_put),
-- and the queue row takes the request's words as it is added (request_work_search_on_insert). The
-- request's after-insert trigger then wrote the same words again, at the end of the statement: a
-- second version of the queue row and a second entry in its full-text index for every request
-- raised. It now writes only words the queue row does not have yet: those of a request whose queue
-- row was there first, or whose words changed.

create or replace function request_work_search_from_request() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public
  as $$
begin
  update public.request_work set search = new.search
   where request_id = new.id and search is distinct from new.search;
  return null;
end
$$;
