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
 */

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
const MINUTE_MS = 60 * SECOND_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;

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

/** Opening interval of a local day, as milliseconds after that day's 00:00 on the wall clock. */
interface Opening {
  readonly startMs: number;
  readonly endMs: number;
}

const CLOSED_ALL_DAY: readonly Opening[] = Object.freeze([]);

class CompiledCalendar implements WorkingCalendar {
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

/** 1970-01-01 was a Thursday, ISO weekday index 3. */
function isoWeekdayIndex(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

function asCompiled(calendar: WorkingCalendar): CompiledCalendar {
  if (calendar instanceof CompiledCalendar) return calendar;
  throw new TypeError('Expected a calendar built by compileCalendar()');
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

// ---------------------------------------------------------------------------------------------------------
// Compiling a definition

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

// ---------------------------------------------------------------------------------------------------------
// UTC offsets
//
// Intl.DateTimeFormat costs microseconds per call, far too slow to consult for every day of every due date.
// Instead each zone's history is surveyed once per block of time, recording the spans over which its offset
// is constant; after that, finding the offset is a map lookup and a short scan.

/** A stretch of time [start, end) over which a zone's local time is UTC plus `offsetMs`. */
interface OffsetSpan {
  readonly start: number;
  readonly end: number;
  readonly offsetMs: number;
}

const SURVEY_BLOCK_MS = 128 * DAY_MS;

/**
 * Offsets are sampled this far apart and bisected where they differ. A change and its reversal inside one
 * step would go unnoticed; tz history has no such pair of transitions less than a day apart.
 */
const SURVEY_STEP_MS = DAY_MS;

class ZoneOffsets {
  private readonly spansByBlock = new Map<number, readonly OffsetSpan[]>();
  private readonly formatter: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  }

  /** The span containing `instant`. Spans end at block boundaries as well as at real offset changes. */
  spanAt(instant: number): OffsetSpan {
    const block = Math.floor(instant / SURVEY_BLOCK_MS);
    let spans = this.spansByBlock.get(block);
    if (spans === undefined) {
      spans = this.survey(block * SURVEY_BLOCK_MS, (block + 1) * SURVEY_BLOCK_MS);
      this.spansByBlock.set(block, spans);
    }
    for (const span of spans) {
      if (instant < span.end) return span;
    }
    throw new Error(`Offset survey of ${this.timeZone} does not cover ${new Date(instant).toISOString()}`);
  }

  private survey(blockStart: number, blockEnd: number): OffsetSpan[] {
    const spans: OffsetSpan[] = [];
    let spanStart = blockStart;
    let spanOffset = this.offsetAt(blockStart);
    let sampled = blockStart;
    while (sampled < blockEnd) {
      const next = Math.min(sampled + SURVEY_STEP_MS, blockEnd);
      if (this.offsetAt(next) === spanOffset) {
        sampled = next;
        continue;
      }
      const change = this.firstChangeAfter(sampled, next, spanOffset);
      if (change < blockEnd) {
        spans.push({ start: spanStart, end: change, offsetMs: spanOffset });
        spanStart = change;
        spanOffset = this.offsetAt(change);
      }
      sampled = change;
    }
    spans.push({ start: spanStart, end: blockEnd, offsetMs: spanOffset });
    return spans;
  }

  /** Bisects (before, after] for the first instant whose offset is not `offsetBefore`. Offsets change on whole seconds. */
  private firstChangeAfter(before: number, after: number, offsetBefore: number): number {
    let low = before;
    let high = after;
    while (high - low > SECOND_MS) {
      const middle = low + Math.floor((high - low) / (2 * SECOND_MS)) * SECOND_MS;
      if (this.offsetAt(middle) === offsetBefore) low = middle;
      else high = middle;
    }
    return high;
  }

  /** Local time minus UTC at `instant`, in milliseconds. */
  private offsetAt(instant: number): number {
    const formatted = this.formatter.format(instant);
    const match = LONG_OFFSET.exec(formatted);
    if (match === null) {
      throw new Error(`Unrecognised UTC offset '${formatted}' for ${this.timeZone}`);
    }
    const [, sign, hours, minutes, seconds] = match;
    if (sign === undefined) return 0;
    const magnitude = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds ?? 0)) * SECOND_MS;
    return sign === '+' ? magnitude : -magnitude;
  }
}

/** The tail of an en-US 'longOffset' rendering: "GMT", "GMT+01:00", "GMT-00:01:15". ICU may use U+2212 for minus. */
const LONG_OFFSET = /GMT(?:([+\-\u2212])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Surveys are shared by every calendar in the same zone. */
const zoneOffsetsByTimeZone = new Map<string, ZoneOffsets>();

function zoneOffsetsFor(timeZone: string): ZoneOffsets {
  let offsets = zoneOffsetsByTimeZone.get(timeZone);
  if (offsets === undefined) {
    offsets = new ZoneOffsets(timeZone);
    zoneOffsetsByTimeZone.set(timeZone, offsets);
  }
  return offsets;
}
