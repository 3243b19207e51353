import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../platform/db/index.js';
import type { CheckedUsage, UsageSource } from './usage.input.js';

/**
 * Recording usage is serialised against recharge runs by one advisory lock: every transaction that
 * records usage holds it shared from before its events are written until it commits; a run takes it
 * exclusively for an instant to read its cut-off, so that every event recorded before the cut-off
 * has been committed by then (see `usageCutoff`). Writers never wait for each other.
 */
const USAGE_LOCK = sql.lit(7_461_110_015);

/** How the events to resolve name their organisation and offering, and where they are. */
export interface ResolveOptions {
  /** `code`: by organisation and offering code (API, imports); `id`: by id (recordUsage). */
  by: 'code' | 'id';
  /** The host whose offerings the codes name; with `by: 'id'` the offering's own host is used. */
  hostOrgId: string | null;
  /** Only these service lines may be recorded (a service manager's); null for all. */
  lineIds: string[] | null;
  /** Whether any event may reverse another (imports carry no reversals). */
  reversals: boolean;
}

/**
 * The events of relation `s` with their organisation, offering, service line, dates in England, and
 * a flag for each thing the database knows to be wrong with them. `s` has the columns at, key,
 * source, org_code, org_id, offering_code, offering_id, quantity, occurred_at, note, request_id,
 * request_reference, reverses.
 */
export function resolveUsage(relation: RawBuilder<unknown>, options: ResolveOptions) {
  // By id, the organisation is not looked up: an agent may not read a partner's row, and the
  // agreement checked below (readable by the host and the partner) vouches for it.
  const orgJoin =
    options.by === 'code'
      ? sql`left join organisations o on o.code = s.org_code`
      : sql`cross join lateral (select s.org_id as id) o`;
  const offeringJoin =
    options.by === 'code'
      ? sql`f.code = s.offering_code and f.host_org_id = ${options.hostOrgId}::uuid`
      : sql`f.id = s.offering_id`;
  const lines = options.lineIds ? sql`${options.lineIds}::uuid[]` : sql`null::uuid[]`;
  // The event reversed, looked up by a correlated subquery: planned on its own, it always goes by
  // the two primary keys, whatever the statistics say about tables just written to.
  const reversal = options.reversals
    ? sql`case when s.reverses is null then null else (
        select jsonb_build_object(
                 'priced_on', e.priced_on, 'offering_id', e.offering_id, 'quantity', e.quantity::text,
                 'reverses', e.reverses,
                 'reversed', exists (select 1 from usage_keys k2
                                      where k2.org_id = k.org_id and k2.source = k.source and k2.reverses = k.key
                                        and k2.key <> s.key))
          from usage_keys k
          join usage_events e on (e.org_id, e.occurred_on, e.id) = (k.org_id, k.occurred_on, k.event_id)
         where k.org_id = o.id and k.source = s.source and k.key = s.reverses) end`
    : sql`null::jsonb`;
  return sql`
    select s.at, s.key, s.source, s.quantity, s.occurred_at, s.note, s.request_id, s.request_reference,
           s.reverses, s.org_code, s.offering_code,
           o.id as org_id, f.id as offering_id, f.service_line_id, f.host_org_id,
           d.occurred_on, coalesce((v.original ->> 'priced_on')::date, d.occurred_on) as priced_on,
           o.id is null as unknown_org,
           f.id is null as unknown_offering,
           (o.id is not null and f.id is not null and a.id is null) as not_taken,
           (f.id is not null and ${lines} is not null and not (f.service_line_id = any (${lines}))) as not_managed,
           (s.reverses is not null and v.original is null) as reverses_unknown,
           (v.original is not null and ((v.original ->> 'offering_id')::uuid <> f.id
                                        or (v.original ->> 'quantity')::bigint <> -s.quantity
                                        or v.original ->> 'reverses' is not null
                                        or (v.original ->> 'reversed')::boolean)) as reverses_mismatch
      from ${relation} s
      cross join lateral (select (s.occurred_at at time zone 'Europe/London')::date as occurred_on) d
      ${orgJoin}
      left join offerings f on ${offeringJoin}
      left join service_agreements a
        on a.org_id = o.id and a.service_line_id = f.service_line_id and a.host_org_id = f.host_org_id
       and a.valid_from <= d.occurred_on and (a.valid_to is null or a.valid_to >= d.occurred_on)
      cross join lateral (select ${reversal} as original) v`;
}

