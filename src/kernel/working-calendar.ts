/**
 * Working-time calendars: a definition (opening hours per weekday in one IANA time zone, closed dates)
 * checked and compiled into the form the arithmetic in working-time.ts walks quickly.
 */
import { zoneOffsetsFor, type ZoneOffsets } from './zone-offsets.js';

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/** In ISO order, Monday first. */
export const WEEKDAYS: readonly Weekday[] = Object.freeze([
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
]);

export interface CalendarDefinition {
  /** IANA time zone the opening hours and closed dates are expressed in, e.g. 'Europe/London'. */
  timeZone: string;
  /**
   * Local opening intervals per weekday as ["HH:MM", "HH:MM"], start inclusive, end exclusive. "24:00" may be
   * used as an end. A weekday that is absent or has no intervals is closed all day.
   */
  hours: Partial<Record<Weekday, ReadonlyArray<readonly [string, string]>>>;
  /** Local dates 'YYYY-MM-DD' on which the service is closed all day. */
  closedDates: Iterable<string>;
}

/** A validated calendar, ready for fast repeated use. Build with {@link compileCalendar}. */
export interface WorkingCalendar {
  /** The canonical IANA name of the calendar's time zone (e.g. 'europe/london' becomes 'Europe/London'). */
  readonly timeZone: string;
}

export type CalendarErrorCode =
  | 'ERR_INVALID_TIME_ZONE'
  | 'ERR_INVALID_WEEKDAY'
  | 'ERR_INVALID_INTERVAL'
  | 'ERR_INVALID_DATE'
  | 'ERR_INVALID_MINUTES'
  | 'ERR_INVALID_INSTANT'
  | 'ERR_NO_WORKING_TIME'
  | 'ERR_OUT_OF_RANGE';

export class CalendarError extends Error {
  override readonly name = 'CalendarError';

