import type { FieldErrors } from '../../../platform/errors.js';
import { datesAndErrors, formatDateTime, readDates, translate } from '../../../platform/web/index.js';
import type { UsageEventView, UsageQuery } from '../metering.service.js';
import { SOURCES } from '../usage.input.js';
import { quantityInWords } from '../usage.words.js';

export const USAGE_PATH = '/usage';
export const USAGE_CSV_PATH = '/usage.csv';

/** Events on one page of the list. */
export const PAGE_SIZE = 50;

const DATES = [
  { name: 'from', what: 'usage.filters.fromWhat', optional: true },
  { name: 'to', what: 'usage.filters.toWhat', optional: true },
] as const;
const DATE_BOXES = ['from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year'] as const;
const FIELD_ORDER = ['organisation', 'offering', 'from', 'to', 'after'];

/** What the service says is wrong with a field, in the page's words. */
const SERVICE_PROBLEMS: Record<string, string> = {
  organisation: 'usage.errors.organisation',
  offering: 'usage.errors.offering',
  to: 'usage.errors.toBeforeFrom',
  after: 'usage.errors.after',
};

type Query = Record<string, unknown>;

const text = (query: Query, name: string): string => {
  const value = query[name];
  return typeof value === 'string' ? value.trim() : '';
};

/** The filters of an address, as the service takes them, and as they are kept in links. */
export interface UsageFilters {
  /** For the service; undefined where the dates typed are wrong. */
  query: Omit<UsageQuery, 'after' | 'limit'> | undefined;
  /** What the date boxes say is wrong, naming the field. */
  dateErrors: FieldErrors;
  /** The filters set, as address parameters, to carry into "Next" and the download. */
  kept: Record<string, string>;
  /** The filters as typed, to show in the form. */
  values: { organisation: string; offering: string };
}

/**
 * Reads the filters of `/usage` and `/usage.csv`. Only the host's people choose an organisation:
 * a partner's list is its own, whatever the address asks.
 */
export function readFilters(query: Query, host: boolean): UsageFilters {
  const organisation = host ? text(query, 'organisation') : '';
  const offering = text(query, 'offering');
  const kept: Record<string, string> = {};
  if (organisation) kept.organisation = organisation;
  if (offering) kept.offering = offering;
  for (const box of DATE_BOXES) if (text(query, box)) kept[box] = text(query, box);

  const read = readDates(kept, DATES);
  const dateErrors = read.errors;
  const [from, to] = read.dates.map((date) => date.value);
  return {
    query: Object.keys(dateErrors).length
      ? undefined
      : {
          ...(organisation ? { organisation } : {}),
          ...(offering ? { offering } : {}),
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
        },
    dateErrors,
    kept,
    values: { organisation, offering },
  };
}

/** The service's field problems in the page's words. */
export function pageProblems(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(
    Object.keys(errors).map((field) => [field, SERVICE_PROBLEMS[field] ?? errors[field] ?? '']),
  );
}

/** The form's problems for the error summary and its fields, and the date inputs to show. */
export function formOf(filters: UsageFilters, problems: FieldErrors) {
  return datesAndErrors(filters.kept, DATES, { ...filters.dateErrors, ...problems }, FIELD_ORDER, {
    after: 'usage-filters',
  });
}

/** An address with the query's parameters, or none when there are none. */
export function withQuery(path: string, values: Record<string, string>): string {
  const search = new URLSearchParams(values).toString();
  return search ? `${path}?${search}` : path;
}

/** The cursors of the pages before this one, kept in the address so that "Previous" needs no JavaScript. */
export function trailOf(value: unknown): string[] {
  if (typeof value !== 'string' || !value) return [];
  return value
    .split('.')
    .filter((cursor) => /^[A-Za-z0-9_-]{1,100}$/.test(cursor))
    .slice(-50);
}

/** "Previous" and "Next" for a list paged by the service's cursor. */
export function pagerOf(
  kept: Record<string, string>,
  after: string | undefined,
  trail: string[],
  next: string | null,
): { previous: string | null; next: string | null } | null {
  const previous =
    after === undefined
      ? null
      : withQuery(USAGE_PATH, {
          ...kept,
          ...(trail.length ? { after: trail.at(-1)! } : {}),
          ...(trail.length > 1 ? { before: trail.slice(0, -1).join('.') } : {}),
        });
  const following = next
    ? withQuery(USAGE_PATH, {
        ...kept,
        after: next,
        ...(after !== undefined ? { before: [...trail, after].join('.') } : {}),
      })
    : null;
  return previous || following ? { previous, next: following } : null;
}

/** A decimal quantity with its whole part in groups of three, exactly as given: "-1234.5" → "−1,234.5". */

const sourceText = (source: string): string =>
  translate(`usage.sources.${(SOURCES as readonly string[]).includes(source) ? source : 'other'}`);

/** One event as a row of the table. */
export interface UsageRow {
  id: string;
  occurred: string;
  organisation: string | null;
  offering: string | null;
  quantity: string;
  reversal: boolean;
  source: string;
  note: string | null;
  reference: string | null;
  href: string | null;
}

export function usageRow(event: UsageEventView): UsageRow {
  return {
    id: event.id,
    occurred: formatDateTime(event.occurredAt),
    organisation: event.names?.organisation ?? event.organisation,
    offering: event.names?.offering ?? event.offering,
    quantity: quantityInWords(event.quantity, event.names?.unit ?? null),
    reversal: event.quantity.startsWith('-'),
    source: sourceText(event.source),
    note: event.note,
    reference: event.requestReference,
    href: event.requestReference ? `/requests/${encodeURIComponent(event.requestReference)}` : null,
  };
}

/** The download's file name, from its filters: `usage-wdc-2026-10-01-to-2026-10-31.csv`. */
export function csvFileName(query: Omit<UsageQuery, 'after' | 'limit'>): string {
  const safe = (value: string) => value.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const parts = [
    query.organisation,
    query.offering,
    query.from ? `from-${query.from}` : undefined,
    query.to ? `to-${query.to}` : undefined,
  ].flatMap((part) => (part ? [safe(part)] : []));
  return `usage-${parts.length ? parts.join('-') : 'all'}.csv`;
}
