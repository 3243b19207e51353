import type { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Caller } from '../../platform/auth/index.js';
import { scopeOf } from '../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../platform/db/index.js';
import { DomainError, forbidden, validationFailed } from '../../platform/errors.js';
import { parseIsoDate } from '../../kernel/dates.js';
import { formatQuantity } from '../../kernel/quantity.js';
import { usageRejected, type UsageProblem } from './metering.errors.js';
import { meteringRepository as repo, type ResolveOptions } from './metering.repository.js';
import { usageAccess, type UsageAccess } from './metering.policy.js';
import { checkUsage, type CheckedUsage, type UsageFields, type UsageSource } from './usage.input.js';
import { resolvedProblems } from './usage.problems.js';
import { importUsage, type ImportResult } from './usage-import.js';
import { auditBy } from '../audit/index.js';
import { usageQueries, type UsageEventRow, type UsageFilter } from './usage.queries.js';

/** The most events one API call (or one `recordUsage`) may carry. */
export const MAX_EVENTS_PER_CALL = 10_000;

/** Who records usage made by another module: a person (through their request), or the system (a job). */
export type UsageRecorder = Caller | 'system';

/**
 * One unit of work done, as another module reports it (the requests module, when a request of a
 * per-request offering is completed or a time entry of a per-hour offering is recorded).
 */
export interface UsageEventInput {
  /** The organisation charged: the requesting partner. */
  orgId: string;
  offeringId: string;
  /** Thousandths of the offering's unit (1 request = 1000n; 90 minutes = 1500n), or a decimal string. */
  quantity: bigint | string;
  /** When it happened; its date in England decides the period and the price. */
  occurredAt: Date;
  source: UsageSource;
  /** Unique per organisation and source: recording the same key again with the same content changes nothing. */
  key: string;
  note?: string | null;
  requestId?: string | null;
  requestReference?: string | null;
  /** The key of an event (same organisation and source) that this one takes back, whole: its quantity negated. */
  reverses?: string | null;
}

export interface RecordedUsage {
  key: string;
  /** The event's id; for a duplicate, the id of the event recorded before. */
  id: string;
  status: 'recorded' | 'duplicate';
}

/**
 * Records usage in the caller's transaction: for other modules, whose own change and its usage
 * must commit together or not at all (a request completed and its usage; a reopening and its
 * reversal). Every event is checked (organisation and offering known, the line taken on that date,
 * quantity exact to thousandths, a reversal matching what it reverses); any problem throws
 * ERR_USAGE_REJECTED, and a key recorded before with other content ERR_USAGE_KEY_CONFLICT, with
 * nothing written. A key recorded before with the same content is a duplicate, not an error.
 * Row level security decides whether the transaction may write for that organisation: the host's
 * people may; a partner's people only for sources `request` and `time`.
 */
export async function recordUsage(
  tx: Tx,
  by: UsageRecorder,
  events: readonly UsageEventInput[],
): Promise<RecordedUsage[]> {
  if (events.length > MAX_EVENTS_PER_CALL)
    throw new DomainError('ERR_TOO_MANY_EVENTS', `At most ${MAX_EVENTS_PER_CALL} events at once`);
  const problems: UsageProblem[] = [];
  const checked = events.flatMap((event, index) => {
    const one = checkUsage(
      {
        key: event.key,
        orgId: event.orgId,
        offeringId: event.offeringId,
        quantity: event.quantity,
        occurredAt: event.occurredAt,
        note: event.note ?? undefined,
        requestId: event.requestId ?? undefined,
        requestReference: event.requestReference ?? undefined,
        reverses: event.reverses ?? undefined,
      },
      index,
      event.source,
      problems,
    );
    return one ? [one] : [];
  });
  return recordChecked(
    tx,
    checked,
    problems,
    { by: 'id', hostOrgId: null, lineIds: null, reversals: true },
    by === 'system' ? null : by.principal.userId,
  );
}

/** Hours as the thousandths usage counts in, from whole minutes, rounded half away from zero. */
export function thousandthsOfHours(minutes: number): bigint {
  if (!Number.isInteger(minutes)) throw new RangeError('minutes must be whole');
  const size = BigInt(Math.abs(minutes)) * 1000n;
  const rounded = (size * 2n + 60n) / 120n;
  return minutes < 0 ? -rounded : rounded;
}

