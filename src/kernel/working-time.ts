/**
 * Working-time arithmetic for SLA clocks.
 *
 * A calendar says when a service is open: local wall-clock opening intervals per weekday, in one IANA time
 * zone, minus whole local dates when it is closed (bank holidays, local closures). SLA clocks only tick while
 * the service is open.
 *
 * Definition used throughout: an instant is working time when the calendar's local wall clock at that instant
 * reads a time inside one of the opening intervals of its local date, and that date is not closed. Clock
 * changes fall out of this definition without special cases: on the spring-forward day the skipped hour never
 * appears on the wall clock, so 00:00–03:00 holds two real hours; in autumn the repeated hour appears twice,
 * so the same interval holds four. An interval that opens inside the skipped hour opens in practice at the
 * first wall-clock time after the gap.
 *
 * All arithmetic is in whole epoch milliseconds, so results are exact rather than accumulated floating point.
 *
 * A calendar's definition is checked and compiled in working-calendar.ts, its zone's UTC offsets found in
 * zone-offsets.ts; this file is the arithmetic, and what callers import.
 */
import {
  asCompiled,
  CalendarError,
  CLOSED_ALL_DAY,
  DAY_MS,
  isoWeekdayIndex,
  MINUTE_MS,
  type CompiledCalendar,
  type WorkingCalendar,
} from './working-calendar.js';

export {
  compileCalendar,
  CalendarError,
  WEEKDAYS,
  type CalendarDefinition,
  type CalendarErrorCode,
  type Weekday,
  type WorkingCalendar,
} from './working-calendar.js';

/**
 * Instants from 0001-01-01T00:00Z up to (not including) 10000-01-01T00:00Z. Keeping well inside the range of
 * Date means the offset cache can always sample a little either side of any instant it is asked about.
 */
const EARLIEST_SUPPORTED_INSTANT = -62_135_596_800_000;
const END_OF_SUPPORTED_INSTANTS = 253_402_300_800_000;

/**
 * How long `due` keeps looking for the next opening before concluding there is none. Calendars with no
 * opening hours are rejected when compiled, but closures can still blank out every opening for years.
 */
const NO_WORKING_TIME_HORIZON_DAYS = 5 * 366;

/**
 * The instant at which `workingMinutes` of working time have elapsed, counting from `from`.
 *
 * - Counting starts at `from` if the service is open then, otherwise at the next opening.
 * - Work that exactly fills the rest of an opening interval is due at its closing time, not at the next opening.
 * - Zero minutes is due immediately: the result is `from` itself (as a new Date), even outside opening hours,
 *   because nothing is owed.
 * - Fractional minutes are accepted and rounded to the nearest millisecond.
 */
export function due(calendar: WorkingCalendar, from: Date, workingMinutes: number): Date {
  const compiled = asCompiled(calendar);
  const start = supportedInstant(from, 'from');
  let remainingMs = workingDurationMs(workingMinutes);
  if (remainingMs === 0) return new Date(start);
  // Working time never outruns the clock, so this is hopeless without scanning the centuries to prove it.
  if (remainingMs >= END_OF_SUPPORTED_INSTANTS - start) throw dueAfterSupportedRange();

  let dueAt: number | undefined;
  forEachWorkingPeriod(
    compiled,
    start,
    END_OF_SUPPORTED_INSTANTS,
    NO_WORKING_TIME_HORIZON_DAYS,
    (open, close) => {
      const periodMs = close - open;
      if (periodMs >= remainingMs) {
        dueAt = open + remainingMs;
        return true;
      }
      remainingMs -= periodMs;
      return false;
    },
  );
  if (dueAt === undefined) throw dueAfterSupportedRange();
  return new Date(dueAt);
}

/**
 * Working minutes in [from, to); 0 when `to` is not after `from`.
 *
 * Not rounded: instants that are not on whole minutes give fractional minutes (to the millisecond), so that
 * `workingMinutesBetween(c, from, due(c, from, n)) === n` for any whole number of minutes n.
 */
export function workingMinutesBetween(calendar: WorkingCalendar, from: Date, to: Date): number {
  const compiled = asCompiled(calendar);
  const start = supportedInstant(from, 'from');
  const end = supportedInstant(to, 'to');
  if (end <= start) return 0;

  // Whole local days inside one stretch of constant UTC offset are counted by the week, from the
  // openings' lengths less the closed days among them; the rest, period by period.
  let workedMs = 0;
  let cursor = start;
  while (cursor < end) {
    const span = compiled.offsets.spanAt(cursor);
    const stretchEnd = Math.min(span.end, end);
    const day = Math.ceil((cursor + span.offsetMs) / DAY_MS);
    const midnight = day * DAY_MS - span.offsetMs;
    const wholeDays = Math.floor((stretchEnd - midnight) / DAY_MS);
    if (wholeDays >= WHOLE_DAYS_BY_THE_WEEK) {
      workedMs += periodsMs(compiled, cursor, midnight) + wholeDaysMs(compiled, day, wholeDays);
      cursor = midnight + wholeDays * DAY_MS;
    }
    workedMs += periodsMs(compiled, cursor, stretchEnd);
    cursor = stretchEnd;
  }
  return workedMs / MINUTE_MS;
}

/** From this many whole days on, counting them by the week is quicker than day by day. */
const WHOLE_DAYS_BY_THE_WEEK = 8;

/** Working milliseconds in [from, to), period by period. */
function periodsMs(calendar: CompiledCalendar, from: number, to: number): number {
  if (to <= from) return 0;
  let workedMs = 0;
  forEachWorkingPeriod(calendar, from, to, Number.POSITIVE_INFINITY, (open, close) => {
    if (open >= to) return true;
    workedMs += Math.min(close, to) - open;
    return close >= to;
  });
  return workedMs;
}

