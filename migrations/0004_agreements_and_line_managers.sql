-- Agreements and service line managers, now that people change them through the application.

-- No two agreements of one partner for one service line may be in force on the same day; the
-- same check as for prices (see refuse_overlapping_periods in 0002).
create trigger service_agreements_no_overlap before insert or update on service_agreements
  for each row execute function refuse_overlapping_periods('org_id', 'service_line_id');

-- A manager of a line may hand it to other service managers of the host, themselves included in or
-- left out of the new list. In 0002 the update policy had no WITH CHECK, so its USING clause also
-- judged the new row, and a manager could not take themselves off a line. Who may be listed (host
-- service managers only, never nobody) is checked by the application.
drop policy service_lines_change on service_lines;
create policy service_lines_change on service_lines for update
  using (app_is_platform_admin() or (app_user_id() = any(manager_user_ids) and app_is_service_manager(org_id)))
  with check (app_is_platform_admin() or app_is_service_manager(org_id));
