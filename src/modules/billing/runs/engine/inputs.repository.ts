import { sql } from 'kysely';
import type { Tx } from '../../../../platform/db/index.js';
import { chargingRepository, type Arrangement } from '../../charging/charging.repository.js';

/**
 * What a recharge computation reads, beside the run itself: the catalogue, prices and arrangements
 * as they stand, and the usage, aggregated by the database.
 */

/** What the engine needs of the catalogue and the organisations, read once per computation. */
export interface OfferingInfo {
  id: string;
  code: string;
  name: string;
  unit: string;
  serviceLineId: string;
}
export interface TariffInfo {
  id: string;
  orgId: string;
  offeringId: string;
  pricePence: bigint;
  validFrom: string;
  validTo: string | null;
}
/** An arrangement as the charging slice keeps it. */
export type ArrangementInfo = Arrangement;

/** One group of a run's usage: an organisation's events of an offering whose days share one price. */
export interface UsageGroup {
  orgId: string;
  offeringId: string;
  firstDay: string;
  lastDay: string;
  quantity: bigint;
  events: number;
  /** When the latest of its events was recorded, to the microsecond (ISO, UTC). */
  lastRecordedAt: string;
}

/**
 * Which stretch of days an event's price day falls in, as a number to group by. Within the period,
 * the stretches between the boundaries that fall inside it (usually none, or a price change or two);
 * outside it (a reversal priced on the day of what it reverses), a stretch per day. A CASE over a few
 * dates costs a fraction of width_bucket over an array, measured on ten million events.
 */
function stretchOf(query: { from: string; until: string; boundaries: string[] }) {
  const inside = query.boundaries.filter((day) => day > query.from && day < query.until);
  return sql`case when e.priced_on < ${query.from}::date or e.priced_on >= ${query.until}::date
                  then 100000 + (e.priced_on - ${query.from}::date)
                  ${sql.join(
                    inside.map((day, index) => sql`when e.priced_on < ${day}::date then ${sql.lit(index)}`),
                    sql` `,
                  )}
                  else ${sql.lit(inside.length)} end`;
}

