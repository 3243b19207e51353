/**
 * TEST AND BENCHMARK REFERENCE ONLY — never use in production code.
 *
 * A deliberately naive model of working time that walks the clock one minute at a time and asks, for each
 * minute, "does the local wall clock read an opening time on an open date?". It shares no logic with
 * working-time.ts (it reads local time through Intl date fields rather than UTC offsets, and never reasons
 * about days or intervals as wholes), so agreement between the two is evidence that the fast kernel is right.
 *
 * Limits: instants must be on whole minutes and minute counts whole, and Intl is asked for the local time once
 * per UTC hour, minute by minute only in hours where the offset changes — exact unless a zone changes offset
 * twice within one hour and back again.
 */
import type { CalendarDefinition, Weekday } from './working-time.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const MINUTES_PER_DAY = 24 * 60;

/** Ten years of minutes: enough for any test, and stops a calendar that never opens from hanging a test run. */
const SCAN_LIMIT_MINUTES = 10 * 366 * MINUTES_PER_DAY;

/** Indexed by Date#getUTCDay(), Sunday = 0. */
const WEEKDAY_BY_JS_DAY: readonly Weekday[] = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];

export interface ReferenceCalendar {
  readonly timeZone: string;
  readonly hours: CalendarDefinition['hours'];
  readonly closedDates: ReadonlySet<string>;
  readonly localFields: Intl.DateTimeFormat;
}

export function referenceCalendar(def: CalendarDefinition): ReferenceCalendar {
  return {
    timeZone: def.timeZone,
    hours: def.hours,
    closedDates: new Set(def.closedDates),
    localFields: new Intl.DateTimeFormat('en-US', {
      timeZone: def.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    }),
  };
}

/** End of the minute in which the `workingMinutes`-th working minute from `from` is completed. */
export function referenceDue(calendar: ReferenceCalendar, from: Date, workingMinutes: number): Date {
  const start = wholeMinute(from);
  if (!Number.isInteger(workingMinutes) || workingMinutes < 0) {
    throw new Error(`The reference model takes whole minutes only, got ${workingMinutes}`);
  }
  if (workingMinutes === 0) return new Date(start);
  const clock = new LocalClock(calendar);
  let counted = 0;
  for (let minute = start; minute < start + SCAN_LIMIT_MINUTES * MINUTE_MS; minute += MINUTE_MS) {
    if (clock.isWorkingMinute(minute)) {
      counted += 1;
      if (counted === workingMinutes) return new Date(minute + MINUTE_MS);
    }
  }
  throw new Error('The reference model found too little working time within ten years');
}

export function referenceWorkingMinutesBetween(calendar: ReferenceCalendar, from: Date, to: Date): number {
  const start = wholeMinute(from);
  const end = wholeMinute(to);
  const clock = new LocalClock(calendar);
  let counted = 0;
  for (let minute = start; minute < end; minute += MINUTE_MS) {
    if (clock.isWorkingMinute(minute)) counted += 1;
  }
  return counted;
}

function wholeMinute(date: Date): number {
  const ms = date.getTime();
  if (!Number.isInteger(ms / MINUTE_MS)) {
    throw new Error(`The reference model takes instants on whole minutes only, got ${date.toISOString()}`);
  }
  return ms;
}

/** Answers per-minute questions, remembering what it learnt within one call so tests stay quick. */
class LocalClock {
  private readonly localMinuteAtHour = new Map<number, number>();
  private readonly openMinutesByLocalDay = new Map<number, (minuteOfDay: number) => boolean>();

  constructor(private readonly calendar: ReferenceCalendar) {}

  isWorkingMinute(utcMs: number): boolean {
    const localMinute = this.localMinute(utcMs);
    const localDay = Math.floor(localMinute / MINUTES_PER_DAY);
    return this.openOn(localDay)(localMinute - localDay * MINUTES_PER_DAY);
  }

  /** Minutes since 1970-01-01T00:00 as the local wall clock reads them at `utcMs`. */
  private localMinute(utcMs: number): number {
    const hourStart = Math.floor(utcMs / HOUR_MS) * HOUR_MS;
    const atStart = this.localMinuteAtHourStart(hourStart);
    const atEnd = this.localMinuteAtHourStart(hourStart + HOUR_MS);
    if (atEnd - atStart === 60) return atStart + (utcMs - hourStart) / MINUTE_MS;
    return this.askIntl(utcMs);
  }

  private localMinuteAtHourStart(hourStart: number): number {
    let local = this.localMinuteAtHour.get(hourStart);
    if (local === undefined) {
      local = this.askIntl(hourStart);
      this.localMinuteAtHour.set(hourStart, local);
    }
    return local;
  }

  private askIntl(utcMs: number): number {
    const parts = this.calendar.localFields.formatToParts(utcMs);
    const field = (type: Intl.DateTimeFormatPartTypes): number => {
      const part = parts.find((p) => p.type === type);
      if (part === undefined) throw new Error(`Intl gave no ${type}`);
      return Number(part.value);
    };
    const wallClock = Date.UTC(
      field('year'),
      field('month') - 1,
      field('day'),
      field('hour'),
      field('minute'),
    );
    return wallClock / MINUTE_MS;
  }

  private openOn(localDay: number): (minuteOfDay: number) => boolean {
    let isOpen = this.openMinutesByLocalDay.get(localDay);
    if (isOpen === undefined) {
      const date = new Date(localDay * MINUTES_PER_DAY * MINUTE_MS);
      const weekday = WEEKDAY_BY_JS_DAY[date.getUTCDay()];
      const intervals = weekday === undefined ? [] : (this.calendar.hours[weekday] ?? []);
      if (this.calendar.closedDates.has(date.toISOString().slice(0, 10))) {
        isOpen = () => false;
      } else {
        const bounds = intervals.map(([open, close]) => [minuteOfDay(open), minuteOfDay(close)] as const);
        isOpen = (minute) => bounds.some(([open, close]) => open <= minute && minute < close);
      }
      this.openMinutesByLocalDay.set(localDay, isOpen);
    }
    return isOpen;
  }
}

function minuteOfDay(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? Number.NaN) * 60 + (minutes ?? Number.NaN);
}

/** A minute-by-minute test of working time: is the minute starting at `utcMs` a working minute? */
export function referenceWorkingMinute(calendar: ReferenceCalendar): (utcMs: number) => boolean {
  const clock = new LocalClock(calendar);
  return (utcMs) => clock.isWorkingMinute(utcMs);
}

/** The calendar's local date ('YYYY-MM-DD') at an instant, straight from Intl. */
export function referenceLocalDate(calendar: ReferenceCalendar, utcMs: number): string {
  const parts = calendar.localFields.formatToParts(utcMs);
  const field = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((part) => part.type === type)?.value ?? '';
  return `${field('year')}-${field('month').padStart(2, '0')}-${field('day').padStart(2, '0')}`;
}
