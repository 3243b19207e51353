import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import { catalogueTx as c } from '../catalogue.tables.js';
import type { Division, Hours } from './calendars.schemas.js';

export interface Calendar {
  id: string;
  orgId: string;
  hostOrgId: string;
  code: string;
  name: string;
  timeZone: string;
  hours: Hours;
  holidays: Division | null;
  closures: string[];
  version: number;
}

/** What a calendar is written from. */
export interface CalendarValues {
  name: string;
  timeZone: string;
  hours: Hours;
  holidays: Division | null;
  closures: string[];
}

const NO_ID = '00000000-0000-0000-0000-000000000000';
const orNone = (ids: readonly string[]) => (ids.length ? [...ids] : [NO_ID]);

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
    hours: (typeof row.hours === 'string' ? JSON.parse(row.hours) : row.hours) as Hours,
    holidays: row.holidays as Division | null,
    closures: row.closures,
    version: row.version,
  };
}

export const calendarsRepository = {
  /** The calendars these organisations own, by code. */
  async list(tx: Tx, orgIds: readonly string[]): Promise<Calendar[]> {
    const rows = await selectCalendars(tx)
      .where('cal.org_id', 'in', orNone(orgIds))
      .orderBy('cal.code')
      .execute();
    return rows.map(toCalendar);
  },

  /** A calendar by code, among a host's (or, with no host known, among these owners'). */
  async byCode(
    tx: Tx,
    code: string,
    where: { hostOrgId: string } | { orgIds: readonly string[] },
  ): Promise<Calendar | undefined> {
    let query = selectCalendars(tx).where('cal.code', '=', code);
    query =
      'hostOrgId' in where
        ? query.where('cal.host_org_id', '=', where.hostOrgId)
        : query.where('cal.org_id', 'in', orNone(where.orgIds));
    const row = await query.executeTakeFirst();
    return row && toCalendar(row);
  },

  async byId(tx: Tx, id: string): Promise<Calendar | undefined> {
    const row = await selectCalendars(tx).where('cal.id', '=', id).executeTakeFirst();
    return row && toCalendar(row);
  },

  async insert(
    tx: Tx,
    owner: { orgId: string; hostOrgId: string; code: string },
    values: CalendarValues,
  ): Promise<Calendar> {
    const { id } = await c(tx)
      .insertInto('calendars')
      .values({
        org_id: owner.orgId,
        host_org_id: owner.hostOrgId,
        code: owner.code,
        name: values.name,
        time_zone: values.timeZone,
        hours: JSON.stringify(values.hours),
        holidays: values.holidays,
        closures: values.closures,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id, ...owner, ...values, version: 1 };
  },

  async update(tx: Tx, before: Calendar, orgId: string, values: CalendarValues): Promise<Calendar> {
    await c(tx)
      .updateTable('calendars')
      .set({
        org_id: orgId,
        name: values.name,
        time_zone: values.timeZone,
        hours: JSON.stringify(values.hours),
        holidays: values.holidays,
        closures: values.closures,
        version: sql<number>`version + 1`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', before.id)
      .where('host_org_id', '=', before.hostOrgId)
      .execute();
    return { ...before, ...values, orgId, version: before.version + 1 };
  },

  async bankHolidays(tx: Tx, division: Division): Promise<string[]> {
    const rows = await c(tx)
      .selectFrom('bank_holidays')
      .select(sql<string>`date::text`.as('date'))
      .where('division', '=', division)
      .orderBy('date')
      .execute();
    return rows.map((row) => row.date);
  },

  /** Replaces a division's holidays between the first and last date given with the ones given. */
  async replaceBankHolidays(
    tx: Tx,
    division: Division,
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
};
