import { hasRole, scopeOf, type Principal } from '../../platform/auth/index.js';
import { inScope, type Database, type Scope, type Tx } from '../../platform/db/index.js';
import { DomainError, forbidden, notFound, validationFailed } from '../../platform/errors.js';
import {
  CalendarError,
  compileCalendar,
  due,
  workingMinutesBetween,
  type WorkingCalendar,
} from '../../kernel/working-time.js';
import { auditBy, recordAudit } from '../audit/index.js';
import { catalogueRepository as repo, type Calendar } from './catalogue.repository.js';
import {
  DIVISIONS,
  isIsoDate,
  parseInstant,
  parseMinutes,
  validateCalendar,
  type CalendarInput,
} from './catalogue.schemas.js';
import { accessOf, type Context } from './catalogue.service.js';

/** A calendar in the API's shape. */
export interface CalendarJson {
  code: string;
  name: string;
  timeZone: string;
  hours: Calendar['hours'];
  holidays: string | null;
  closures: string[];
}

export function calendarJson(calendar: Calendar): CalendarJson {
  return {
    code: calendar.code,
    name: calendar.name,
    timeZone: calendar.timeZone,
    hours: calendar.hours,
    holidays: calendar.holidays,
    closures: calendar.closures,
  };
}

function calendarFailure(error: CalendarError): DomainError {
  const field =
    error.code === 'ERR_INVALID_MINUTES'
      ? 'minutes'
      : error.code === 'ERR_INVALID_INSTANT'
        ? 'from'
        : 'calendar';
  return new DomainError(error.code, error.message, {
    fields: {
      [field]: `catalogue.errors.${error.code === 'ERR_NO_WORKING_TIME' ? 'noWorkingTime' : 'outOfRange'}`,
    },
  });
}

/** Compiles a stored calendar with its division's bank holidays and its own closures. */
export async function workingCalendar(tx: Tx, calendar: Calendar): Promise<WorkingCalendar> {
  const holidays = calendar.holidays ? await repo.bankHolidays(tx, calendar.holidays) : [];
  return compileCalendar({
    timeZone: calendar.timeZone,
    hours: calendar.hours,
    closedDates: [...holidays, ...calendar.closures],
  });
}

export interface BankHolidayFile {
  [division: string]: { division: string; events: Array<{ title: string; date: string }> };
}

/** Checks a file in the shape of gov.uk's bank-holidays.json; returns the problem or the events by division. */
export function readBankHolidayFile(
  data: unknown,
): { divisions: Map<string, Array<{ date: string; title: string }>> } | { problem: string } {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { problem: 'expected an object of divisions' };
  const divisions = new Map<string, Array<{ date: string; title: string }>>();
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (!(DIVISIONS as readonly string[]).includes(key)) return { problem: `unknown division "${key}"` };
    const events = (value as { events?: unknown })?.events;
    if (!Array.isArray(events)) return { problem: `${key} has no list of events` };
    // One holiday a day: where a file names two (substitute days), the first title stands.
    const byDate = new Map<string, { date: string; title: string }>();
    for (const event of events as Array<Record<string, unknown>>) {
      if (!isIsoDate(event?.date) || typeof event.title !== 'string' || !event.title.trim())
        return { problem: `${key}: every event needs a date (YYYY-MM-DD) and a title` };
      if (!byDate.has(event.date)) byDate.set(event.date, { date: event.date, title: event.title.trim() });
    }
    divisions.set(key, [...byDate.values()]);
  }
  if (divisions.size === 0) return { problem: 'no divisions in the file' };
  return { divisions };
}

