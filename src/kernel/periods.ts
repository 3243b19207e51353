/**
 * Charging periods: a month (`2026-10`), a calendar quarter (`2026-Q3`, July to September) or a
 * financial year (`2026-27`, 1 April 2026 to 31 March 2027). Days are dates in England.
 */

export type PeriodKind = 'month' | 'quarter' | 'financial_year';

export interface Period {
  /** As written: `2026-10`, `2026-Q3`, `2026-27`. */
  code: string;
  kind: PeriodKind;
  /** The first day, `YYYY-MM-DD`. */
  from: string;
  /** The day after the last, `YYYY-MM-DD` (so a period is [from, until)). */
  until: string;
  /** Its months, `YYYY-MM`, in order. */
  months: string[];
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const FINANCIAL_YEAR = /^(\d{4})-(\d{2})$/;

function month(year: number, index: number): string {
  const y = year + Math.floor(index / 12);
  const m = ((index % 12) + 12) % 12;
  return `${y}-${String(m + 1).padStart(2, '0')}`;
}

function span(code: string, kind: PeriodKind, year: number, firstMonth: number, count: number): Period {
  const months = Array.from({ length: count }, (_, i) => month(year, firstMonth + i));
  return { code, kind, from: `${months[0]}-01`, until: `${month(year, firstMonth + count)}-01`, months };
}

/** Reads a period code, or undefined when it has none of the three shapes (or a year outside 1900–2999). */
export function parsePeriod(text: unknown): Period | undefined {
  if (typeof text !== 'string') return undefined;
  const code = text.trim().toUpperCase();
  let match = MONTH.exec(code);
  if (match) {
    const year = Number(match[1]);
    return inRange(year) ? span(code, 'month', year, Number(match[2]) - 1, 1) : undefined;
  }
  match = QUARTER.exec(code);
  if (match) {
    const year = Number(match[1]);
    return inRange(year) ? span(code, 'quarter', year, (Number(match[2]) - 1) * 3, 3) : undefined;
  }
  match = FINANCIAL_YEAR.exec(code);
  if (match) {
    const year = Number(match[1]);
    // The second part must be the next year's last two digits: 2026-27, 1999-00.
    if (!inRange(year) || Number(match[2]) !== (year + 1) % 100) return undefined;
    return span(code, 'financial_year', year, 3, 12);
  }
  return undefined;
}

function inRange(year: number): boolean {
  return year >= 1900 && year <= 2998;
}

/** The financial year (`2026-27`) a date in England falls in. */
export function financialYearOf(date: string): string {
  const year = Number(date.slice(0, 4));
  const start = Number(date.slice(5, 7)) >= 4 ? year : year - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** A period's last day, from the day after it (`until`, as a period keeps it): `2026-11-01` → `2026-10-31`. */
export function lastDayBefore(until: string): string {
  const date = new Date(`${until}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** True when `date` (`YYYY-MM-DD`) falls within the period. */
export function periodContains(period: Period, date: string): boolean {
  return date >= period.from && date < period.until;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** A month (`2026-10`) as people read it: "October 2026". */
export function monthName(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

/** A day (`2026-10-31`) as people read it: "31 October 2026". */
export function longDate(day: string): string {
  return `${Number(day.slice(8, 10))} ${monthName(day.slice(0, 7))}`;
}

/**
 * A period as people read it: "October 2026", "July to September 2026", "April 2026 to March 2027";
 * text that is not a period comes back as it was.
 */
export function periodInWords(code: string): string {
  const period = parsePeriod(code);
  if (!period) return code;
  const first = monthName(period.months[0]!);
  if (period.kind === 'month') return first;
  const last = monthName(period.months.at(-1)!);
  if (period.kind === 'quarter') return `${first.split(' ')[0]} to ${last}`;
  return `${first} to ${last}`;
}
