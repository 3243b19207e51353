-- Who may read an organisation, as one policy with the cheapest tests first.
--
-- PostgreSQL joins two permissive policies with OR in an order of its own: the service managers'
-- policy (0002), with its look-up of agreements, was tested first for every organisation row read,
-- before the comparisons that settle almost every read. An OR stops at its first true operand, so
-- one policy, written in order of cost, skips the look-up whenever it can.
drop policy organisations_read_by_service_manager on organisations;
alter policy organisations_read on organisations using (
  app_org_visible(id) or app_is_platform_admin()
  or exists (select 1 from memberships m where m.org_id = organisations.id and m.user_id = app_user_id())
  -- a service manager sees the partners that take the lines of the host they act in
  or exists (select 1 from service_agreements a
             where a.org_id = organisations.id and a.host_org_id = any(app_org_ids())
               and app_is_service_manager(a.host_org_id)));