/** Working milliseconds of `count` whole local days from `first`, all at one UTC offset. */
function wholeDaysMs(calendar: CompiledCalendar, first: number, count: number): number {
  const { weekdayMs, weekMs, closedInOrder, closedMsBefore } = calendar;
  const weeks = Math.floor(count / 7);
  let workedMs = weeks * weekMs;
  for (let day = first + weeks * 7; day < first + count; day += 1)
    workedMs += weekdayMs[isoWeekdayIndex(day)]!;
  return (
    workedMs -
    (closedMsBefore[firstAtOrAfter(closedInOrder, first + count)]! -
      closedMsBefore[firstAtOrAfter(closedInOrder, first)]!)
  );
}

/** The index of the first value at or after `value` in an ascending list (its length when none is). */
function firstAtOrAfter(ascending: readonly number[], value: number): number {
  let low = 0;
  let high = ascending.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ascending[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The instant the calendar's `days`-th working day after the local day of `from` closes: the end of
 * that day's last opening. A working day is a local date with any opening that is not closed. SLA
 * targets in working days ("2 working days") become working minutes from here.
 */
export function closeOfWorkingDay(calendar: WorkingCalendar, from: Date, days: number): Date {
  const compiled = asCompiled(calendar);
  const start = supportedInstant(from, 'from');
  if (!Number.isInteger(days) || days < 1) {
    throw new CalendarError(
      'ERR_INVALID_MINUTES',
      `Working days must be a whole number of at least 1, got ${String(days)}`,
    );
  }
  const firstDay = Math.floor((start + compiled.offsets.spanAt(start).offsetMs) / DAY_MS);
  // The answer depends on the local day alone, not the time of day.
  const key = days < MOST_DAYS_REMEMBERED ? firstDay * MOST_DAYS_REMEMBERED + days : undefined;
  const known = key === undefined ? undefined : compiled.closes.get(key);
  if (known !== undefined) return new Date(known);
  let counted = 0;
  let currentDay = firstDay;
  let lastClose: number | undefined;
  forEachWorkingPeriod(
    compiled,
    start,
    END_OF_SUPPORTED_INSTANTS,
    NO_WORKING_TIME_HORIZON_DAYS,
    (_open, close, localDay) => {
      if (localDay <= firstDay) return false;
      if (localDay !== currentDay) {
        if (counted === days) return true;
        counted += 1;
        currentDay = localDay;
      }
      lastClose = close;
      return false;
    },
  );
  if (counted !== days || lastClose === undefined) throw dueAfterSupportedRange();
  if (key !== undefined) {
    if (compiled.closes.size >= MOST_CLOSES_REMEMBERED) compiled.closes.clear();
    compiled.closes.set(key, lastClose);
  }
  return new Date(lastClose);
}

const MOST_DAYS_REMEMBERED = 1000;
const MOST_CLOSES_REMEMBERED = 50_000;

/**
 * Hands each working period at or after `from` to `visit` as [open, close) in epoch milliseconds, earliest
 * first, until `visit` returns true or no period can start before `until`. Periods are clipped to `from` and
 * may be split where the zone's UTC offset changes, so consecutive periods can touch.
 */
function forEachWorkingPeriod(
  calendar: CompiledCalendar,
  from: number,
  until: number,
  giveUpAfterIdleDays: number,
  visit: (open: number, close: number, localDay: number) => boolean,
): void {
  const { offsets, openingsByWeekday, closedDays } = calendar;
  let idleDays = 0;
  let cursor = from;
  while (cursor < until) {
    // While the offset is constant, local wall-clock time is UTC shifted by it, so each local day's openings
    // map onto UTC by plain addition.
    const span = offsets.spanAt(cursor);
    let day = Math.floor((cursor + span.offsetMs) / DAY_MS);
    let localMidnight = day * DAY_MS - span.offsetMs;
    while (localMidnight < span.end && localMidnight < until) {
      let worked = false;
      if (!closedDays.has(day)) {
        for (const opening of openingsByWeekday[isoWeekdayIndex(day)] ?? CLOSED_ALL_DAY) {
          const open = Math.max(localMidnight + opening.startMs, cursor);
          const close = Math.min(localMidnight + opening.endMs, span.end);
          if (open < close) {
            if (visit(open, close, day)) return;
            worked = true;
          }
        }
      }
      idleDays = worked ? 0 : idleDays + 1;
      if (idleDays > giveUpAfterIdleDays) {
        throw new CalendarError(
          'ERR_NO_WORKING_TIME',
          `The calendar has no working time in the ${giveUpAfterIdleDays} days after ${new Date(from).toISOString()}`,
        );
      }
      day += 1;
      localMidnight += DAY_MS;
    }
    cursor = span.end;
  }
}

function supportedInstant(date: Date, name: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new CalendarError('ERR_INVALID_INSTANT', `${name} is not a valid Date`);
  if (ms < EARLIEST_SUPPORTED_INSTANT || ms >= END_OF_SUPPORTED_INSTANTS) {
    throw new CalendarError('ERR_OUT_OF_RANGE', `${name} must fall between the years 0001 and 9999`);
  }
  return ms;
}

function workingDurationMs(workingMinutes: number): number {
  if (typeof workingMinutes !== 'number' || !Number.isFinite(workingMinutes) || workingMinutes < 0) {
    throw new CalendarError(
      'ERR_INVALID_MINUTES',
      `Working minutes must be a finite number zero or greater, got ${String(workingMinutes)}`,
    );
  }
  return Math.round(workingMinutes * MINUTE_MS);
}

function dueAfterSupportedRange(): CalendarError {
  return new CalendarError('ERR_OUT_OF_RANGE', 'The due date would fall after the year 9999');
}
