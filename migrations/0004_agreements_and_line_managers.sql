-- Agreements and service line managers, now that people change them through the application.

-- No two agreements of one partner for one service line may be in force on the same day. As for
-- prices, a trigger rather than an exclusion constraint (the embedded engine has no btree_gist), and
-- an advisory lock so that two administrators adding agreements at once take turns.
create function service_agreements_no_overlap() returns trigger
  language plpgsql security definer set search_path = public as $$
begin
  perform pg_advisory_xact_lock(hashtext('agreement:' || new.org_id::text || ':' || new.service_line_id::text));
  if exists (
    select 1 from service_agreements a
     where a.org_id = new.org_id and a.service_line_id = new.service_line_id and a.id <> new.id
       and daterange(a.valid_from, a.valid_to, '[]') && daterange(new.valid_from, new.valid_to, '[]')
  ) then
    raise exception 'agreement dates overlap another agreement of the same partner for the same service line'
      using errcode = 'exclusion_violation', constraint = 'service_agreements_no_overlap';
  end if;
  return new;
end
$$;
create trigger service_agreements_no_overlap before insert or update on service_agreements
  for each row execute function service_agreements_no_overlap();

-- A manager of a line may hand it to other service managers of the host, themselves included in or
-- left out of the new list. In 0002 the update policy had no WITH CHECK, so its USING clause also
-- judged the new row, and a manager could not take themselves off a line. Who may be listed (host
-- service managers only, never nobody) is checked by the application.
drop policy service_lines_change on service_lines;
create policy service_lines_change on service_lines for update
  using (app_is_platform_admin() or (app_user_id() = any(manager_user_ids) and app_is_service_manager(org_id)))
  with check (app_is_platform_admin() or app_is_service_manager(org_id));
