import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';

/** What a service line cost in a period, to be shared by a driver. */
export interface CostPool {
  id: string;
  serviceLineId: string;
  serviceLineCode: string;
  serviceLineName: string;
  period: string;
  periodFrom: string;
  periodUntil: string;
  amountPence: bigint;
  driver: string;
  description: string;
  version: number;
}

/** One organisation's measure of a driver for a line and period. */
export interface DriverValue {
  id: string;
  orgId: string;
  orgCode: string | null;
  orgName: string | null;
  serviceLineId: string;
  serviceLineCode: string | null;
  serviceLineName: string | null;
  driver: string;
  period: string;
  periodFrom: string;
  periodUntil: string;
  basis: 'estimate' | 'actual';
  /** Thousandths. */
  value: bigint;
  version: number;
}

export interface PoolRow {
  serviceLineId: string;
  period: string;
  periodFrom: string;
  periodUntil: string;
  amountPence: bigint;
  driver: string;
  description: string;
}

export interface DriverRow {
  orgId: string;
  serviceLineId: string;
  driver: string;
  period: string;
  periodFrom: string;
  periodUntil: string;
  basis: 'estimate' | 'actual';
  value: bigint;
}

/** How many rows an upsert added, changed (a new version) and found as they were. */
export interface UpsertCounts {
  added: number;
  changed: number;
  unchanged: number;
}

async function counts(
  tx: Tx,
  query: ReturnType<typeof sql<{ added: boolean }>>,
  total: number,
): Promise<UpsertCounts> {
  const result = await query.execute(tx);
  const added = result.rows.filter((row) => row.added).length;
  const changed = result.rows.length - added;
  return { added, changed, unchanged: total - result.rows.length };
}