export function calendarsService(db: Database) {
  /** Standard calendars (the host's) and the caller's own; a host service manager sees the partners' too. */
  const visibleOwners = async (
    tx: Tx,
    principal: Principal,
  ): Promise<{ owners: string[] | 'all-of-host'; hostOrgId: string | null; manager: boolean }> => {
    const access = await accessOf(tx, principal);
    const manager = access.isHost && hasRole(principal, 'service_manager');
    if (manager) return { owners: 'all-of-host', hostOrgId: access.hostOrgId, manager };
    return {
      owners: access.hostOrgId ? [access.hostOrgId, access.orgId] : [access.orgId],
      hostOrgId: access.hostOrgId,
      manager,
    };
  };

  const visibleCalendar = async (
    tx: Tx,
    principal: Principal,
    code: string,
  ): Promise<Calendar & { manager: boolean }> => {
    const calendar = await repo.calendarByCode(tx, code.toUpperCase());
    const { owners, hostOrgId, manager } = await visibleOwners(tx, principal);
    const visible =
      calendar &&
      (owners === 'all-of-host' ? calendar.hostOrgId === hostOrgId : owners.includes(calendar.orgId));
    if (!calendar || !visible) throw notFound('That calendar');
    return { ...calendar, manager };
  };

  /** Creates or replaces by code, as a host service manager. */
  const save = async (
    tx: Tx,
    ctx: Context,
    input: Record<string, unknown>,
    mode: 'create' | 'replace' | 'upsert',
    codeFromPath?: string,
  ) => {
    const checked = validateCalendar(codeFromPath ? { ...input, code: codeFromPath } : input);
    if (Object.keys(checked.errors).length)
      throw new DomainError(checked.code, checked.message ?? 'Some values are not valid', {
        fields: checked.errors,
      });
    const value: CalendarInput = checked.value;
    const principal = ctx.principal;
    if (principal.org.role !== 'host' || !hasRole(principal, 'service_manager'))
      throw forbidden('Only service managers change calendars');
    const hostOrgId = principal.org.orgId;
    let ownerId = hostOrgId;
    if (value.organisation) {
      const partner = (await repo.partnersOf(tx, hostOrgId)).find((p) => p.code === value.organisation);
      if (!partner)
        throw new DomainError('ERR_UNKNOWN_ORGANISATION', `No partner has the code ${value.organisation}`, {
          fields: { organisation: 'catalogue.errors.organisationUnknown' },
        });
      ownerId = partner.id;
    }
    const existing = await repo.calendarByCode(tx, value.code);
    if (existing && existing.hostOrgId !== hostOrgId)
      throw new DomainError('ERR_CATALOGUE_CODE_TAKEN', `A calendar with code ${value.code} already exists`, {
        fields: { code: 'catalogue.errors.codeTaken' },
      });
    if (!existing && (await repo.calendarCodeTaken(tx, value.code)))
      throw new DomainError('ERR_CATALOGUE_CODE_TAKEN', `A calendar with code ${value.code} already exists`, {
        fields: { code: 'catalogue.errors.codeTaken' },
      });
    if (existing && mode === 'create')
      throw new DomainError('ERR_CATALOGUE_CODE_TAKEN', `A calendar with code ${value.code} already exists`, {
        fields: { code: 'catalogue.errors.codeTaken' },
      });
    if (!existing && mode === 'replace') throw notFound('That calendar');
    const calendar = existing
      ? await repo.updateCalendar(tx, existing.id, value.organisation ? ownerId : existing.orgId, value)
      : await repo.insertCalendar(tx, ownerId, hostOrgId, value);
    await auditBy(tx, ctx, {
      orgId: hostOrgId,
      action: existing ? 'calendar.change' : 'calendar.add',
      entityType: 'calendar',
      entityId: calendar.id,
      before: existing ? calendarJson(existing) : undefined,
      after: { ...calendarJson(calendar), version: calendar.version },
    });
    return { calendar, created: !existing };
  };

  return {
    async list(ctx: Context): Promise<Array<Calendar & { ownerName: string | null }>> {
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const { owners, hostOrgId } = await visibleOwners(tx, ctx.principal);
        const partners = owners === 'all-of-host' && hostOrgId ? await repo.partnersOf(tx, hostOrgId) : [];
        const ids = owners === 'all-of-host' ? [hostOrgId!, ...partners.map((p) => p.id)] : owners;
        const names = new Map(partners.map((p) => [p.id, p.name]));
        return (await repo.calendars(tx, ids)).map((calendar) => ({
          ...calendar,
          ownerName: names.get(calendar.orgId) ?? null,
        }));
      });
    },

    async get(ctx: Context, code: string) {
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const calendar = await visibleCalendar(tx, ctx.principal, code);
        const owner =
          calendar.orgId === calendar.hostOrgId
            ? null
            : ((await repo.partnersOf(tx, calendar.hostOrgId)).find((p) => p.id === calendar.orgId) ?? null);
        return { ...calendar, owner };
      });
    },

    async partners(ctx: Context) {
      if (ctx.principal.org.role !== 'host' || !hasRole(ctx.principal, 'service_manager')) return [];
      return inScope(db, scopeOf(ctx.principal), (tx) => repo.partnersOf(tx, ctx.principal.org.orgId));
    },

    async create(ctx: Context, input: Record<string, unknown>) {
      return inScope(
        db,
        scopeOf(ctx.principal),
        async (tx) => (await save(tx, ctx, input, 'create')).calendar,
      );
    },

    async replace(ctx: Context, code: string, input: Record<string, unknown>) {
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        await visibleCalendar(tx, ctx.principal, code);
        return (await save(tx, ctx, input, 'replace', code.toUpperCase())).calendar;
      });
    },

    /** `tandem calendar import`: every calendar in the list is created or replaced, or none is. */
    async importAll(ctx: Context, list: unknown): Promise<{ created: number; replaced: number }> {
      if (!Array.isArray(list)) throw validationFailed({ file: 'catalogue.errors.calendarListExpected' });
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        let created = 0;
        let replaced = 0;
        for (const [index, item] of list.entries()) {
          try {
            const result = await save(
              tx,
              ctx,
              (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>,
              'upsert',
            );
            if (result.created) created++;
            else replaced++;
          } catch (error) {
            if (error instanceof DomainError)
              throw new DomainError(error.code, `calendar ${index + 1}: ${error.message}`, error.details);
            throw error;
          }
        }
        return { created, replaced };
      });
    },

    async due(ctx: Context, code: string, from: unknown, minutes: unknown): Promise<Date> {
      const instant = parseInstant(from);
      if (!instant)
        throw new DomainError(
          'ERR_INVALID_INSTANT',
          'from must be an ISO 8601 instant with a zone, like 2026-03-27T16:00:00Z',
          { fields: { from: 'catalogue.errors.instantFormat' } },
        );
      const amount = parseMinutes(minutes);
      if (amount === undefined)
        throw new DomainError('ERR_INVALID_MINUTES', 'minutes must be a whole number from 0 to 525600', {
          fields: { minutes: 'catalogue.errors.minutesInvalid' },
        });
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const calendar = await visibleCalendar(tx, ctx.principal, code);
        try {
          return due(await workingCalendar(tx, calendar), instant, amount);
        } catch (error) {
          if (error instanceof CalendarError) throw calendarFailure(error);
          throw error;
        }
      });
    },

    async workingMinutes(ctx: Context, code: string, from: unknown, to: unknown): Promise<number> {
      const start = parseInstant(from);
      const end = parseInstant(to);
      if (!start || !end) {
        throw new DomainError(
          'ERR_INVALID_INSTANT',
          'from and to must be ISO 8601 instants with a zone, like 2026-03-27T16:00:00Z',
          {
            fields: { [start ? 'to' : 'from']: 'catalogue.errors.instantFormat' },
          },
        );
      }
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const calendar = await visibleCalendar(tx, ctx.principal, code);
        try {
          return workingMinutesBetween(await workingCalendar(tx, calendar), start, end);
        } catch (error) {
          if (error instanceof CalendarError) throw calendarFailure(error);
          throw error;
        }
      });
    },
  };
}

/** Loads a bank holiday file (gov.uk's shape), replacing each division's holidays over the dates it covers. */
export async function loadBankHolidays(
  db: Database,
  scope: Scope,
  data: unknown,
): Promise<Map<string, number>> {
  const file = readBankHolidayFile(data);
  if ('problem' in file) throw validationFailed({ file: file.problem });
  return inScope(db, scope, async (tx) => {
    const counts = new Map<string, number>();
    for (const [division, events] of file.divisions) {
      await repo.replaceBankHolidays(tx, division, events);
      counts.set(division, events.length);
    }
    await recordAudit(tx, {
      actorUserId: scope.userId ?? null,
      orgId: null,
      action: 'bank-holidays.load',
      entityType: 'bank_holidays',
      after: Object.fromEntries(counts),
    });
    return counts;
  });
}

export type CalendarsService = ReturnType<typeof calendarsService>;
