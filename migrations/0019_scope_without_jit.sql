-- Units of work run their statements as generic plans (plan_cache_mode), whose cost estimates under
-- row level security can pass jit_above_cost although the rows read are few: the agents' queue then
-- spent about 20 ms compiling expressions for a query that runs in 2. Tandem's statements are short
-- and indexed, so just-in-time compilation is switched off inside every unit of work.
create or replace procedure app_enter_scope(p_user_id text, p_org_ids text, p_platform_admin text)
  language plpgsql as $$
begin
  perform set_config('plan_cache_mode', 'force_generic_plan', true);
  perform set_config('jit', 'off', true);
  perform set_config('role', 'tandem_app', true);
  perform set_config('app.user_id', coalesce(p_user_id, ''), true);
  perform set_config('app.org_ids', coalesce(p_org_ids, ''), true);
  perform set_config('app.platform_admin', coalesce(p_platform_admin, ''), true);
end
$$;