async function recordChecked(
  tx: Tx,
  checked: CheckedUsage[],
  problems: UsageProblem[],
  options: ResolveOptions,
  recordedBy: string | null,
): Promise<RecordedUsage[]> {
  const resolved = checked.length ? await repo.checkBatch(tx, checked, options) : [];
  for (const row of resolved) {
    problems.push(...resolvedProblems(row, row.at));
    if (row.repeat_differs)
      problems.push({
        at: row.at,
        field: 'key',
        problem: 'key_conflict',
        message: `Key ${row.key} is also at ${row.first_at} with other content`,
      });
    if (row.existing_differs)
      problems.push({
        at: row.at,
        field: 'key',
        problem: 'key_conflict',
        message: `Key ${row.key} was recorded before with other content`,
      });
  }
  if (problems.length) throw usageRejected(problems, 'index');

  const byAt = new Map(checked.map((event) => [event.at, event]));
  const fresh = resolved.filter((row) => row.first_at === row.at && row.existing_id === null);
  const ids = await repo.insertEvents(
    tx,
    fresh.map((row) => ({ checked: byAt.get(row.at)!, resolved: row })),
    recordedBy,
  );
  const idAt = new Map(fresh.map((row, index) => [row.at, ids[index]!]));
  return resolved.map((row) => {
    const mine = idAt.get(row.at);
    if (mine) return { key: row.key, id: mine, status: 'recorded' as const };
    return { key: row.key, id: row.existing_id ?? idAt.get(row.first_at)!, status: 'duplicate' as const };
  });
}

/** An event as the API and exports show it. */
export interface UsageEventView {
  id: string;
  organisation: string | null;
  /** For pages: the organisation's and offering's names, and the offering's unit. */
  names?: { organisation: string | null; offering: string | null; unit: string | null };
  serviceLine: string | null;
  offering: string | null;
  /** Decimal, exact: "1.5". */
  quantity: string;
  occurredAt: string;
  occurredOn: string;
  pricedOn: string;
  source: string;
  key: string;
  note: string | null;
  requestReference: string | null;
  reverses: string | null;
  recordedAt: string;
}

export function presentUsage(row: UsageEventRow): UsageEventView {
  return {
    id: row.id,
    organisation: row.organisation,
    serviceLine: row.service_line,
    offering: row.offering,
    quantity: formatQuantity(BigInt(row.quantity)),
    occurredAt: row.occurred_at.toISOString(),
    occurredOn: row.occurred_on,
    pricedOn: row.priced_on,
    source: row.source,
    key: row.key,
    note: row.note,
    requestReference: row.request_reference,
    reverses: row.reverses,
    recordedAt: row.recorded_at.toISOString(),
    names: { organisation: row.organisation_name, offering: row.offering_name, unit: row.unit },
  };
}

function csvRow(row: UsageEventRow): Array<string | null> {
  const view = presentUsage(row);
  return [
    view.id,
    view.organisation,
    view.serviceLine,
    view.offering,
    view.quantity,
    view.occurredAt,
    view.occurredOn,
    view.pricedOn,
    view.source,
    view.key,
    view.note,
    view.requestReference,
    view.reverses,
    view.recordedAt,
  ];
}

export const USAGE_EXPORT_COLUMNS = [
  'id',
  'organisation',
  'service_line',
  'offering',
  'quantity',
  'occurred_at',
  'occurred_on',
  'priced_on',
  'source',
  'key',
  'note',
  'request_reference',
  'reverses',
  'recorded_at',
] as const;

/** What may be asked of a list of usage. */
export interface UsageQuery {
  organisation?: string | undefined;
  offering?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** The `next` of the previous page. */
  after?: string | undefined;
  limit?: number | undefined;
}

function readQuery(query: UsageQuery) {
  const errors: Record<string, string> = {};
  const from = query.from === undefined ? undefined : parseIsoDate(query.from);
  const to = query.to === undefined ? undefined : parseIsoDate(query.to);
  if (query.from !== undefined && !from) errors.from = 'must be a date, YYYY-MM-DD';
  if (query.to !== undefined && !to) errors.to = 'must be a date, YYYY-MM-DD';
  if (from && to && to < from) errors.to = 'must not be before from';
  let after: { day: string; id: string } | undefined;
  if (query.after !== undefined) {
    const [day, id] = Buffer.from(query.after, 'base64url').toString('utf8').split('|');
    if (!parseIsoDate(day) || !/^\d{1,19}$/.test(id ?? '')) errors.after = 'is not a page this list gave';
    else after = { day: day!, id: id! };
  }
  if (Object.keys(errors).length) throw validationFailed(errors);
  return { from, to, after };
}

