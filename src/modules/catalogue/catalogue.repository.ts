import { sql } from 'kysely';
import type { Tx } from '../../platform/db/index.js';
import { catalogueTx as c } from './catalogue.tables.js';
import type {
  CalendarInput,
  FormField,
  Hours,
  OfferingInput,
  PauseState,
  Targets,
  VariantInput,
} from './catalogue.schemas.js';

export interface ServiceLine {
  id: string;
  orgId: string;
  code: string;
  name: string;
  managerUserIds: string[];
  teams: string[];
}

export interface Calendar {
  id: string;
  orgId: string;
  hostOrgId: string;
  code: string;
  name: string;
  timeZone: string;
  hours: Hours;
  holidays: string | null;
  closures: string[];
  version: number;
}

export interface SlaPolicy {
  id: string;
  orgId: string;
  hostOrgId: string;
  serviceLineId: string;
  code: string;
  name: string;
  calendarId: string;
  calendarCode: string;
  warningPercent: number;
  pauseStates: PauseState[];
  targets: Targets;
  version: number;
}

export interface Offering {
  id: string;
  hostOrgId: string;
  serviceLineId: string;
  serviceLineCode: string;
  serviceLineName: string;
  code: string;
  name: string;
  description: string;
  lgslId: number | null;
  unit: string;
  formFields: FormField[];
  slaPolicyId: string;
  approvalRequired: boolean;
  status: 'active' | 'retired';
  version: number;
  updatedAt: Date;
}

export interface Variant {
  id: string;
  orgId: string;
  offeringId: string;
  name: string | null;
  description: string | null;
  hidden: boolean;
  extraFields: FormField[];
  slaPolicyId: string | null;
  version: number;
  updatedAt: Date;
}

export interface Tariff {
  id: string;
  orgId: string;
  hostOrgId: string;
  offeringId: string;
  offeringCode: string;
  pence: number;
  validFrom: string;
  validTo: string | null;
  createdAt: Date;
}

/** A partner taking a service line, from and to dates (inclusive; no end: until further notice). */
export interface Agreement {
  id: string;
  orgId: string;
  hostOrgId: string;
  serviceLineId: string;
  serviceLineCode: string;
  serviceLineName: string;
  validFrom: string;
  validTo: string | null;
}

/** Someone named on a service line, or who could be. */
export interface Person {
  id: string;
  name: string;
  email: string;
}

export interface HistoryEntry {
  version: number;
  snapshot: unknown;
  changedBy: string | null;
  changedByName: string | null;
  changedAt: Date;
}

const json = (value: unknown) => JSON.stringify(value);
const parse = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

function selectOfferings(tx: Tx) {
  return c(tx)
    .selectFrom('offerings as o')
    .innerJoin('service_lines as l', 'l.id', 'o.service_line_id')
    .select([
      'o.id',
      'o.host_org_id',
      'o.service_line_id',
      'l.code as line_code',
      'l.name as line_name',
      'o.code',
      'o.name',
      'o.description',
      'o.lgsl_id',
      'o.unit',
      'o.form_fields',
      'o.sla_policy_id',
      'o.approval_required',
      'o.status',
      'o.version',
      'o.updated_at',
    ]);
}

type OfferingRow = Awaited<ReturnType<ReturnType<typeof selectOfferings>['executeTakeFirstOrThrow']>>;

function toOffering(row: OfferingRow): Offering {
  return {
    id: row.id,
    hostOrgId: row.host_org_id,
    serviceLineId: row.service_line_id,
    serviceLineCode: row.line_code,
    serviceLineName: row.line_name,
    code: row.code,
    name: row.name,
    description: row.description,
    lgslId: row.lgsl_id,
    unit: row.unit,
    formFields: parse<FormField[]>(row.form_fields),
    slaPolicyId: row.sla_policy_id,
    approvalRequired: row.approval_required,
    status: row.status as Offering['status'],
    version: row.version,
    updatedAt: row.updated_at,
  };
}

