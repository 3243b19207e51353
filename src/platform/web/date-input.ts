/**
 * The form side of the GOV.UK date input (components/date-input in src/views): reads the boxes a
 * person typed into (`starts-day`, `starts-month`, `starts-year`, and with a time `starts-hour`,
 * `starts-minute`) as one value, or says what is wrong in words that name the field, following the
 * Design System's error messages for dates.
 */
import { dateFromParts, FIRST_YEAR, LAST_YEAR, isRealDay } from '../../kernel/dates.js';
import { instantAtWallClock } from '../../kernel/wall-clock.js';
import type { FieldErrors } from '../errors.js';
import { DISPLAY_TIME_ZONE } from './format.js';
import { en, translate, type Messages } from './messages.js';
import { formErrors } from './forms.js';

export const DATE_PARTS = ['day', 'month', 'year'] as const;
export const DATE_TIME_PARTS = ['day', 'month', 'year', 'hour', 'minute'] as const;
export type DatePart = (typeof DATE_TIME_PARTS)[number];

/** A date input as read from a form, or as filled in from a stored value; what its macro takes. */
export interface DateInputField {
  /** The name shared by its boxes (`starts` for `starts-day` …), which is also its id. */
  name: string;
  /** Whether it has hour and minute boxes. */
  time: boolean;
  /** What is in each box, to show again. */
  values: Partial<Record<DatePart, string>>;
  /**
   * The date as `YYYY-MM-DD`; with a time, the instant as ISO 8601 in UTC (the boxes are read on
   * the UK wall clock). Undefined when the boxes are empty or wrong.
   */
  value?: string;
  /** What is wrong, naming the field ("Enter the date the price starts"). */
  error?: string;
  /** The boxes to mark as wrong, in order; the error summary links to the first. */
  invalid: DatePart[];
}

export interface DateInputOptions {
  /**
   * What the date is, as it reads in the middle of a sentence ("the date the price starts"): a
   * message key or words. Errors start with it capitalised.
   */
  what: string;
  /** With hour and minute boxes, read as a time in the UK. */
  time?: boolean;
  /** Whether the date may be left out entirely (then it has no value and no error). Default: required. */
  optional?: boolean;
  messages?: Messages;
}

const DIGITS = /^\d+$/;

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/** Reads the boxes named `name-day` … from a form body into one value, or the problem with them. */
export function readDateInput(
  body: Record<string, unknown>,
  name: string,
  options: DateInputOptions,
): DateInputField {
  const messages = options.messages ?? en;
  const time = options.time ?? false;
  const parts: readonly DatePart[] = time ? DATE_TIME_PARTS : DATE_PARTS;
  const values: Partial<Record<DatePart, string>> = {};
  for (const part of parts) {
    const typed = body[`${name}-${part}`];
    values[part] = typeof typed === 'string' ? typed.trim() : '';
  }
  const what = translate(options.what, {}, messages);
  const field = { name, time, values, invalid: [] as DatePart[] };
  const wrong = (
    key: string,
    invalid: readonly DatePart[],
    params: Record<string, string | number> = {},
  ) => ({
    ...field,
    error: translate(`dateInput.errors.${key}`, { ...params, name: what, Name: capitalise(what) }, messages),
    invalid: [...invalid],
  });

  const missing = parts.filter((part) => values[part] === '');
  if (missing.length === parts.length) return options.optional ? field : wrong('missing', parts);
  if (missing.length) {
    const list = new Intl.ListFormat(messages.locale, { type: 'conjunction' }).format(
      missing.map((part) => translate(`dateInput.parts.${part}`, {}, messages)),
    );
    return wrong('incomplete', missing, { parts: list });
  }

  const notNumbers = DATE_PARTS.filter((part) => !DIGITS.test(values[part]!));
  if (notNumbers.length) return wrong('notReal', notNumbers);
  if (values.year!.length !== 4) return wrong('yearDigits', ['year']);
  const [day, month, year] = DATE_PARTS.map((part) => Number(values[part]));
  if (year! < FIRST_YEAR || year! > LAST_YEAR)
    return wrong('yearRange', ['year'], { first: FIRST_YEAR, last: LAST_YEAR });
  const date = dateFromParts(values.day, values.month, values.year);
  if (!date) {
    // Mark the box that is wrong where one alone is: a month of 13, or 31 in a 30-day month.
    const badMonth = month! < 1 || month! > 12;
    const badDay = !badMonth && !isRealDay(year!, month!, day!);
    return wrong('notReal', badMonth ? ['month'] : badDay ? ['day'] : DATE_PARTS);
  }
  if (!time) return { ...field, value: date };

  const hour = DIGITS.test(values.hour!) ? Number(values.hour) : Number.NaN;
  const minute = DIGITS.test(values.minute!) ? Number(values.minute) : Number.NaN;
  const badTime = [
    ...(hour >= 0 && hour <= 23 ? [] : (['hour'] as const)),
    ...(minute >= 0 && minute <= 59 ? [] : (['minute'] as const)),
  ];
  if (badTime.length) return wrong('timeNotReal', badTime);
  const found = instantAtWallClock(date, hour, minute, DISPLAY_TIME_ZONE);
  if (found.kind === 'skipped') return wrong('timeSkipped', ['hour', 'minute']);
  return { ...field, value: found.instant.toISOString() };
}