/** An event resolved by `resolveUsage`, with its key checks (see `checkBatch`). */
export interface ResolvedUsage {
  at: number;
  key: string;
  source: UsageSource;
  org_code: string | null;
  offering_code: string | null;
  org_id: string | null;
  offering_id: string | null;
  service_line_id: string | null;
  host_org_id: string | null;
  occurred_on: string;
  priced_on: string;
  unknown_org: boolean;
  unknown_offering: boolean;
  not_taken: boolean;
  not_managed: boolean;
  reverses_unknown: boolean;
  reverses_mismatch: boolean;
  /** The first event in the batch with the same organisation, source and key. */
  first_at: number;
  /** Differs from that first event. */
  repeat_differs: boolean;
  /** The id of an event already recorded with the key, and whether it differs. */
  existing_id: string | null;
  existing_differs: boolean;
}

/** The events of a batch as a relation, from arrays (one statement however many events). */
function batchRelation(events: readonly CheckedUsage[]) {
  const column = <T>(pick: (event: CheckedUsage) => T) => events.map(pick);
  return sql`(select * from unnest(
      ${column((e) => e.at)}::int[], ${column((e) => e.key)}::text[], ${column((e) => e.source)}::text[],
      ${column((e) => e.orgCode)}::text[], ${column((e) => e.orgId)}::uuid[],
      ${column((e) => e.offeringCode)}::text[], ${column((e) => e.offeringId)}::uuid[],
      ${column((e) => e.quantity)}::bigint[], ${column((e) => e.occurredAt.toISOString())}::timestamptz[],
      ${column((e) => e.note)}::text[], ${column((e) => e.requestId)}::uuid[],
      ${column((e) => e.requestReference)}::text[], ${column((e) => e.reverses)}::text[])
    as s(at, key, source, org_code, org_id, offering_code, offering_id, quantity, occurred_at, note, request_id,
         request_reference, reverses))`;
}

/** True when two events (aliases) carry the same content: what "the same key with the same content" means. */
function sameContent(a: string, b: string) {
  return sql.raw(`(${a}.offering_id = ${b}.offering_id and ${a}.quantity = ${b}.quantity
      and ${a}.occurred_at = ${b}.occurred_at and ${a}.note is not distinct from ${b}.note
      and ${a}.request_id is not distinct from ${b}.request_id
      and ${a}.request_reference is not distinct from ${b}.request_reference
      and ${a}.reverses is not distinct from ${b}.reverses)`);
}

