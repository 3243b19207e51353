-- Full-text search of requests through their GIN index (requests_search).
--
-- Under row level security that index is never used: PostgreSQL tests a table's policies on each
-- row before any condition whose operator is not leakproof, and the text-search match (`@@`) is
-- not, so a search as tandem_app reads every row it may see. This function runs as the owner of the
-- tables (who is not bound by the policies) and applies the same visibility itself, from the
-- caller's own scope (app_org_visible of the request's organisation or of its host, as the policy
-- requests_read). It returns no more than request ids, at most `p_limit` of them, of work still to
-- do only when `p_open_only` (what the agents' queue holds); callers join them back to requests,
-- under the policies, for anything else. The query is planned for the words given
-- (EXECUTE), so a rare word is looked up in the index and a common one found by reading on.
create function request_search_ids(p_text text, p_open_only boolean, p_limit integer) returns setof uuid
  language plpgsql stable security definer
  set search_path = pg_catalog, public
  as $$
begin
  if p_text is null or p_open_only is null or p_limit is null or p_limit < 1 then
    return;
  end if;
  return query execute
    'select r.id from public.requests r
      where r.search @@ pg_catalog.websearch_to_tsquery(''english'', $1)
        and (public.app_org_visible(r.org_id) or public.app_org_visible(r.host_org_id))
        and (not $2 or r.status in (''submitted'', ''awaiting_approval'', ''open'', ''in_progress'',
                                    ''awaiting_requester'', ''awaiting_third_party'', ''on_hold''))
      limit $3'
    using p_text, p_open_only, least(p_limit, 100000);
end
$$;

revoke all on function request_search_ids(text, boolean, integer) from public;
grant execute on function request_search_ids(text, boolean, integer) to tandem_app;