  constructor(
    readonly code: CalendarErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const DAY_MS = 24 * 60 * MINUTE_MS;

/** Opening interval of a local day, as milliseconds after that day's 00:00 on the wall clock. */
export interface Opening {
  readonly startMs: number;
  readonly endMs: number;
}

export const CLOSED_ALL_DAY: readonly Opening[] = Object.freeze([]);

export class CompiledCalendar implements WorkingCalendar {
  /** Working milliseconds of a whole local day that is not closed, by ISO weekday. */
  readonly weekdayMs: readonly number[];
  readonly weekMs: number;
  /** The closed days in order, and before each the working milliseconds the closed ones took away. */
  readonly closedInOrder: readonly number[];
  readonly closedMsBefore: readonly number[];
  /** closeOfWorkingDay's answers, by local day and number of days: SLA targets ask the same again and again. */
  readonly closes = new Map<number, number>();

  constructor(
    readonly timeZone: string,
    readonly offsets: ZoneOffsets,
    /** Indexed by ISO weekday, Monday = 0. */
    readonly openingsByWeekday: readonly (readonly Opening[])[],
    /** Days since 1970-01-01 in local dates. */
    readonly closedDays: ReadonlySet<number>,
  ) {
    this.weekdayMs = openingsByWeekday.map((openings) =>
      openings.reduce((sum, opening) => sum + opening.endMs - opening.startMs, 0),
    );
    this.weekMs = this.weekdayMs.reduce((sum, ms) => sum + ms, 0);
    this.closedInOrder = [...closedDays].sort((a, b) => a - b);
    const before = [0];
    for (const day of this.closedInOrder)
      before.push(before[before.length - 1]! + this.weekdayMs[isoWeekdayIndex(day)]!);
    this.closedMsBefore = before;
  }
}

export function compileCalendar(def: CalendarDefinition): WorkingCalendar {
  const timeZone = canonicalTimeZone(def.timeZone);
  const openingsByWeekday = compileOpeningHours(def.hours);
  if (openingsByWeekday.every((openings) => openings.length === 0)) {
    throw new CalendarError('ERR_NO_WORKING_TIME', 'The calendar has no opening hours on any weekday');
  }
  const closedDays = new Set<number>();
  for (const date of def.closedDates) closedDays.add(localDayNumber(date));
  return new CompiledCalendar(timeZone, zoneOffsetsFor(timeZone), openingsByWeekday, closedDays);
}

/** 1970-01-01 was a Thursday, ISO weekday index 3. */
export function isoWeekdayIndex(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

export function asCompiled(calendar: WorkingCalendar): CompiledCalendar {
  if (calendar instanceof CompiledCalendar) return calendar;
  throw new TypeError('Expected a calendar built by compileCalendar()');
}

function canonicalTimeZone(timeZone: unknown): string {
  // An undefined zone would silently mean the host's zone, which differs between machines.
  if (typeof timeZone !== 'string' || timeZone.trim() === '') {
    throw new CalendarError(
      'ERR_INVALID_TIME_ZONE',
      'A calendar needs an IANA time zone such as Europe/London',
    );
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new CalendarError('ERR_INVALID_TIME_ZONE', `Unknown time zone '${timeZone}'`);
  }
}

function compileOpeningHours(hours: CalendarDefinition['hours']): (readonly Opening[])[] {
  if (typeof hours !== 'object' || hours === null) {
    throw new CalendarError('ERR_INVALID_INTERVAL', 'Opening hours must map weekdays to intervals');
  }
  for (const key of Object.keys(hours)) {
    if (!(WEEKDAYS as readonly string[]).includes(key)) {
      throw new CalendarError(
        'ERR_INVALID_WEEKDAY',
        `'${key}' is not a weekday; use lower-case English names`,
      );
    }
  }
  return WEEKDAYS.map((weekday) => Object.freeze(compileDayOpenings(weekday, hours[weekday] ?? [])));
}

function compileDayOpenings(
  weekday: Weekday,
  intervals: ReadonlyArray<readonly [string, string]>,
): Opening[] {
  if (!Array.isArray(intervals)) {
    throw new CalendarError(
      'ERR_INVALID_INTERVAL',
      `Opening hours for ${weekday} must be a list of intervals`,
    );
  }
  const openings = intervals.map((interval): Opening => {
    if (!Array.isArray(interval) || interval.length !== 2) {
      throw new CalendarError(
        'ERR_INVALID_INTERVAL',
        `Each ${weekday} interval must be a pair ["HH:MM", "HH:MM"]`,
      );
    }
    const [start, end] = interval as readonly unknown[];
    const startMs = wallClockMs(start, weekday, false);
    const endMs = wallClockMs(end, weekday, true);
    if (endMs <= startMs) {
      throw new CalendarError(
        'ERR_INVALID_INTERVAL',
        `On ${weekday}, ${String(end)} is not after ${String(start)}`,
      );
    }
    return { startMs, endMs };
  });
  openings.sort((a, b) => a.startMs - b.startMs);

  // Intervals that touch (12:00–13:00 then 13:00–14:00) are one stretch of opening; merging them keeps
  // "work that fills the interval ends at closing" true of the stretch as a whole.
  const merged: Opening[] = [];
  for (const opening of openings) {
    const previous = merged[merged.length - 1];
    if (previous === undefined || opening.startMs > previous.endMs) {
      merged.push(opening);
    } else if (opening.startMs === previous.endMs) {
      merged[merged.length - 1] = { startMs: previous.startMs, endMs: opening.endMs };
    } else {
      throw new CalendarError(
        'ERR_INVALID_INTERVAL',
        `On ${weekday}, the interval starting ${hhmm(opening.startMs)} overlaps the one ending ${hhmm(previous.endMs)}`,
      );
    }
  }
  return merged;
}

const WALL_CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

function wallClockMs(time: unknown, weekday: Weekday, isClosingTime: boolean): number {
  if (isClosingTime && time === '24:00') return DAY_MS;
  const match = typeof time === 'string' ? WALL_CLOCK_TIME.exec(time) : null;
  if (match === null) {
    const allowed = isClosingTime ? '"00:00" to "24:00"' : '"00:00" to "23:59"';
    throw new CalendarError(
      'ERR_INVALID_INTERVAL',
      `On ${weekday}, '${String(time)}' is not a time from ${allowed} in HH:MM form`,
    );
  }
  return (Number(match[1]) * 60 + Number(match[2])) * MINUTE_MS;
}

function hhmm(msAfterMidnight: number): string {
  const minutes = msAfterMidnight / MINUTE_MS;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a 'YYYY-MM-DD' date, rejecting dates that do not exist such as 2026-02-30. */
function localDayNumber(date: unknown): number {
  const match = typeof date === 'string' ? ISO_DATE.exec(date) : null;
  if (match !== null) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    // setUTCFullYear rather than Date.UTC, which would read years 0–99 as 1900–1999.
    const midnight = new Date(0);
    midnight.setUTCFullYear(year, month - 1, day);
    if (
      midnight.getUTCFullYear() === year &&
      midnight.getUTCMonth() === month - 1 &&
      midnight.getUTCDate() === day
    ) {
      return midnight.getTime() / DAY_MS;
    }
  }
  throw new CalendarError('ERR_INVALID_DATE', `'${String(date)}' is not a date in YYYY-MM-DD form`);
}