export const meteringRepository = {
  /**
   * Resolves a batch of events and checks their keys, in one statement: each event with its
   * organisation, offering and dates, what is wrong with it, whether it repeats an earlier event of
   * the batch, and whether its key was recorded before. Also takes the usage lock (shared).
   */
  async checkBatch(
    tx: Tx,
    events: readonly CheckedUsage[],
    options: ResolveOptions,
  ): Promise<ResolvedUsage[]> {
    const result = await sql<ResolvedUsage>`
      with r as (${resolveUsage(batchRelation(events), options)}),
      d as (
        select r.*, first_value(r.at) over w as first_at,
               row(r.offering_id, r.quantity, r.occurred_at, r.note, r.request_id, r.request_reference, r.reverses)
                 is distinct from
               first_value(row(r.offering_id, r.quantity, r.occurred_at, r.note, r.request_id, r.request_reference,
                               r.reverses)) over w as differs_from_first
          from r
        window w as (partition by r.org_id, r.source, r.key order by r.at)
      )
      select d.*, (d.first_at <> d.at and d.differs_from_first) as repeat_differs,
             x.id as existing_id, coalesce(x.differs, false) as existing_differs
        from (select pg_advisory_xact_lock_shared(${USAGE_LOCK})) as lock, d
        cross join lateral (
          select (select k.event_id::text from usage_keys k
                   where k.org_id = d.org_id and k.source = d.source and k.key = d.key) as id,
                 (select not ${sameContent('e', 'd')}
                    from usage_keys k
                    join usage_events e on (e.org_id, e.occurred_on, e.id) = (k.org_id, k.occurred_on, k.event_id)
                   where k.org_id = d.org_id and k.source = d.source and k.key = d.key) as differs
        ) x
       order by d.at`.execute(tx);
    return result.rows;
  },

  /** Writes resolved events (and their keys) in one statement, returning their ids in the same order. */
  async insertEvents(
    tx: Tx,
    events: ReadonlyArray<{ checked: CheckedUsage; resolved: ResolvedUsage }>,
    recordedBy: string | null,
  ): Promise<string[]> {
    if (!events.length) return [];
    const column = <T>(
      pick: (event: { checked: CheckedUsage; resolved: ResolvedUsage }, index: number) => T,
    ) => events.map(pick);
    const result = await sql<{ id: string; n: number }>`
      with v as (
        select nextval('usage_event_ids') as id, x.*
          from unnest(${column((_, i) => i)}::int[], ${column((e) => e.resolved.org_id)}::uuid[],
                      ${column((e) => e.resolved.host_org_id)}::uuid[], ${column((e) => e.resolved.service_line_id)}::uuid[],
                      ${column((e) => e.resolved.offering_id)}::uuid[], ${column((e) => e.checked.quantity)}::bigint[],
                      ${column((e) => e.checked.occurredAt.toISOString())}::timestamptz[],
                      ${column((e) => e.resolved.occurred_on)}::date[], ${column((e) => e.resolved.priced_on)}::date[],
                      ${column((e) => e.checked.source)}::text[], ${column((e) => e.checked.key)}::text[],
                      ${column((e) => e.checked.note)}::text[], ${column((e) => e.checked.requestId)}::uuid[],
                      ${column((e) => e.checked.requestReference)}::text[], ${column((e) => e.checked.reverses)}::text[])
            as x(n, org_id, host_org_id, service_line_id, offering_id, quantity, occurred_at, occurred_on, priced_on,
                 source, key, note, request_id, request_reference, reverses)
      ),
      keys as (
        insert into usage_keys (org_id, source, key, host_org_id, event_id, occurred_on, reverses)
        select org_id, source, key, host_org_id, id, occurred_on, reverses from v
      ),
      events as (
        insert into usage_events (id, org_id, host_org_id, service_line_id, offering_id, quantity, occurred_at,
                                  occurred_on, priced_on, source, key, note, request_id, request_reference, reverses,
                                  recorded_by)
        select id, org_id, host_org_id, service_line_id, offering_id, quantity, occurred_at, occurred_on, priced_on,
               source, key, note, request_id, request_reference, reverses, ${recordedBy}::uuid
          from v
      )
      select id::text, n from v order by n`.execute(tx);
    return result.rows.map((row) => row.id);
  },

  /** Takes the usage lock shared, before a writer that checked its events elsewhere writes them. */
  async holdUsageLock(tx: Tx): Promise<void> {
    await sql`select pg_advisory_xact_lock_shared(${USAGE_LOCK})`.execute(tx);
  },

  /**
   * The instant before which every recorded event is committed: waits for writers holding the
   * usage lock to finish, then reads the clock. Run it in a unit of work of its own, before the one
   * that reads usage, so that the lock is held for an instant and the reader's snapshot follows it.
   */
  async usageCutoff(tx: Tx): Promise<Date> {
    const result = await sql<{ cutoff: Date }>`
      select clock_timestamp() as cutoff from (select pg_advisory_xact_lock(${USAGE_LOCK})) as lock`.execute(
      tx,
    );
    return result.rows[0]!.cutoff;
  },
};