export function meteringService(db: Database) {
  const unit = <T>(ctx: Caller, work: (tx: Tx, access: UsageAccess) => Promise<T>) =>
    inScope(db, scopeOf(ctx.principal), async (tx) => work(tx, await usageAccess(tx, ctx.principal)));

  const recordOptions = (access: UsageAccess): ResolveOptions => {
    if (access.record === 'none' || !access.hostOrgId)
      throw forbidden('Only the host’s finance officers and service managers record usage');
    return {
      by: 'code',
      hostOrgId: access.hostOrgId,
      lineIds: access.record === 'lines' ? access.lineIds : null,
      reversals: true,
    };
  };

  /** The filter a caller's list is confined to, with codes turned into ids. */
  const filterOf = async (tx: Tx, access: UsageAccess, query: UsageQuery): Promise<UsageFilter> => {
    if (access.read === 'none') throw forbidden('You cannot see usage');
    const { from, to, after } = readQuery(query);
    const filter: UsageFilter = {
      hostOrgId: access.hostOrgId,
      orgId: access.read === 'own' ? access.orgId : null,
      lineIds: access.read === 'lines' ? access.lineIds : null,
      offeringId: null,
      from: from ?? null,
      to: to ?? null,
      after: after ?? null,
    };
    if (query.organisation) {
      const id = await usageQueries.organisationId(tx, query.organisation.trim().toUpperCase());
      if (!id || (filter.orgId && filter.orgId !== id))
        throw validationFailed({ organisation: 'is not an organisation you can see' });
      filter.orgId = id;
    }
    if (query.offering) {
      const id = await usageQueries.offeringId(tx, query.offering.trim().toUpperCase());
      if (!id) throw validationFailed({ offering: 'is not an offering you can see' });
      filter.offeringId = id;
    }
    return filter;
  };

  return {
    /** `POST /usage-events`: up to 10,000 events, all or none; source `api`. */
    async record(ctx: Caller, items: readonly UsageFields[]): Promise<RecordedUsage[]> {
      if (items.length > MAX_EVENTS_PER_CALL)
        throw new DomainError('ERR_TOO_MANY_EVENTS', `At most ${MAX_EVENTS_PER_CALL} events at once`);
      return unit(ctx, async (tx, access) => {
        const options = recordOptions(access);
        const problems: UsageProblem[] = [];
        const checked = items.flatMap((item, index) => {
          const one = checkUsage(item, index, 'api', problems);
          return one ? [one] : [];
        });
        const recorded = await recordChecked(tx, checked, problems, options, ctx.principal.userId);
        await auditBy(tx, ctx, {
          orgId: access.orgId,
          action: 'usage.record',
          entityType: 'usage_events',
          after: {
            source: 'api',
            recorded: recorded.filter((event) => event.status === 'recorded').length,
            duplicates: recorded.filter((event) => event.status === 'duplicate').length,
          },
        });
        return recorded;
      });
    },

    /** `tandem usage import FILE.csv`: any number of rows, streamed, all or none; source `import`. */
    async importCsv(
      ctx: Caller,
      input: Readable,
      onProgress?: (message: string) => void,
    ): Promise<ImportResult> {
      return unit(ctx, async (tx, access) => {
        const options = recordOptions(access);
        const result = await importUsage(tx, input, {
          engine: db.engine,
          hostOrgId: options.hostOrgId!,
          lineIds: options.lineIds,
          recordedBy: ctx.principal.userId,
          ...(onProgress ? { onProgress } : {}),
        });
        await auditBy(tx, ctx, {
          orgId: access.orgId,
          action: 'usage.import',
          entityType: 'usage_events',
          after: { source: 'import', ...result },
        });
        return result;
      });
    },

    /** A page of usage the caller may see, newest day first. */
    async list(ctx: Caller, query: UsageQuery): Promise<{ events: UsageEventView[]; next: string | null }> {
      const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
      return unit(ctx, async (tx, access) => {
        const filter = await filterOf(tx, access, query);
        const rows = await usageQueries.page(tx, filter, limit + 1, 'desc');
        const events = rows.slice(0, limit).map(presentUsage);
        const last = rows.length > limit ? rows[limit - 1]! : undefined;
        return {
          events,
          next: last ? Buffer.from(`${last.occurred_on}|${last.id}`).toString('base64url') : null,
        };
      });
    },

    /**
     * Every event the caller may see that the query selects, as CSV, oldest first, in pieces (a
     * unit of work per 5,000 rows). Values that a spreadsheet would run as formulas are escaped.
     */
    async exportCsv(ctx: Caller, query: Omit<UsageQuery, 'after' | 'limit'>): Promise<AsyncIterable<string>> {
      const filter = await unit(ctx, (tx, access) => filterOf(tx, access, query));
      const scope = scopeOf(ctx.principal);
      return (async function* () {
        yield stringify([[...USAGE_EXPORT_COLUMNS]]);
        for (;;) {
          const rows = await inScope(db, scope, (tx) => usageQueries.page(tx, filter, 5000, 'asc'));
          if (!rows.length) return;
          yield stringify(rows.map(csvRow), { escape_formulas: true });
          const last = rows.at(-1)!;
          filter.after = { day: last.occurred_on, id: last.id };
        }
      })();
    },
  };
}

export type MeteringService = ReturnType<typeof meteringService>;
