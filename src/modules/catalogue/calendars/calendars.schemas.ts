import { Type } from '@fastify/type-provider-typebox';
import { says } from '../../../platform/api/index.js';
import type { FieldErrors } from '../../../platform/errors.js';
import { CalendarError, compileCalendar, WEEKDAYS, type Weekday } from '../../../kernel/working-time.js';
import { Code, E, IsoDate, Name } from '../catalogue.schemas.js';

export const DIVISIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;
export type Division = (typeof DIVISIONS)[number];
export type Hours = Partial<Record<Weekday, Array<[string, string]>>>;

/** The largest `minutes` the due-date question takes: a year of minutes. */
export const MAX_MINUTES = 525_600;

const Time = Type.String({ pattern: '^\\d{1,2}:\\d{2}$', description: 'HH:MM' });
const Intervals = Type.Array(Type.Tuple([Time, Time]), { maxItems: 24, ...says(E('intervalInvalid')) });

const HoursSchema = Type.Object(
  {
    monday: Type.Optional(Intervals),
    tuesday: Type.Optional(Intervals),
    wednesday: Type.Optional(Intervals),
    thursday: Type.Optional(Intervals),
    friday: Type.Optional(Intervals),
    saturday: Type.Optional(Intervals),
    sunday: Type.Optional(Intervals),
  },
  { additionalProperties: false, description: 'Opening intervals by weekday; a day left out is closed' },
);

const Holidays = Type.Union([Type.Enum(DIVISIONS), Type.Null()], {
  description: 'Whose bank holidays close the calendar; null: open on them',
  ...says(E('holidaysUnknown')),
});

export const CalendarBody = Type.Object(
  {
    code: Code(32),
    name: Name(),
    timeZone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        default: 'Europe/London',
        description: 'IANA time zone; Europe/London when absent',
        ...says(E('timeZoneUnknown')),
      }),
    ),
    hours: HoursSchema,
    holidays: Holidays,
    closures: Type.Optional(
      Type.Array(Type.String({ format: 'date' }), {
        maxItems: 1000,
        default: [],
        ...says(E('closuresFormat')),
      }),
    ),
    organisation: Type.Optional(
      Type.Union([Code(16), Type.Null()], {
        default: null,
        description: "A partner's code, for that partner's own calendar",
        ...says(E('organisationUnknown')),
      }),
    ),
  },
  { additionalProperties: false },
);

export const CalendarSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  timeZone: Type.String(),
  hours: HoursSchema,
  holidays: Type.Union([Type.String(), Type.Null()]),
  closures: Type.Array(IsoDate()),
});

export const DueQuery = Type.Object(
  {
    from: Type.String({
      maxLength: 64,
      description: 'ISO 8601 instant with a zone, e.g. 2026-03-27T16:00:00Z',
    }),
    minutes: Type.String({ maxLength: 16, description: `Whole working minutes from 0 to ${MAX_MINUTES}` }),
  },
  { additionalProperties: false },
);

export const BetweenQuery = Type.Object(
  { from: Type.String({ maxLength: 64 }), to: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
);

/** The stable code for a calendar the kernel cannot work with. */
export type CalendarProblemCode = 'ERR_VALIDATION' | CalendarError['code'];

/**
 * The rules of a calendar as a whole, which the kernel knows: a zone that exists, intervals that
 * end after they start and do not overlap, some working time in the week. The zone and the hours
 * are checked apart, so that a form with both wrong shows both.
 */
export function calendarProblems(calendar: { timeZone: string; hours: Hours }): {
  errors: FieldErrors;
  code: CalendarProblemCode;
  message?: string;
} {
  const errors: FieldErrors = {};
  let first: CalendarError | undefined;
  const check = (work: () => void, onProblem: (error: CalendarError) => void) => {
    try {
      work();
    } catch (error) {
      if (!(error instanceof CalendarError)) throw error;
      first ??= error;
      onProblem(error);
    }
  };
  check(
    () =>
      compileCalendar({
        timeZone: calendar.timeZone,
        hours: { monday: [['00:00', '24:00']] },
        closedDates: [],
      }),
    () => (errors.timeZone = E('timeZoneUnknown')),
  );
  check(
    () => compileCalendar({ timeZone: 'UTC', hours: calendar.hours, closedDates: [] }),
    (error) => {
      if (error.code === 'ERR_NO_WORKING_TIME') errors.hours = E('hoursNone');
      else {
        const day = WEEKDAYS.find((weekday) => error.message.includes(weekday));
        errors[day ? `hours.${day}` : 'hours'] = E('intervalInvalid');
      }
    },
  );
  return first ? { errors, code: first.code, message: first.message } : { errors, code: 'ERR_VALIDATION' };
}

/** Hours in weekday order, without closed days; closures once each, in order. */
export function tidy<T extends { hours: Hours; closures: string[] }>(calendar: T): T {
  const hours: Hours = {};
  for (const day of WEEKDAYS)
    if (calendar.hours[day]?.length) hours[day] = calendar.hours[day].map(([a, b]) => [a, b]);
  return { ...calendar, hours, closures: [...new Set(calendar.closures)].sort() };
}

/** "09:00-12:30, 13:30-17:00" as typed on the calendar page, into intervals; undefined when unreadable. */
export function parseIntervalsText(value: unknown): Array<[string, string]> | undefined {
  if (typeof value !== 'string' || value.trim() === '') return [];
  const intervals: Array<[string, string]> = [];
  for (const part of value.split(',')) {
    const match = /^\s*(\d{1,2}:\d{2})\s*(?:-|–|to)\s*(\d{1,2}:\d{2})\s*$/.exec(part);
    if (!match) return undefined;
    intervals.push([match[1]!.padStart(5, '0'), match[2]!.padStart(5, '0')]);
  }
  return intervals;
}

export function intervalsText(intervals: ReadonlyArray<readonly [string, string]> | undefined): string {
  return (intervals ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
}

/** `minutes` for the due-date question: a whole number from 0 to a year of minutes. */
export function parseMinutes(value: unknown): number | undefined {
  const raw = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_MINUTES ? raw : undefined;
}