export const inputsRepository = {
  async organisations(tx: Tx): Promise<Map<string, { code: string; name: string; role: string }>> {
    const result = await sql<{ id: string; code: string; name: string; role: string }>`
      select id, code, name, role from organisations`.execute(tx);
    return new Map(result.rows.map((row) => [row.id, { code: row.code, name: row.name, role: row.role }]));
  },

  async serviceLines(tx: Tx, hostOrgId: string): Promise<Map<string, { code: string; name: string }>> {
    const result = await sql<{ id: string; code: string; name: string }>`
      select id, code, name from service_lines where org_id = ${hostOrgId}`.execute(tx);
    return new Map(result.rows.map((row) => [row.id, { code: row.code, name: row.name }]));
  },

  async offerings(tx: Tx, hostOrgId: string): Promise<Map<string, OfferingInfo>> {
    const result = await sql<{
      id: string;
      code: string;
      name: string;
      unit: string;
      service_line_id: string;
    }>`
      select id, code, name, unit, service_line_id from offerings where host_org_id = ${hostOrgId}`.execute(
      tx,
    );
    return new Map(
      result.rows.map((row) => [
        row.id,
        { id: row.id, code: row.code, name: row.name, unit: row.unit, serviceLineId: row.service_line_id },
      ]),
    );
  },

  /** Every price of the host's offerings, the partners' own included (a finance officer reads them all). */
  async tariffs(tx: Tx, hostOrgId: string): Promise<TariffInfo[]> {
    const result = await sql<{
      id: string;
      org_id: string;
      offering_id: string;
      unit_price_pence: string;
      valid_from: string;
      valid_to: string | null;
    }>`
      select id, org_id, offering_id, unit_price_pence::text, valid_from::text, valid_to::text
        from tariffs where host_org_id = ${hostOrgId}
       order by offering_id, org_id, valid_from`.execute(tx);
    return result.rows.map((row) => ({
      id: row.id,
      orgId: row.org_id,
      offeringId: row.offering_id,
      pricePence: BigInt(row.unit_price_pence),
      validFrom: row.valid_from,
      validTo: row.valid_to,
    }));
  },

  async arrangements(tx: Tx, hostOrgId: string): Promise<ArrangementInfo[]> {
    const arrangements = await chargingRepository.list(tx, { hostOrgId });
    // In the order the engine walks them (organisation, line, start), not the order pages show them in.
    const by = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return arrangements.sort(
      (a, b) => by(a.orgId, b.orgId) || by(a.serviceLineId, b.serviceLineId) || by(a.validFrom, b.validFrom),
    );
  },

  /**
   * The run's usage, aggregated by the database in one pass: by organisation, offering, and the
   * stretch of days between consecutive `boundaries` (every day a price or an arrangement starts or
   * ends), within which each organisation's offering has one price and one charging model. Only the
   * groups come back, never the events: a few rows per organisation and offering, however many
   * millions of events there are. Read from the day totals kept as events are recorded (migration
   * 0028): the same sums as the events', by the recording statement's time, so the cut-off holds.
   */
  async usageGroups(
    tx: Tx,
    query: {
      hostOrgId: string;
      from: string;
      until: string;
      cutoff: Date;
      orgIds: string[] | null;
      boundaries: string[];
    },
  ): Promise<UsageGroup[]> {
    // Units of work plan their statements once, generically (see app_enter_scope); for this one the
    // values matter (the period's days against the whole table).
    await sql`select set_config('plan_cache_mode', 'force_custom_plan', true)`.execute(tx);
    const result = await sql<{
      org_id: string;
      offering_id: string;
      first_day: string;
      last_day: string;
      quantity: string;
      events: string;
      last_recorded_at: string;
    }>`
      select e.org_id, e.offering_id, min(e.priced_on)::text as first_day, max(e.priced_on)::text as last_day,
             sum(e.quantity)::text as quantity, sum(e.events)::text as events,
             to_char(max(e.recorded_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as last_recorded_at
        from usage_day_totals e
       where e.host_org_id = ${query.hostOrgId}::uuid
         and e.occurred_on >= ${query.from}::date and e.occurred_on < ${query.until}::date
         and e.recorded_at < ${query.cutoff}::timestamptz
         and ${query.orgIds ? sql`e.org_id = any (${query.orgIds}::uuid[])` : sql`true`}
       group by e.org_id, e.offering_id, ${stretchOf(query)}`.execute(tx);
    await sql`select set_config('plan_cache_mode', 'force_generic_plan', true)`.execute(tx);
    return result.rows.map((row) => ({
      orgId: row.org_id,
      offeringId: row.offering_id,
      firstDay: row.first_day,
      lastDay: row.last_day,
      quantity: BigInt(row.quantity),
      events: Number(row.events),
      lastRecordedAt: row.last_recorded_at,
    }));
  },

  /** Hours recorded against hour offerings of a line between two days, before the cut-off. */
  async hoursBefore(
    tx: Tx,
    query: { orgId: string; offeringIds: string[]; from: string; until: string; cutoff: Date },
  ): Promise<bigint> {
    if (!query.offeringIds.length || query.from >= query.until) return 0n;
    const result = await sql<{ hours: string }>`
      select coalesce(sum(quantity), 0)::text as hours from usage_events
       where org_id = ${query.orgId} and offering_id = any (${query.offeringIds}::uuid[])
         and occurred_on >= ${query.from}::date and occurred_on < ${query.until}::date
         and recorded_at < ${query.cutoff}::timestamptz`.execute(tx);
    return BigInt(result.rows[0]!.hours);
  },

  /** What each organisation has been billed, in issued statements and credit notes, for the given pools. */
  async billedForPools(tx: Tx, hostOrgId: string, poolIds: string[]): Promise<Map<string, bigint>> {
    if (!poolIds.length) return new Map();
    const result = await sql<{ org_id: string; billed: string }>`
      select l.org_id, sum(l.amount_pence)::text as billed
        from recharge_lines l
        join recharge_statements s on s.run_id = l.run_id and s.org_id = l.org_id and s.kind = l.statement_kind
       where l.host_org_id = ${hostOrgId} and s.number is not null and l.kind = 'pool_share'
         and l.source ->> 'poolId' = any (${poolIds}::text[])
       group by l.org_id`.execute(tx);
    return new Map(result.rows.map((row) => [row.org_id, BigInt(row.billed)]));
  },
};
