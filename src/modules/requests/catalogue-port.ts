/**
 * What requests need of the catalogue, as one interface, and its implementation in SQL over the
 * catalogue's tables (migrations 0002–0004). The catalogue module is being reshaped; when it offers
 * these through its public surface, only this file changes.
 */
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/index.js';
import type { SlaSnapshot } from './clocks/sla-snapshot.js';

export const FIELD_TYPES = ['text', 'long_text', 'number', 'date', 'choice', 'yes_no', 'file'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** A question of a request form, as the catalogue keeps it. */
export interface FormField {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  hint?: string;
  options?: string[];
}

/** An offering as one organisation requests it: its variant applied. */
export interface OfferingForRequest {
  offeringId: string;
  code: string;
  /** The variant's name where it has one. */
  name: string;
  variantId: string | null;
  /** The standard questions, then the variant's extra ones. */
  formFields: FormField[];
  approvalRequired: boolean;
  serviceLineId: string;
  serviceLineCode: string;
  serviceLineName: string;
  hostOrgId: string;
  /** Taken by the organisation today and not hidden by its variant. */
  visible: boolean;
  /** The organisation has an agreement for the line that began on or before today (now or in the past). */
  everTaken: boolean;
  /** Not retired. */
  active: boolean;
  /** The SLA policy in force for the organisation (the variant's, else the standard), with its calendar. */
  sla: SlaSnapshot;
  /** The bank holidays of the calendar's division. */
  bankHolidays: string[];
}

export interface Team {
  id: string;
  serviceLineId: string;
  name: string;
}

export interface RequestCatalogue {
  /**
   * The offering with this code as `orgId` would request it on `today` (YYYY-MM-DD, in England), or
   * undefined when the unit of work cannot see it (row level security keeps partners to the lines
   * they take).
   */
  offeringFor(tx: Tx, orgId: string, code: string, today: string): Promise<OfferingForRequest | undefined>;
  /** The bank holidays of a division, for a calendar kept in a request's SLA snapshot. */
  bankHolidays(tx: Tx, division: string | null): Promise<string[]>;
  /** A service line's teams. */
  teamsOf(tx: Tx, serviceLineIds: readonly string[]): Promise<Team[]>;
  /** The lines a person keeps as a service manager. */
  managedLineIds(tx: Tx, userId: string): Promise<string[]>;
}

interface OfferingRow {
  id: string;
  code: string;
  name: string;
  form_fields: FormField[];
  extra_fields: FormField[];
  approval_required: boolean;
  service_line_id: string;
  service_line_code: string;
  service_line_name: string;
  host_org_id: string;
  status: string;
  variant_id: string | null;
  hidden: boolean;
  takes_today: boolean;
  ever_taken: boolean;
  sla: SlaSnapshot;
  bank_holidays: string[];
}

export const sqlCatalogue: RequestCatalogue = {
  async offeringFor(tx, orgId, code, today) {
    const { rows } = await sql<OfferingRow>`
      select o.id, o.code, coalesce(v.name, o.name) as name, o.form_fields,
             coalesce(v.extra_fields, '[]'::jsonb) as extra_fields, o.approval_required, o.service_line_id,
             l.code as service_line_code, l.name as service_line_name, o.host_org_id, o.status, v.id as variant_id, coalesce(v.hidden, false) as hidden,
             exists (select 1 from service_agreements a
                      where a.org_id = ${orgId} and a.service_line_id = o.service_line_id
                        and a.valid_from <= ${today}::date
                        and (a.valid_to is null or a.valid_to >= ${today}::date)) as takes_today,
             exists (select 1 from service_agreements a
                      where a.org_id = ${orgId} and a.service_line_id = o.service_line_id
                        and a.valid_from <= ${today}::date) as ever_taken,
             jsonb_build_object(
               'policyId', p.id, 'code', p.code, 'name', p.name, 'version', p.version,
               'warningPercent', p.warning_percent, 'pauseStates', to_jsonb(p.pause_states),
               'targets', p.targets,
               'calendar', jsonb_build_object(
                 'id', c.id, 'code', c.code, 'version', c.version, 'timeZone', c.time_zone,
                 'hours', c.hours, 'holidays', c.holidays,
                 'closures', to_jsonb(array(select d::text from unnest(c.closures) d order by d)))) as sla,
             array(select b.date::text from bank_holidays b where b.division = c.holidays order by b.date)
               as bank_holidays
        from offerings o
        join service_lines l on l.id = o.service_line_id
        left join offering_variants v on v.offering_id = o.id and v.org_id = ${orgId}
        -- Lateral and fenced (offset 0), so that the policy is found by its key for the one offering
        -- rather than joined to every policy, each passed through row level security (0.5 ms a raise).
        join lateral (select * from sla_policies sp
                       where sp.id = coalesce(v.sla_policy_id, o.sla_policy_id) offset 0) p on true
        join calendars c on c.id = p.calendar_id
       where o.code = ${code}
       order by takes_today desc, ever_taken desc
       limit 1`.execute(tx);
    const row = rows[0];
    if (!row) return undefined;
    return {
      offeringId: row.id,
      code: row.code,
      name: row.name,
      variantId: row.variant_id,
      formFields: [...row.form_fields, ...row.extra_fields],
      approvalRequired: row.approval_required,
      serviceLineId: row.service_line_id,
      serviceLineCode: row.service_line_code,
      serviceLineName: row.service_line_name,
      hostOrgId: row.host_org_id,
      visible: row.takes_today && !row.hidden,
      everTaken: row.ever_taken,
      active: row.status === 'active',
      sla: row.sla,
      bankHolidays: row.bank_holidays,
    };
  },

  async bankHolidays(tx, division) {
    if (!division) return [];
    const { rows } = await sql<{ date: string }>`
      select date::text as date from bank_holidays where division = ${division} order by date`.execute(tx);
    return rows.map((row) => row.date);
  },

  async teamsOf(tx, serviceLineIds) {
    if (serviceLineIds.length === 0) return [];
    const { rows } = await sql<{ id: string; service_line_id: string; name: string }>`
      select id, service_line_id, name from service_line_teams
       where service_line_id = any(${[...serviceLineIds]}::uuid[]) order by name`.execute(tx);
    return rows.map((row) => ({ id: row.id, serviceLineId: row.service_line_id, name: row.name }));
  },

  async managedLineIds(tx, userId) {
    const { rows } = await sql<{ id: string }>`
      select id from service_lines where ${userId}::uuid = any(manager_user_ids)`.execute(tx);
    return rows.map((row) => row.id);
  },
};
