/**
 * How Tandem writes durations, money, dates and times for people, one implementation each, in the
 * words of the message catalogue (so a Welsh catalogue changes the words, not this code). Pages use
 * them as Nunjucks filters (see views.ts); code that builds text for people calls them directly.
 */
import { formatPounds, groupPounds } from '../../kernel/money.js';
import { en, translate, translatePlural, type Messages } from './messages.js';

/** Where Tandem's dates and times are read: the date of an instant is its date in the UK. */
export const DISPLAY_TIME_ZONE = 'Europe/London';

function wholeNumber(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${what} must be a whole number of at least 0, not ${String(value)}`);
  return value;
}

/**
 * Working time in whole minutes as hours and minutes: 240 → "4 hours", 90 → "1 hour 30 minutes",
 * 45 → "45 minutes", 0 → "0 minutes". Hours are never turned into days: a working day's length
 * depends on the calendar.
 */
export function formatWorkingMinutes(minutes: number, messages: Messages = en): string {
  wholeNumber(minutes, 'Working minutes');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const hoursText = translatePlural('format.hours', hours, {}, messages);
  const minutesText = translatePlural('format.minutes', rest, {}, messages);
  if (hours === 0) return minutesText;
  if (rest === 0) return hoursText;
  return translate('format.hoursAndMinutes', { hours: hoursText, minutes: minutesText }, messages);
}

/** Whole working days: 1 → "1 working day", 2 → "2 working days". */
export function formatWorkingDays(days: number, messages: Messages = en): string {
  return translatePlural('format.workingDays', wholeNumber(days, 'Working days'), {}, messages);
}

/**
 * An amount of money held as whole pence (a number, a bigint, or the text of a bigint column) in
 * pounds: 360 → "£3.60", 145000 → "£1,450.00", -205 → "-£2.05". Exact: no floating point.
 */
export function formatMoney(pence: number | bigint | string, messages: Messages = en): string {
  const whole =
    typeof pence === 'bigint' ||
    (typeof pence === 'number' && Number.isSafeInteger(pence)) ||
    (typeof pence === 'string' && /^-?\d+$/.test(pence));
  if (!whole) throw new RangeError(`An amount must be whole pence, not ${String(pence)}`);
  const pounds = formatPounds(typeof pence === 'bigint' ? pence.toString() : pence);
  const negative = pounds.startsWith('-');
  const amount = groupPounds(negative ? pounds.slice(1) : pounds);
  return translate(negative ? 'format.moneyNegative' : 'format.money', { amount }, messages);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const formats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) formats.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}

function instantOf(value: Date | string): Date {
  const instant = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`Not a date or time: ${String(value)}`);
  return instant;
}

/** The wall clock in the UK at an instant, as numbers. */
function ukWallClock(instant: Date) {
  const parts = dateTimeFormat('en-GB', {
    timeZone: DISPLAY_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    hour: Number(part('hour')),
    minute: Number(part('minute')),
  };
}

/**
 * A date as GOV.UK writes it: "27 March 2026". A calendar date (`YYYY-MM-DD`) is that date; an
 * instant (a Date, or ISO text with a time) is the date it was in the UK.
 */
export function formatDate(value: Date | string, messages: Messages = en): string {
  const calendarDate = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  const [year, month, day] = calendarDate
    ? calendarDate.slice(1).map(Number)
    : ukWallClock(instantOf(value)).date.split('-').map(Number);
  return dateTimeFormat(messages.locale, {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(Date.UTC(year!, month! - 1, day)));
}

/**
 * An instant as the time in the UK on the 12-hour clock, as GOV.UK writes it: "4:00pm", "9:30am",
 * "midday", "midnight" (the one that starts the day).
 */
export function formatTime(value: Date | string, messages: Messages = en): string {
  const { hour, minute } = ukWallClock(instantOf(value));
  if (minute === 0 && hour === 12) return translate('format.midday', {}, messages);
  if (minute === 0 && hour === 0) return translate('format.midnight', {}, messages);
  return translate(
    'format.time',
    {
      hour: hour % 12 === 0 ? 12 : hour % 12,
      minute: String(minute).padStart(2, '0'),
      period: translate(hour < 12 ? 'format.am' : 'format.pm', {}, messages),
    },
    messages,
  );
}

/** An instant as its date and time in the UK: "27 March 2026 at 4:00pm", whichever side of a clock change. */
export function formatDateTime(value: Date | string, messages: Messages = en): string {
  const instant = instantOf(value);
  return translate(
    'format.dateAtTime',
    { date: formatDate(instant, messages), time: formatTime(instant, messages) },
    messages,
  );
}
