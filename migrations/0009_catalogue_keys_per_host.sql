-- The catalogue's keys belong to its host.
--
-- Codes were unique across the whole platform, so one host's code could be refused because another
-- host (or a line the person cannot see) used it. They are now unique per host: a service line's
-- code within its host, and an offering's, SLA policy's or calendar's within the host that runs it.
-- The constraints are named, so that the application answers a clash with ERR_CATALOGUE_CODE_TAKEN
-- whether or not the caller can see the row it met (see catalogue.errors.ts).
--
-- Every reference between catalogue rows now carries the host too, so a row can only point at a row
-- of the same host, and the tables can later be distributed by host without a redesign.

alter table service_lines drop constraint service_lines_code_key;
alter table service_lines add constraint service_lines_host_code unique (org_id, code);
alter table service_lines add constraint service_lines_host_id unique (org_id, id);

alter table calendars drop constraint calendars_code_key;
alter table calendars add constraint calendars_host_code unique (host_org_id, code);
alter table calendars add constraint calendars_host_id unique (host_org_id, id);

alter table sla_policies drop constraint sla_policies_code_key;
alter table sla_policies add constraint sla_policies_host_code unique (host_org_id, code);
alter table sla_policies add constraint sla_policies_host_id unique (host_org_id, id);

alter table offerings drop constraint offerings_code_key;
alter table offerings add constraint offerings_host_code unique (host_org_id, code);
alter table offerings add constraint offerings_host_line_id unique (host_org_id, service_line_id, id);

-- References by id alone become references by (host, id).
alter table service_line_teams drop constraint service_line_teams_service_line_id_fkey;
alter table service_line_teams add constraint service_line_teams_line
  foreign key (org_id, service_line_id) references service_lines (org_id, id);

alter table service_agreements drop constraint service_agreements_service_line_id_fkey;
alter table service_agreements add constraint service_agreements_line
  foreign key (host_org_id, service_line_id) references service_lines (org_id, id);

alter table sla_policies drop constraint sla_policies_service_line_id_fkey;
alter table sla_policies add constraint sla_policies_line
  foreign key (host_org_id, service_line_id) references service_lines (org_id, id);
alter table sla_policies drop constraint sla_policies_calendar_id_fkey;
alter table sla_policies add constraint sla_policies_calendar
  foreign key (host_org_id, calendar_id) references calendars (host_org_id, id);

alter table offerings drop constraint offerings_service_line_id_fkey;
alter table offerings add constraint offerings_line
  foreign key (host_org_id, service_line_id) references service_lines (org_id, id);
alter table offerings drop constraint offerings_sla_policy_id_fkey;
alter table offerings add constraint offerings_sla_policy
  foreign key (host_org_id, sla_policy_id) references sla_policies (host_org_id, id);

alter table offering_variants drop constraint offering_variants_service_line_id_fkey;
alter table offering_variants drop constraint offering_variants_offering_id_fkey;
alter table offering_variants add constraint offering_variants_offering
  foreign key (host_org_id, service_line_id, offering_id) references offerings (host_org_id, service_line_id, id);
alter table offering_variants drop constraint offering_variants_sla_policy_id_fkey;
alter table offering_variants add constraint offering_variants_sla_policy
  foreign key (host_org_id, sla_policy_id) references sla_policies (host_org_id, id);

alter table catalogue_history drop constraint catalogue_history_service_line_id_fkey;
alter table catalogue_history add constraint catalogue_history_line
  foreign key (host_org_id, service_line_id) references service_lines (org_id, id);

alter table tariffs drop constraint tariffs_service_line_id_fkey;
alter table tariffs drop constraint tariffs_offering_id_fkey;
alter table tariffs add constraint tariffs_offering
  foreign key (host_org_id, service_line_id, offering_id) references offerings (host_org_id, service_line_id, id);

-- Values the application has always kept to a list, now the database's rule too.
alter table offerings add constraint offerings_unit check (
  unit in ('request', 'hour', 'page', 'payslip', 'invoice', 'matter', 'square_metre', 'item', 'day'));
alter table sla_policies add constraint sla_policies_pause_states check (
  pause_states <@ array['awaiting_requester', 'awaiting_approval', 'awaiting_third_party', 'on_hold']::text[]);
