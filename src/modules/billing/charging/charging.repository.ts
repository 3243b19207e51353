import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';

export const CHARGING_MODELS = ['per_unit', 'cost_pool', 'fixed_contribution', 'purchased_hours'] as const;
export type ChargingModel = (typeof CHARGING_MODELS)[number];

/** How an organisation pays for a service line over some days. */
export interface Arrangement {
  id: string;
  orgId: string;
  orgCode: string | null;
  hostOrgId: string;
  serviceLineId: string;
  serviceLineCode: string | null;
  model: ChargingModel;
  validFrom: string;
  validTo: string | null;
  annualPence: bigint | null;
  /** Thousandths of an hour, per financial year. */
  blockHours: bigint | null;
  hourRatePence: bigint | null;
  overageRatePence: bigint | null;
  toleranceBasisPoints: number;
  reviewPercent: number;
  version: number;
}

interface Row {
  id: string;
  org_id: string;
  org_code: string | null;
  host_org_id: string;
  service_line_id: string;
  service_line_code: string | null;
  model: ChargingModel;
  valid_from: string;
  valid_to: string | null;
  annual_pence: string | null;
  block_hours: string | null;
  hour_rate_pence: string | null;
  overage_rate_pence: string | null;
  tolerance_basis_points: number;
  review_percent: number;
  version: number;
}

const big = (value: string | null) => (value === null ? null : BigInt(value));

function present(row: Row): Arrangement {
  return {
    id: row.id,
    orgId: row.org_id,
    orgCode: row.org_code,
    hostOrgId: row.host_org_id,
    serviceLineId: row.service_line_id,
    serviceLineCode: row.service_line_code,
    model: row.model,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    annualPence: big(row.annual_pence),
    blockHours: big(row.block_hours),
    hourRatePence: big(row.hour_rate_pence),
    overageRatePence: big(row.overage_rate_pence),
    toleranceBasisPoints: row.tolerance_basis_points,
    reviewPercent: row.review_percent,
    version: row.version,
  };
}

export interface ArrangementFilter {
  hostOrgId?: string | null;
  orgId?: string | null;
  lineIds?: string[] | null;
  id?: string | null;
}

export interface NewArrangement {
  orgId: string;
  hostOrgId: string;
  serviceLineId: string;
  model: ChargingModel;
  validFrom: string;
  validTo: string | null;
  annualPence: bigint | null;
  blockHours: bigint | null;
  hourRatePence: bigint | null;
  overageRatePence: bigint | null;
  toleranceBasisPoints: number;
  reviewPercent: number;
  createdBy: string | null;
}

export const chargingRepository = {
  /** Arrangements row level security shows, by line, organisation and start. */
  async list(tx: Tx, filter: ArrangementFilter = {}): Promise<Arrangement[]> {
    const result = await sql<Row>`
      select a.id, a.org_id, o.code as org_code, a.host_org_id, a.service_line_id, l.code as service_line_code,
             a.model, a.valid_from::text, a.valid_to::text, a.annual_pence::text, a.block_hours::text,
             a.hour_rate_pence::text, a.overage_rate_pence::text, a.tolerance_basis_points, a.review_percent,
             a.version
        from charging_arrangements a
        left join organisations o on o.id = a.org_id
        left join service_lines l on l.id = a.service_line_id
       where ${filter.hostOrgId ? sql`a.host_org_id = ${filter.hostOrgId}::uuid` : sql`true`}
         and ${filter.orgId ? sql`a.org_id = ${filter.orgId}::uuid` : sql`true`}
         and ${filter.lineIds ? sql`a.service_line_id = any (${filter.lineIds}::uuid[])` : sql`true`}
         and ${filter.id ? sql`a.id = ${filter.id}::uuid` : sql`true`}
       order by l.code, o.code, a.valid_from`.execute(tx);
    return result.rows.map(present);
  },

  async insert(tx: Tx, value: NewArrangement): Promise<string> {
    const result = await sql<{ id: string }>`
      insert into charging_arrangements (org_id, host_org_id, service_line_id, model, valid_from, valid_to,
                                         annual_pence, block_hours, hour_rate_pence, overage_rate_pence,
                                         tolerance_basis_points, review_percent, created_by)
      values (${value.orgId}, ${value.hostOrgId}, ${value.serviceLineId}, ${value.model}, ${value.validFrom},
              ${value.validTo}, ${value.annualPence}, ${value.blockHours}, ${value.hourRatePence},
              ${value.overageRatePence}, ${value.toleranceBasisPoints}, ${value.reviewPercent}, ${value.createdBy})
      returning id`.execute(tx);
    return result.rows[0]!.id;
  },

  /** Ends an arrangement on a day (or clears its end), as a new version. */
  async setEnd(tx: Tx, id: string, validTo: string | null): Promise<void> {
    await sql`
      update charging_arrangements
         set valid_to = ${validTo}, version = version + 1, updated_at = now()
       where id = ${id}`.execute(tx);
  },

  /** Hours recorded against offerings measured in hours, of a line, for an organisation, between two days. */
  async hoursUsed(
    tx: Tx,
    orgId: string,
    serviceLineId: string,
    from: string,
    until: string,
  ): Promise<bigint> {
    const result = await sql<{ hours: string }>`
      select coalesce(sum(e.quantity), 0)::text as hours
        from usage_events e
        join offerings f on f.id = e.offering_id and f.unit = 'hour'
       where e.org_id = ${orgId} and e.service_line_id = ${serviceLineId}
         and e.occurred_on >= ${from}::date and e.occurred_on < ${until}::date`.execute(tx);
    return BigInt(result.rows[0]!.hours);
  },
};