export const poolsRepository = {
  async pools(tx: Tx, hostOrgId: string, within?: { from: string; until: string }): Promise<CostPool[]> {
    const result = await sql<{
      id: string;
      service_line_id: string;
      code: string;
      name: string;
      period: string;
      period_from: string;
      period_until: string;
      amount_pence: string;
      driver: string;
      description: string;
      version: number;
    }>`
      select p.id, p.service_line_id, l.code, l.name, p.period, p.period_from::text, p.period_until::text,
             p.amount_pence::text, p.driver, p.description, p.version
        from cost_pools p join service_lines l on l.id = p.service_line_id
       where p.host_org_id = ${hostOrgId}
         and ${within ? sql`p.period_from >= ${within.from}::date and p.period_until <= ${within.until}::date` : sql`true`}
       order by l.code, p.period_from, p.driver`.execute(tx);
    return result.rows.map((row) => ({
      id: row.id,
      serviceLineId: row.service_line_id,
      serviceLineCode: row.code,
      serviceLineName: row.name,
      period: row.period,
      periodFrom: row.period_from,
      periodUntil: row.period_until,
      amountPence: BigInt(row.amount_pence),
      driver: row.driver,
      description: row.description,
      version: row.version,
    }));
  },

  /** Driver values row level security shows (a partner's own; the host's all), optionally for some periods. */
  async driverValues(
    tx: Tx,
    filter: { hostOrgId?: string | null; orgId?: string | null; periods?: string[] | null },
  ): Promise<DriverValue[]> {
    const result = await sql<{
      id: string;
      org_id: string;
      org_code: string | null;
      org_name: string | null;
      service_line_id: string;
      line_code: string | null;
      line_name: string | null;
      driver: string;
      period: string;
      period_from: string;
      period_until: string;
      basis: 'estimate' | 'actual';
      value_thousandths: string;
      version: number;
    }>`
      select v.id, v.org_id, o.code as org_code, o.name as org_name, v.service_line_id, l.code as line_code,
             l.name as line_name, v.driver, v.period,
             v.period_from::text, v.period_until::text, v.basis, v.value_thousandths::text, v.version
        from driver_values v
        left join organisations o on o.id = v.org_id
        left join service_lines l on l.id = v.service_line_id
       where ${filter.hostOrgId ? sql`v.host_org_id = ${filter.hostOrgId}::uuid` : sql`true`}
         and ${filter.orgId ? sql`v.org_id = ${filter.orgId}::uuid` : sql`true`}
         and ${filter.periods ? sql`v.period = any (${filter.periods}::text[])` : sql`true`}
       order by l.code, v.driver, v.period, v.basis, o.code`.execute(tx);
    return result.rows.map((row) => ({
      id: row.id,
      orgId: row.org_id,
      orgCode: row.org_code,
      orgName: row.org_name,
      serviceLineId: row.service_line_id,
      serviceLineCode: row.line_code,
      serviceLineName: row.line_name,
      driver: row.driver,
      period: row.period,
      periodFrom: row.period_from,
      periodUntil: row.period_until,
      basis: row.basis,
      value: BigInt(row.value_thousandths),
      version: row.version,
    }));
  },

  /** Adds pools, or gives an existing pool (same line, period and driver) a new version if it differs. */
  async upsertPools(
    tx: Tx,
    hostOrgId: string,
    rows: readonly PoolRow[],
    by: string | null,
  ): Promise<UpsertCounts> {
    if (!rows.length) return { added: 0, changed: 0, unchanged: 0 };
    const column = <T>(pick: (row: PoolRow) => T) => rows.map(pick);
    return counts(
      tx,
      sql<{ added: boolean }>`
        insert into cost_pools (org_id, host_org_id, service_line_id, period, period_from, period_until, amount_pence,
                                driver, description, created_by)
        select ${hostOrgId}::uuid, ${hostOrgId}::uuid, x.*, ${by}::uuid
          from unnest(${column((r) => r.serviceLineId)}::uuid[], ${column((r) => r.period)}::text[],
                      ${column((r) => r.periodFrom)}::date[], ${column((r) => r.periodUntil)}::date[],
                      ${column((r) => r.amountPence)}::bigint[], ${column((r) => r.driver)}::text[],
                      ${column((r) => r.description)}::text[]) as x
        on conflict (host_org_id, service_line_id, period, driver) do update
           set amount_pence = excluded.amount_pence, description = excluded.description,
               version = cost_pools.version + 1, updated_at = now(), created_by = excluded.created_by
         where (cost_pools.amount_pence, cost_pools.description)
               is distinct from (excluded.amount_pence, excluded.description)
        returning (xmax = 0) as added`,
      rows.length,
    );
  },

  async upsertDrivers(
    tx: Tx,
    hostOrgId: string,
    rows: readonly DriverRow[],
    by: string | null,
  ): Promise<UpsertCounts> {
    if (!rows.length) return { added: 0, changed: 0, unchanged: 0 };
    const column = <T>(pick: (row: DriverRow) => T) => rows.map(pick);
    return counts(
      tx,
      sql<{ added: boolean }>`
        insert into driver_values (org_id, host_org_id, service_line_id, driver, period, period_from, period_until,
                                   basis, value_thousandths, created_by)
        select x.org_id, ${hostOrgId}::uuid, x.service_line_id, x.driver, x.period, x.period_from, x.period_until,
               x.basis, x.value, ${by}::uuid
          from unnest(${column((r) => r.orgId)}::uuid[], ${column((r) => r.serviceLineId)}::uuid[],
                      ${column((r) => r.driver)}::text[], ${column((r) => r.period)}::text[],
                      ${column((r) => r.periodFrom)}::date[], ${column((r) => r.periodUntil)}::date[],
                      ${column((r) => r.basis)}::text[], ${column((r) => r.value)}::bigint[])
            as x(org_id, service_line_id, driver, period, period_from, period_until, basis, value)
        on conflict (host_org_id, service_line_id, driver, period, basis, org_id) do update
           set value_thousandths = excluded.value_thousandths, version = driver_values.version + 1,
               updated_at = now(), created_by = excluded.created_by
         where driver_values.value_thousandths <> excluded.value_thousandths
        returning (xmax = 0) as added`,
      rows.length,
    );
  },
};
