-- Which agreements are in force "today" is decided by the date in England (Europe/London), as the
-- application decides it (catalogue.service.ts, londonToday), not by the database server's own time
-- zone: around midnight the two could otherwise disagree about whether a partner takes a line.
create function app_today() returns date
  language sql stable as $$ select (now() at time zone 'Europe/London')::date $$;

create or replace function app_takes_line(line uuid) returns boolean
  language sql stable as $$
  select exists (
    select 1 from service_agreements a
     where a.service_line_id = line and app_org_visible(a.org_id)
       and a.valid_from <= app_today() and (a.valid_to is null or a.valid_to >= app_today()))
$$;

create or replace function app_partner_of(host uuid) returns boolean
  language sql stable as $$
  select exists (
    select 1 from service_agreements a
     where a.host_org_id = host and app_org_visible(a.org_id)
       and a.valid_from <= app_today() and (a.valid_to is null or a.valid_to >= app_today()))
$$;