const UK_WALL_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: DISPLAY_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * A date input filled in from a stored value, for a form that changes it: a date (`YYYY-MM-DD`),
 * or with `time` an instant (a Date or ISO text), shown on the UK wall clock. Empty when there is none.
 */
export function dateInputFrom(
  name: string,
  stored: Date | string | null | undefined,
  options: { time?: boolean } = {},
): DateInputField {
  const time = options.time ?? false;
  const field: DateInputField = { name, time, values: {}, invalid: [] };
  if (stored === null || stored === undefined || stored === '') return field;
  if (!time) {
    const match = typeof stored === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(stored) : null;
    if (!match) throw new RangeError(`Not a date (YYYY-MM-DD): ${String(stored)}`);
    const [, year, month, day] = match;
    return {
      ...field,
      value: stored as string,
      values: { day: String(Number(day)), month: String(Number(month)), year },
    };
  }
  const instant = stored instanceof Date ? stored : new Date(stored);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`Not an instant: ${String(stored)}`);
  const parts = Object.fromEntries(
    UK_WALL_CLOCK.formatToParts(instant).map((part) => [part.type, part.value]),
  );
  return {
    ...field,
    value: instant.toISOString(),
    values: {
      day: String(Number(parts.day)),
      month: String(Number(parts.month)),
      year: parts.year,
      hour: parts.hour,
      minute: parts.minute,
    },
  };
}

/**
 * The problems of a form's date inputs, for `formErrors`: each field's message, and (as `ids`) the
 * box its error-summary link goes to, the first one that is wrong.
 */
export function dateInputErrors(fields: readonly DateInputField[]): {
  errors: FieldErrors;
  ids: Record<string, string>;
} {
  const errors: FieldErrors = {};
  const ids: Record<string, string> = {};
  for (const field of fields) {
    if (!field.error) continue;
    errors[field.name] = field.error;
    ids[field.name] = `${field.name}-${field.invalid[0] ?? 'day'}`;
  }
  return { errors, ids };
}

/** A date a form asks for: its name, what it is (for its errors), and its stored value to show first. */
export interface WantedDate {
  name: string;
  /** As `DateInputOptions.what`: "the date the price starts". */
  what: string;
  optional?: boolean;
  time?: boolean;
  stored?: string | null;
}

/**
 * A form's dates as typed into GOV.UK date inputs, put where its schema reads them (the date, or ''
 * when the boxes are empty or wrong), with the date inputs' own problems ("The date the price
 * starts must be a real date") and the box each problem's summary link goes to.
 */
export function readDates(body: Record<string, unknown>, wanted: readonly WantedDate[]) {
  const dates = wanted.map(({ name, what, optional, time }) =>
    readDateInput(body, name, { what, optional: optional ?? false, time: time ?? false }),
  );
  const values: Record<string, unknown> = { ...body };
  for (const date of dates) values[date.name] = date.value ?? '';
  return { dates, values, ...dateInputErrors(dates) };
}

/**
 * The date inputs to show, as typed after a submission (`body`) or from their stored values, with
 * the form's problems for its error summary (`order`: the fields in page order; `ids`: where other
 * fields' links go). A date's summary link goes to its first wrong box; a problem across fields (an
 * end before the start) marks the whole date.
 */
export function datesAndErrors(
  body: Record<string, unknown> | undefined,
  wanted: readonly WantedDate[],
  errors: FieldErrors,
  order: string[],
  ids: Record<string, string> = {},
) {
  const read = body
    ? readDates(body, wanted)
    : {
        dates: wanted.map(({ name, stored, time }) => dateInputFrom(name, stored, { time: time ?? false })),
        ids: {},
      };
  const firstBoxes = Object.fromEntries(wanted.map(({ name }) => [name, `${name}-day`]));
  const { errorList, fields } = formErrors(errors, order, { ...ids, ...firstBoxes, ...read.ids });
  const dates: Record<string, DateInputField> = Object.fromEntries(
    read.dates.map((date) => [
      date.name,
      {
        ...date,
        error: fields[date.name]?.text,
        invalid: fields[date.name] && !date.invalid.length ? [...DATE_PARTS] : date.invalid,
      },
    ]),
  );
  return { errorList, fields, dates };
}
