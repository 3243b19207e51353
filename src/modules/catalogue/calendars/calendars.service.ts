import type { Static } from '@fastify/type-provider-typebox';
import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { DomainError, notFound, validationFailed } from '../../../platform/errors.js';
import { inputOf, type Filled } from '../../../platform/api/index.js';
import { parseInstant } from '../../../kernel/dates.js';
import {
  CalendarError,
  compileCalendar,
  due,
  workingMinutesBetween,
  type WorkingCalendar,
} from '../../../kernel/working-time.js';
import { auditBy } from '../../audit/index.js';
import { agreementsRepository } from '../../organisations/index.js';
import {
  accessOf,
  cataloguePolicy as policy,
  isHostServiceManager,
  ownersOf,
  type Access,
} from '../catalogue.policy.js';
import { codeTaken } from '../catalogue.errors.js';
import { calendarsRepository as repo, type Calendar } from './calendars.repository.js';
import { CalendarBody, calendarProblems, parseMinutes, tidy } from './calendars.schemas.js';

export type CalendarInput = Filled<Static<typeof CalendarBody>>;

/** A calendar in the API's shape. */
export function calendarJson(calendar: Calendar) {
  return {
    code: calendar.code,
    name: calendar.name,
    timeZone: calendar.timeZone,
    hours: calendar.hours,
    holidays: calendar.holidays,
    closures: calendar.closures,
  };
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

const badInstant = (field: 'from' | 'to') =>
  new DomainError(
    'ERR_INVALID_INSTANT',
    `${field} must be an ISO 8601 instant with a zone, like 2026-03-27T16:00:00Z`,
    {
      fields: { [field]: 'catalogue.errors.instantFormat' },
    },
  );

const reader = inputOf(CalendarBody);

/**
 * Working-time calendars. Standard calendars are the host's; a partner may have its own, with its
 * own closures. Everyone sees the standard calendars of their host and their own; the host's
 * service managers see and keep them all.
 */
export function calendarsService(db: Database) {
  const unit = <T>(caller: Caller, work: (tx: Tx, access: Access) => Promise<T>) =>
    inScope(db, scopeOf(caller.principal), async (tx) => work(tx, await accessOf(tx, caller.principal)));

  /** The organisations whose calendars the caller sees: for a host service manager, the host's partners too. */
  const ownersSeen = async (tx: Tx, access: Access) =>
    access.hostOrgId && isHostServiceManager(access.principal)
      ? [
          access.hostOrgId,
          ...(await agreementsRepository.partnersTaking(tx, access.hostOrgId)).map((p) => p.id),
        ]
      : ownersOf(access);

  const visible = async (tx: Tx, access: Access, code: string): Promise<Calendar> => {
    const owners = await ownersSeen(tx, access);
    const calendar = await repo.byCode(
      tx,
      code.toUpperCase(),
      access.hostOrgId ? { hostOrgId: access.hostOrgId } : { orgIds: owners },
    );
    if (!calendar || !owners.includes(calendar.orgId)) throw notFound('That calendar');
    return calendar;
  };

  /** The due-date question, read: an instant with a zone, and whole minutes within a year. */
  const question = (from: unknown, minutes: unknown) => {
    const instant = parseInstant(from);
    if (!instant) throw badInstant('from');
    const amount = parseMinutes(minutes);
    if (amount === undefined)
      throw new DomainError('ERR_INVALID_MINUTES', 'minutes must be a whole number from 0 to 525600', {
        fields: { minutes: 'catalogue.errors.minutesInvalid' },
      });
    return { instant, amount };
  };

  const dueOn = async (tx: Tx, calendar: Calendar, instant: Date, amount: number): Promise<Date> => {
    try {
      return due(await workingCalendar(tx, calendar), instant, amount);
    } catch (error) {
      if (error instanceof CalendarError) throw calendarFailure(error);
      throw error;
    }
  };

  /** Creates or replaces by code, as a service manager of the host. */
  const save = async (
    tx: Tx,
    caller: Caller,
    input: CalendarInput,
    mode: 'create' | 'replace' | 'upsert',
  ) => {
    policy.keepCalendars(caller.principal);
    const problems = calendarProblems(input);
    if (Object.keys(problems.errors).length)
      throw new DomainError(problems.code, problems.message ?? 'Some values are not valid', {
        fields: problems.errors,
      });
    const hostOrgId = caller.principal.org.orgId;
    let ownerId = hostOrgId;
    if (input.organisation) {
      const partner = (await agreementsRepository.partnersTaking(tx, hostOrgId)).find(
        (p) => p.code === input.organisation,
      );
      if (!partner)
        throw new DomainError('ERR_UNKNOWN_ORGANISATION', 'No partner has that code', {
          fields: { organisation: 'catalogue.errors.organisationUnknown' },
        });
      ownerId = partner.id;
    }
    const existing = await repo.byCode(tx, input.code, { hostOrgId });
    if (existing && mode === 'create') throw codeTaken('A calendar');
    if (!existing && mode === 'replace') throw notFound('That calendar');
    const values = tidy(input);
    const calendar = existing
      ? await repo.update(tx, existing, input.organisation ? ownerId : existing.orgId, values)
      : await repo.insert(tx, { orgId: ownerId, hostOrgId, code: input.code }, values);
    await auditBy(tx, caller, {
      orgId: hostOrgId,
      action: existing ? 'calendar.change' : 'calendar.add',
      entityType: 'calendar',
      entityId: calendar.id,
      before: existing ? { ...calendarJson(existing), version: existing.version } : undefined,
      after: { ...calendarJson(calendar), version: calendar.version },
    });
    return { calendar, created: !existing };
  };

  return {
    /** The calendars the caller sees, with whose each is, and whether they may add one. */
    async list(
      caller: Caller,
    ): Promise<{ calendars: Array<Calendar & { ownerName: string | null }>; canAdd: boolean }> {
      return unit(caller, async (tx, access) => {
        const manager = isHostServiceManager(caller.principal);
        const partners =
          manager && access.hostOrgId ? await agreementsRepository.partnersTaking(tx, access.hostOrgId) : [];
        const names = new Map(partners.map((p) => [p.id, p.name]));
        const owners =
          manager && access.hostOrgId ? [access.hostOrgId, ...partners.map((p) => p.id)] : ownersOf(access);
        const calendars = (await repo.list(tx, owners)).map((calendar) => ({
          ...calendar,
          ownerName: names.get(calendar.orgId) ?? null,
        }));
        return { calendars, canAdd: manager };
      });
    },

    /**
     * One calendar, whose it is, and whether the caller may change it; with `ask`, also when that
     * much working time from that instant will have elapsed (or what is wrong with the question).
     */
    async get(caller: Caller, code: string, ask?: { from: unknown; minutes: unknown }) {
      return unit(caller, async (tx, access) => {
        const calendar = await visible(tx, access, code);
        const owner =
          calendar.orgId === calendar.hostOrgId
            ? null
            : ((await agreementsRepository.partnersTaking(tx, calendar.hostOrgId)).find(
                (p) => p.id === calendar.orgId,
              ) ?? null);
        let answer: { due: Date } | { problem: DomainError } | undefined;
        if (ask) {
          try {
            const { instant, amount } = question(ask.from, ask.minutes);
            answer = { due: await dueOn(tx, calendar, instant, amount) };
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            answer = { problem: error };
          }
        }
        return { ...calendar, owner, manager: isHostServiceManager(caller.principal), answer };
      });
    },

    /** What the calendar form offers (the partners a calendar may belong to), and the calendar to change. */
    async form(caller: Caller, code?: string) {
      policy.keepCalendars(caller.principal);
      return unit(caller, async (tx, access) => {
        const partners = await agreementsRepository.partnersTaking(tx, caller.principal.org.orgId);
        const calendar = code ? await visible(tx, access, code) : undefined;
        const owner = calendar && partners.find((p) => p.id === calendar.orgId);
        return { partners, calendar: calendar && { ...calendar, owner: owner ?? null } };
      });
    },

    async create(caller: Caller, input: CalendarInput): Promise<Calendar> {
      return unit(caller, async (tx) => (await save(tx, caller, input, 'create')).calendar);
    },

    async replace(caller: Caller, code: string, input: CalendarInput): Promise<Calendar> {
      return unit(caller, async (tx, access) => {
        await visible(tx, access, code);
        return (await save(tx, caller, { ...input, code: code.toUpperCase() }, 'replace')).calendar;
      });
    },

    /** `tandem calendar import`: every calendar in the list is created or replaced, or none is. */
    async importAll(caller: Caller, list: unknown): Promise<{ created: number; replaced: number }> {
      if (!Array.isArray(list)) throw validationFailed({ file: 'catalogue.errors.calendarListExpected' });
      const inputs = list.map((item, index) => {
        const checked = reader.check(item);
        if (checked.errors)
          throw new DomainError('ERR_VALIDATION', `calendar ${index + 1}: Some values are not valid`, {
            fields: checked.errors,
          });
        return checked.value;
      });
      return unit(caller, async (tx) => {
        let created = 0;
        let replaced = 0;
        for (const [index, input] of inputs.entries()) {
          try {
            if ((await save(tx, caller, input, 'upsert')).created) created++;
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

    /** When an amount of working time, started at an instant, will have elapsed on a calendar. */
    async due(caller: Caller, code: string, from: unknown, minutes: unknown): Promise<Date> {
      const { instant, amount } = question(from, minutes);
      return unit(caller, async (tx, access) => dueOn(tx, await visible(tx, access, code), instant, amount));
    },

    async workingMinutes(caller: Caller, code: string, from: unknown, to: unknown): Promise<number> {
      const start = parseInstant(from);
      if (!start) throw badInstant('from');
      const end = parseInstant(to);
      if (!end) throw badInstant('to');
      return unit(caller, async (tx, access) => {
        const calendar = await visible(tx, access, code);
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

export type CalendarsService = ReturnType<typeof calendarsService>;