function selectVariants(tx: Tx) {
  return c(tx)
    .selectFrom('offering_variants as v')
    .select([
      'v.id',
      'v.org_id',
      'v.offering_id',
      'v.name',
      'v.description',
      'v.hidden',
      'v.extra_fields',
      'v.sla_policy_id',
      'v.version',
      'v.updated_at',
    ]);
}

type VariantRow = Awaited<ReturnType<ReturnType<typeof selectVariants>['executeTakeFirstOrThrow']>>;

function toVariant(row: VariantRow): Variant {
  return {
    id: row.id,
    orgId: row.org_id,
    offeringId: row.offering_id,
    name: row.name,
    description: row.description,
    hidden: row.hidden,
    extraFields: parse<FormField[]>(row.extra_fields),
    slaPolicyId: row.sla_policy_id,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

function selectPolicies(tx: Tx) {
  return c(tx)
    .selectFrom('sla_policies as p')
    .innerJoin('calendars as cal', 'cal.id', 'p.calendar_id')
    .select([
      'p.id',
      'p.org_id',
      'p.host_org_id',
      'p.service_line_id',
      'p.code',
      'p.name',
      'p.calendar_id',
      'cal.code as calendar_code',
      'p.warning_percent',
      'p.pause_states',
      'p.targets',
      'p.version',
    ]);
}

type PolicyRow = Awaited<ReturnType<ReturnType<typeof selectPolicies>['executeTakeFirstOrThrow']>>;

function toPolicy(row: PolicyRow): SlaPolicy {
  return {
    id: row.id,
    orgId: row.org_id,
    hostOrgId: row.host_org_id,
    serviceLineId: row.service_line_id,
    code: row.code,
    name: row.name,
    calendarId: row.calendar_id,
    calendarCode: row.calendar_code,
    warningPercent: row.warning_percent,
    pauseStates: row.pause_states as PauseState[],
    targets: parse<Targets>(row.targets),
    version: row.version,
  };
}

function selectCalendars(tx: Tx) {
  return c(tx)
    .selectFrom('calendars as cal')
    .select([
      'cal.id',
      'cal.org_id',
      'cal.host_org_id',
      'cal.code',
      'cal.name',
      'cal.time_zone',
      'cal.hours',
      'cal.holidays',
      'cal.version',
    ])
    .select(sql<string[]>`cal.closures::text[]`.as('closures'));
}

type CalendarRow = Awaited<ReturnType<ReturnType<typeof selectCalendars>['executeTakeFirstOrThrow']>>;

function toCalendar(row: CalendarRow): Calendar {
  return {
    id: row.id,
    orgId: row.org_id,
    hostOrgId: row.host_org_id,
    code: row.code,
    name: row.name,
    timeZone: row.time_zone,
    hours: parse<Hours>(row.hours),
    holidays: row.holidays,
    closures: row.closures,
    version: row.version,
  };
}

/**
 * True for rows of an effective-dated table (`valid_from`, `valid_to`, both inclusive, no end:
 * open-ended) whose period shares a day with [from, to]: the rule the overlap trigger enforces.
 */
function periodMeets(alias: 'a' | 't', from: string, to: string | null) {
  return sql<boolean>`daterange(${sql.ref(`${alias}.valid_from`)}, ${sql.ref(`${alias}.valid_to`)}, '[]')
                      && daterange(${from}::date, ${to}::date, '[]')`;
}

function selectTariffs(tx: Tx) {
  return c(tx)
    .selectFrom('tariffs as t')
    .innerJoin('offerings as o', 'o.id', 't.offering_id')
    .select([
      't.id',
      't.org_id',
      't.host_org_id',
      't.offering_id',
      'o.code as offering_code',
      't.unit_price_pence',
      't.created_at',
    ])
    .select([
      sql<string>`t.valid_from::text`.as('valid_from'),
      sql<string | null>`t.valid_to::text`.as('valid_to'),
    ]);
}

type TariffRow = Awaited<ReturnType<ReturnType<typeof selectTariffs>['executeTakeFirstOrThrow']>>;

function toTariff(row: TariffRow): Tariff {
  return {
    id: row.id,
    orgId: row.org_id,
    hostOrgId: row.host_org_id,
    offeringId: row.offering_id,
    offeringCode: row.offering_code,
    pence: Number(row.unit_price_pence),
    validFrom: row.valid_from,
    validTo: row.valid_to,
    createdAt: row.created_at,
  };
}

function selectAgreements(tx: Tx) {
  return c(tx)
    .selectFrom('service_agreements as a')
    .innerJoin('service_lines as l', 'l.id', 'a.service_line_id')
    .select([
      'a.id',
      'a.org_id',
      'a.host_org_id',
      'a.service_line_id',
      'l.code as line_code',
      'l.name as line_name',
    ])
    .select([
      sql<string>`a.valid_from::text`.as('valid_from'),
      sql<string | null>`a.valid_to::text`.as('valid_to'),
    ]);
}

type AgreementRow = Awaited<ReturnType<ReturnType<typeof selectAgreements>['executeTakeFirstOrThrow']>>;

function toAgreement(row: AgreementRow): Agreement {
  return {
    id: row.id,
    orgId: row.org_id,
    hostOrgId: row.host_org_id,
    serviceLineId: row.service_line_id,
    serviceLineCode: row.line_code,
    serviceLineName: row.line_name,
    validFrom: row.valid_from,
    validTo: row.valid_to,
  };
}

const NO_ID = '00000000-0000-0000-0000-000000000000';
const orNone = (ids: readonly string[]) => (ids.length ? [...ids] : [NO_ID]);

export const catalogueRepository = {
  // Service lines and agreements

  async serviceLines(tx: Tx, ids?: readonly string[]): Promise<ServiceLine[]> {
    let query = c(tx)
      .selectFrom('service_lines as l')
      .select(['l.id', 'l.org_id', 'l.code', 'l.name', 'l.manager_user_ids'])
      .select(
        sql<
          string[]
        >`coalesce((select array_agg(t.name order by t.name) from service_line_teams t where t.service_line_id = l.id), '{}')`.as(
          'teams',
        ),
      )
      .orderBy('l.name');
    if (ids) query = query.where('l.id', 'in', orNone(ids));
    const rows = await query.execute();
    return rows.map((row) => ({
      id: row.id,
      orgId: row.org_id,
      code: row.code,
      name: row.name,
      managerUserIds: row.manager_user_ids,
      teams: row.teams,
    }));
  },

  async serviceLineByCode(tx: Tx, code: string): Promise<ServiceLine | undefined> {
    const row = await c(tx)
      .selectFrom('service_lines')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirst();
    return row && (await catalogueRepository.serviceLines(tx, [row.id]))[0];
  },

  async insertServiceLine(
    tx: Tx,
    line: { orgId: string; code: string; name: string; managerUserIds: string[]; teams: string[] },
  ): Promise<string> {
    const { id } = await c(tx)
      .insertInto('service_lines')
      .values({ org_id: line.orgId, code: line.code, name: line.name, manager_user_ids: line.managerUserIds })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (line.teams.length) {
      await c(tx)
        .insertInto('service_line_teams')
        .values(line.teams.map((name) => ({ org_id: line.orgId, service_line_id: id, name })))
        .execute();
    }
    return id;
  },

  /** Lines this person keeps: listed as a manager. Row level security adds that they act in the host as a service manager. */
  async managedLineIds(tx: Tx, userId: string, hostOrgId: string): Promise<string[]> {
    const rows = await c(tx)
      .selectFrom('service_lines')
      .select('id')
      .where('org_id', '=', hostOrgId)
      .where(sql<boolean>`${userId}::uuid = any(manager_user_ids)`)
      .execute();
    return rows.map((row) => row.id);
  },

  /** The lines an organisation takes on a date, and from which host. */
  async linesTaken(
    tx: Tx,
    orgId: string,
    on: string,
  ): Promise<Array<{ serviceLineId: string; hostOrgId: string }>> {
    const rows = await c(tx)
      .selectFrom('service_agreements')
      .select(['service_line_id', 'host_org_id'])
      .where('org_id', '=', orgId)
      .where('valid_from', '<=', on)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', on)]))
      .execute();
    return rows.map((row) => ({ serviceLineId: row.service_line_id, hostOrgId: row.host_org_id }));
  },

  async insertAgreement(
    tx: Tx,
    agreement: {
      orgId: string;
      hostOrgId: string;
      serviceLineId: string;
      validFrom: string;
      validTo: string | null;
    },
  ): Promise<string> {
    const { id } = await c(tx)
      .insertInto('service_agreements')
      .values({
        org_id: agreement.orgId,
        host_org_id: agreement.hostOrgId,
        service_line_id: agreement.serviceLineId,
        valid_from: agreement.validFrom,
        valid_to: agreement.validTo,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  },

  /** Every agreement of one organisation, past, present and future, by line then start. */
  async agreements(tx: Tx, orgId: string): Promise<Agreement[]> {
    const rows = await selectAgreements(tx)
      .where('a.org_id', '=', orgId)
      .orderBy('l.name')
      .orderBy('a.valid_from')
      .execute();
    return rows.map(toAgreement);
  },

  async agreementById(tx: Tx, id: string): Promise<Agreement | undefined> {
    const row = await selectAgreements(tx).where('a.id', '=', id).executeTakeFirst();
    return row && toAgreement(row);
  },

  /** Agreements of this organisation for this line whose dates meet [from, to] (to null: open-ended). */
  async overlappingAgreements(
    tx: Tx,
    orgId: string,
    serviceLineId: string,
    from: string,
    to: string | null,
  ): Promise<Agreement[]> {
    const rows = await selectAgreements(tx)
      .where('a.org_id', '=', orgId)
      .where('a.service_line_id', '=', serviceLineId)
      .where(periodMeets('a', from, to))
      .execute();
    return rows.map(toAgreement);
  },

  async endAgreement(tx: Tx, id: string, validTo: string): Promise<Agreement> {
    await c(tx).updateTable('service_agreements').set({ valid_to: validTo }).where('id', '=', id).execute();
    return (await catalogueRepository.agreementById(tx, id))!;
  },

  /** One organisation's code, name and role in the partnership, when the caller may see it. */
  async organisation(
    tx: Tx,
    id: string,
  ): Promise<{ id: string; code: string; name: string; role: 'host' | 'partner' } | undefined> {
    return tx
      .selectFrom('organisations')
      .select(['id', 'code', 'name', 'role'])
      .where('id', '=', id)
      .executeTakeFirst();
  },

  // Service line managers

  /** People who hold the service manager role in the host and are not disabled: who may manage its lines. */
  async serviceManagersOf(tx: Tx, hostOrgId: string): Promise<Person[]> {
    return tx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.name', 'u.email'])
      .where('m.org_id', '=', hostOrgId)
      .where(sql<boolean>`'service_manager' = any(m.roles)`)
      .where('u.disabled_at', 'is', null)
      .orderBy('u.name')
      .execute();
  },

  async people(tx: Tx, ids: readonly string[]): Promise<Person[]> {
    return tx
      .selectFrom('users')
      .select(['id', 'name', 'email'])
      .where('id', 'in', orNone(ids))
      .orderBy('name')
      .execute();
  },

  /** Adds a manager to a line; false when they were already one. */
  async addLineManager(tx: Tx, serviceLineId: string, userId: string): Promise<boolean> {
    const result = await c(tx)
      .updateTable('service_lines')
      .set({
        manager_user_ids: sql<string[]>`array_append(manager_user_ids, ${userId}::uuid)`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', serviceLineId)
      .where(sql<boolean>`not (${userId}::uuid = any(manager_user_ids))`)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  /**
   * Takes a manager off a line, unless that would leave it with none; false then. The condition sits
   * in the statement, so two managers removing each other at once cannot both succeed.
   */
  async removeLineManager(tx: Tx, serviceLineId: string, userId: string): Promise<boolean> {
    const result = await c(tx)
      .updateTable('service_lines')
      .set({
        manager_user_ids: sql<string[]>`array_remove(manager_user_ids, ${userId}::uuid)`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', serviceLineId)
      .where(sql<boolean>`${userId}::uuid = any(manager_user_ids)`)
      .where(sql<boolean>`cardinality(array_remove(manager_user_ids, ${userId}::uuid)) > 0`)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  // Service line teams

  /**
   * Adds a team to a line; false when the line already has a team of that name, whatever its case.
   * The condition sits in the statement, so the check and the insert see the same teams.
   */
  async addLineTeam(tx: Tx, line: { id: string; orgId: string }, name: string): Promise<boolean> {
    const result = await sql`
      insert into service_line_teams (org_id, service_line_id, name)
      select ${line.orgId}::uuid, ${line.id}::uuid, ${name}
       where not exists (select 1 from service_line_teams
                          where service_line_id = ${line.id}::uuid and lower(name) = lower(${name}))`.execute(
      tx,
    );
    return (result.numAffectedRows ?? 0n) > 0n;
  },

  /** Takes a team off a line; false when the line has no team of exactly that name. */
  async removeLineTeam(tx: Tx, serviceLineId: string, name: string): Promise<boolean> {
    const result = await c(tx)
      .deleteFrom('service_line_teams')
      .where('service_line_id', '=', serviceLineId)
      .where('name', '=', name)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  },

  /** Partners taking any of these lines at any time, for variant and price pages. */
  async partnersOf(
    tx: Tx,
    hostOrgId: string,
    lineIds?: readonly string[],
  ): Promise<Array<{ id: string; code: string; name: string }>> {
    let query = c(tx)
      .selectFrom('organisations as o')
      .select(['o.id', 'o.code', 'o.name'])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('service_agreements as a')
            .select('a.id')
            .whereRef('a.org_id', '=', 'o.id')
            .where('a.host_org_id', '=', hostOrgId)
            .$if(lineIds !== undefined, (q) => q.where('a.service_line_id', 'in', orNone(lineIds ?? []))),
        ),
      )
      .orderBy('o.name');
    query = query.where('o.id', '<>', hostOrgId);
    return query.execute();
  },

  // Calendars and bank holidays

  async calendars(tx: Tx, orgIds: readonly string[]): Promise<Calendar[]> {
    return (
      await selectCalendars(tx).where('cal.org_id', 'in', orNone(orgIds)).orderBy('cal.code').execute()
    ).map(toCalendar);
  },

  async calendarByCode(tx: Tx, code: string): Promise<Calendar | undefined> {
    const row = await selectCalendars(tx).where('cal.code', '=', code).executeTakeFirst();
    return row && toCalendar(row);
  },

  async calendarById(tx: Tx, id: string): Promise<Calendar | undefined> {
    const row = await selectCalendars(tx).where('cal.id', '=', id).executeTakeFirst();
    return row && toCalendar(row);
  },

  /** Is any calendar, visible or not, using this code? Codes are unique across the platform. */
  async calendarCodeTaken(tx: Tx, code: string): Promise<boolean> {
    const result = await sql<{
      taken: boolean;
    }>`select exists (select 1 from calendars where code = ${code}) as taken`.execute(tx);
    return result.rows[0]?.taken ?? false;
  },

  async insertCalendar(tx: Tx, orgId: string, hostOrgId: string, input: CalendarInput): Promise<Calendar> {
    const { id } = await c(tx)
      .insertInto('calendars')
      .values({
        org_id: orgId,
        host_org_id: hostOrgId,
        code: input.code,
        name: input.name,
        time_zone: input.timeZone,
        hours: json(input.hours),
        holidays: input.holidays,
        closures: input.closures,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await catalogueRepository.calendarById(tx, id))!;
  },

  async updateCalendar(tx: Tx, id: string, orgId: string, input: CalendarInput): Promise<Calendar> {
    await c(tx)
      .updateTable('calendars')
      .set({
        org_id: orgId,
        name: input.name,
        time_zone: input.timeZone,
        hours: json(input.hours),
        holidays: input.holidays,
        closures: input.closures,
        version: sql<number>`version + 1`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .execute();
    return (await catalogueRepository.calendarById(tx, id))!;
  },

  async bankHolidays(tx: Tx, division: string): Promise<string[]> {
    const rows = await c(tx)
      .selectFrom('bank_holidays')
      .select(sql<string>`date::text`.as('date'))
      .where('division', '=', division)
      .orderBy('date')
      .execute();
    return rows.map((row) => row.date);
  },

  /** Replaces each division's holidays between the first and last date given with the ones given. */
  async replaceBankHolidays(
    tx: Tx,
    division: string,
    events: Array<{ date: string; title: string }>,
  ): Promise<void> {
    if (events.length === 0) return;
    const dates = events.map((event) => event.date).sort();
    await c(tx)
      .deleteFrom('bank_holidays')
      .where('division', '=', division)
      .where('date', '>=', dates[0]!)
      .where('date', '<=', dates[dates.length - 1]!)
      .execute();
    await c(tx)
      .insertInto('bank_holidays')
      .values(events.map((event) => ({ division, date: event.date, title: event.title })))
      .execute();
  },

  // SLA policies

  async slaPolicies(
    tx: Tx,
    filter: { lineIds?: readonly string[]; orgIds?: readonly string[] },
  ): Promise<SlaPolicy[]> {
    let query = selectPolicies(tx).orderBy('p.code');
    if (filter.lineIds) query = query.where('p.service_line_id', 'in', orNone(filter.lineIds));
    if (filter.orgIds) query = query.where('p.org_id', 'in', orNone(filter.orgIds));
    return (await query.execute()).map(toPolicy);
  },

  async slaPolicyByCode(tx: Tx, code: string): Promise<SlaPolicy | undefined> {
    const row = await selectPolicies(tx).where('p.code', '=', code).executeTakeFirst();
    return row && toPolicy(row);
  },

  async slaPolicyById(tx: Tx, id: string): Promise<SlaPolicy | undefined> {
    const row = await selectPolicies(tx).where('p.id', '=', id).executeTakeFirst();
    return row && toPolicy(row);
  },

  async codeTaken(tx: Tx, table: 'sla_policies' | 'offerings', code: string): Promise<boolean> {
    const result = await sql<{
      taken: boolean;
    }>`select exists (select 1 from ${sql.table(table)} where code = ${code}) as taken`.execute(tx);
    return result.rows[0]?.taken ?? false;
  },

  async insertSlaPolicy(
    tx: Tx,
    policy: {
      orgId: string;
      hostOrgId: string;
      serviceLineId: string;
      calendarId: string;
      code: string;
      name: string;
      warningPercent: number;
      pauseStates: string[];
      targets: Targets;
    },
  ): Promise<SlaPolicy> {
    const { id } = await c(tx)
      .insertInto('sla_policies')
      .values({
        org_id: policy.orgId,
        host_org_id: policy.hostOrgId,
        service_line_id: policy.serviceLineId,
        calendar_id: policy.calendarId,
        code: policy.code,
        name: policy.name,
        warning_percent: policy.warningPercent,
        pause_states: policy.pauseStates,
        targets: json(policy.targets),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await catalogueRepository.slaPolicyById(tx, id))!;
  },

  async updateSlaPolicy(
    tx: Tx,
    id: string,
    policy: {
      calendarId: string;
      name: string;
      warningPercent: number;
      pauseStates: string[];
      targets: Targets;
    },
  ): Promise<SlaPolicy> {
    await c(tx)
      .updateTable('sla_policies')
      .set({
        calendar_id: policy.calendarId,
        name: policy.name,
        warning_percent: policy.warningPercent,
        pause_states: policy.pauseStates,
        targets: json(policy.targets),
        version: sql<number>`version + 1`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .execute();
    return (await catalogueRepository.slaPolicyById(tx, id))!;
  },

  // Offerings and variants

  async offerings(
    tx: Tx,
    lineIds: readonly string[],
    options: { activeOnly?: boolean } = {},
  ): Promise<Offering[]> {
    let query = selectOfferings(tx)
      .where('o.service_line_id', 'in', orNone(lineIds))
      .orderBy('l.name')
      .orderBy('o.name');
    if (options.activeOnly) query = query.where('o.status', '=', 'active');
    return (await query.execute()).map(toOffering);
  },

  async offeringByCode(tx: Tx, code: string): Promise<Offering | undefined> {
    const row = await selectOfferings(tx).where('o.code', '=', code).executeTakeFirst();
    return row && toOffering(row);
  },

  async insertOffering(
    tx: Tx,
    hostOrgId: string,
    serviceLineId: string,
    slaPolicyId: string,
    input: OfferingInput,
  ): Promise<Offering> {
    await c(tx)
      .insertInto('offerings')
      .values({
        org_id: hostOrgId,
        host_org_id: hostOrgId,
        service_line_id: serviceLineId,
        code: input.code,
        name: input.name,
        description: input.description,
        lgsl_id: input.lgslId,
        unit: input.unit,
        form_fields: json(input.formFields),
        sla_policy_id: slaPolicyId,
        approval_required: input.approvalRequired,
        status: input.status,
      })
      .execute();
    return (await catalogueRepository.offeringByCode(tx, input.code))!;
  },

  async updateOffering(
    tx: Tx,
    id: string,
    serviceLineId: string,
    slaPolicyId: string,
    input: OfferingInput,
  ): Promise<void> {
    await c(tx)
      .updateTable('offerings')
      .set({
        service_line_id: serviceLineId,
        name: input.name,
        description: input.description,
        lgsl_id: input.lgslId,
        unit: input.unit,
        form_fields: json(input.formFields),
        sla_policy_id: slaPolicyId,
        approval_required: input.approvalRequired,
        status: input.status,
        version: sql<number>`version + 1`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .execute();
  },

  async variants(
    tx: Tx,
    filter: { offeringIds?: readonly string[]; orgIds?: readonly string[] },
  ): Promise<Variant[]> {
    let query = selectVariants(tx);
    if (filter.offeringIds) query = query.where('v.offering_id', 'in', orNone(filter.offeringIds));
    if (filter.orgIds) query = query.where('v.org_id', 'in', orNone(filter.orgIds));
    return (await query.execute()).map(toVariant);
  },

  async saveVariant(
    tx: Tx,
    offering: Offering,
    orgId: string,
    input: VariantInput,
    slaPolicyId: string | null,
  ): Promise<Variant> {
    const values = {
      name: input.name,
      description: input.description,
      hidden: input.hidden,
      extra_fields: json(input.extraFields),
      sla_policy_id: slaPolicyId,
    };
    await c(tx)
      .insertInto('offering_variants')
      .values({
        ...values,
        org_id: orgId,
        host_org_id: offering.hostOrgId,
        service_line_id: offering.serviceLineId,
        offering_id: offering.id,
      })
      .onConflict((oc) =>
        oc.columns(['org_id', 'offering_id']).doUpdateSet({
          ...values,
          version: sql<number>`offering_variants.version + 1`,
          updated_at: sql<Date>`now()`,
        }),
      )
      .execute();
    return (await catalogueRepository.variants(tx, { offeringIds: [offering.id], orgIds: [orgId] }))[0]!;
  },

  async recordHistory(
    tx: Tx,
    entry: {
      orgId: string;
      hostOrgId: string;
      serviceLineId: string;
      entityType: 'offering' | 'variant' | 'sla_policy';
      entityId: string;
      version: number;
      snapshot: unknown;
      changedBy: string | null;
    },
  ): Promise<void> {
    await c(tx)
      .insertInto('catalogue_history')
      .values({
        org_id: entry.orgId,
        host_org_id: entry.hostOrgId,
        service_line_id: entry.serviceLineId,
        entity_type: entry.entityType,
        entity_id: entry.entityId,
        version: entry.version,
        snapshot: json(entry.snapshot),
        changed_by: entry.changedBy,
      })
      .execute();
  },

  async history(tx: Tx, entityType: string, entityId: string): Promise<HistoryEntry[]> {
    const rows = await c(tx)
      .selectFrom('catalogue_history as h')
      .leftJoin('users as u', 'u.id', 'h.changed_by')
      .select(['h.version', 'h.snapshot', 'h.changed_by', 'u.name as changed_by_name', 'h.changed_at'])
      .where('h.entity_type', '=', entityType)
      .where('h.entity_id', '=', entityId)
      .orderBy('h.version', 'desc')
      .execute();
    return rows.map((row) => ({
      version: row.version,
      snapshot: parse(row.snapshot),
      changedBy: row.changed_by,
      changedByName: row.changed_by_name,
      changedAt: row.changed_at,
    }));
  },

  // Tariffs

  async tariffs(
    tx: Tx,
    filter: { offeringIds?: readonly string[]; orgIds?: readonly string[]; on?: string },
  ): Promise<Tariff[]> {
    let query = selectTariffs(tx).orderBy('o.code').orderBy('t.org_id').orderBy('t.valid_from');
    if (filter.offeringIds) query = query.where('t.offering_id', 'in', orNone(filter.offeringIds));
    if (filter.orgIds) query = query.where('t.org_id', 'in', orNone(filter.orgIds));
    if (filter.on) {
      const on = filter.on;
      query = query
        .where('t.valid_from', '<=', on)
        .where((eb) => eb.or([eb('t.valid_to', 'is', null), eb('t.valid_to', '>=', on)]));
    }
    return (await query.execute()).map(toTariff);
  },

  async tariffById(tx: Tx, id: string): Promise<Tariff | undefined> {
    const row = await selectTariffs(tx).where('t.id', '=', id).executeTakeFirst();
    return row && toTariff(row);
  },

  /** Prices of this offering for this organisation whose dates meet [from, to] (to null: open-ended). */
  async overlappingTariffs(
    tx: Tx,
    offeringId: string,
    orgId: string,
    from: string,
    to: string | null,
    exceptId?: string,
  ): Promise<Tariff[]> {
    let query = selectTariffs(tx)
      .where('t.offering_id', '=', offeringId)
      .where('t.org_id', '=', orgId)
      .where(periodMeets('t', from, to));
    if (exceptId) query = query.where('t.id', '<>', exceptId);
    return (await query.execute()).map(toTariff);
  },

  async insertTariff(
    tx: Tx,
    tariff: {
      orgId: string;
      hostOrgId: string;
      serviceLineId: string;
      offeringId: string;
      pence: number;
      validFrom: string;
      validTo: string | null;
      createdBy: string | null;
    },
  ): Promise<Tariff> {
    const { id } = await c(tx)
      .insertInto('tariffs')
      .values({
        org_id: tariff.orgId,
        host_org_id: tariff.hostOrgId,
        service_line_id: tariff.serviceLineId,
        offering_id: tariff.offeringId,
        unit_price_pence: tariff.pence,
        valid_from: tariff.validFrom,
        valid_to: tariff.validTo,
        created_by: tariff.createdBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await catalogueRepository.tariffById(tx, id))!;
  },

  async endTariff(tx: Tx, id: string, validTo: string): Promise<Tariff> {
    await c(tx).updateTable('tariffs').set({ valid_to: validTo }).where('id', '=', id).execute();
    return (await catalogueRepository.tariffById(tx, id))!;
  },
};
