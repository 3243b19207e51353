/**
 * Dates and instants as Tandem accepts them, everywhere: forms, the API, CSV files and commands.
 * One parser, so that nothing reaches the database that it would refuse (year 0000, 30 February)
 * and nothing is read two ways.
 */

/** The years Tandem accepts: wide enough for any record a public body keeps, narrow enough to catch typing slips. */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2999;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True when year, month and day name a real day within the accepted years. */
export function isRealDay(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= FIRST_YEAR &&
    year <= LAST_YEAR &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** A calendar date as `YYYY-MM-DD`, or undefined when the text is not one (2026-02-30, 0000-01-01). */
export function parseIsoDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ISO_DATE.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day] = match;
  return isRealDay(Number(year), Number(month), Number(day)) ? value.trim() : undefined;
}

/** True when `value` is a real calendar date in `YYYY-MM-DD` form. */
export function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && parseIsoDate(value) === value;
}

/**
 * An ISO 8601 instant with a zone or offset ("2026-03-27T16:00:00Z", "2026-03-27T17:00:00+01:00");
 * a bare local time is ambiguous and refused, as is any field out of range.
 */
export function parseInstant(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ISO_INSTANT.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, , zone, offsetHours, offsetMinutes] = match;
  if (!isRealDay(Number(year), Number(month), Number(day))) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return undefined;
  if (zone !== 'Z' && (Number(offsetHours) > 18 || Number(offsetMinutes) > 59)) return undefined;
  const instant = new Date(value.trim());
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** The three parts of a GOV.UK date input, as typed ("27", "3", "2026"), as `YYYY-MM-DD`. */
export function dateFromParts(day: unknown, month: unknown, year: unknown): string | undefined {
  const parts = [day, month, year].map((part) => (typeof part === 'string' ? part.trim() : ''));
  if (!parts.every((part) => /^\d{1,4}$/.test(part))) return undefined;
  const [d, m, y] = parts.map(Number) as [number, number, number];
  if (parts[2]!.length !== 4 || !isRealDay(y, m, d)) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const LONDON_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The date in England at an instant: what decides "today", periods and prices. */
export function londonDate(instant: Date = new Date()): string {
  return LONDON_DATE.format(instant);
}

/** The calendar day `days` days after (or, negative, before) a `YYYY-MM-DD` day. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
