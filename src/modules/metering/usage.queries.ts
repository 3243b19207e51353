import { sql } from 'kysely';
import type { Tx } from '../../platform/db/index.js';

/** What a list or export of usage is confined to. Null means no restriction. */
export interface UsageFilter {
  /** The host, for the host's people; null for a partner (row level security shows its own). */
  hostOrgId: string | null;
  orgId: string | null;
  lineIds: string[] | null;
  offeringId: string | null;
  from: string | null;
  to: string | null;
  /** Where the previous page ended. */
  after: { day: string; id: string } | null;
}

export interface UsageEventRow {
  id: string;
  organisation: string | null;
  organisation_name: string | null;
  service_line: string | null;
  offering: string | null;
  offering_name: string | null;
  /** The offering's unit: request, hour, page… */
  unit: string | null;
  quantity: string;
  occurred_at: Date;
  occurred_on: string;
  priced_on: string;
  source: string;
  key: string;
  note: string | null;
  request_reference: string | null;
  reverses: string | null;
  recorded_at: Date;
}

export const usageQueries = {
  /**
   * A page of events in (day, id) order. An organisation's events come by its primary key, the
   * host's by usage_events_host_day. Codes are joined for show: a partner that no longer takes a
   * line cannot see its offerings, and sees those codes as null.
   */
  async page(tx: Tx, filter: UsageFilter, limit: number, order: 'asc' | 'desc'): Promise<UsageEventRow[]> {
    const direction = sql.raw(order);
    const beyond =
      filter.after === null
        ? sql`true`
        : order === 'asc'
          ? sql`(e.occurred_on, e.id) > (${filter.after.day}::date, ${filter.after.id}::bigint)`
          : sql`(e.occurred_on, e.id) < (${filter.after.day}::date, ${filter.after.id}::bigint)`;
    const result = await sql<UsageEventRow>`
      select e.id::text, o.code as organisation, o.name as organisation_name, l.code as service_line,
             f.code as offering, f.name as offering_name, f.unit, e.quantity::text,
             e.occurred_at, e.occurred_on::text, e.priced_on::text, e.source, e.key, e.note, e.request_reference,
             e.reverses, e.recorded_at
        from usage_events e
        left join organisations o on o.id = e.org_id
        left join service_lines l on l.id = e.service_line_id
        left join offerings f on f.id = e.offering_id
       where ${filter.hostOrgId === null ? sql`true` : sql`e.host_org_id = ${filter.hostOrgId}::uuid`}
         and ${filter.orgId === null ? sql`true` : sql`e.org_id = ${filter.orgId}::uuid`}
         and ${filter.lineIds === null ? sql`true` : sql`e.service_line_id = any (${filter.lineIds}::uuid[])`}
         and ${filter.offeringId === null ? sql`true` : sql`e.offering_id = ${filter.offeringId}::uuid`}
         and ${filter.from === null ? sql`true` : sql`e.occurred_on >= ${filter.from}::date`}
         and ${filter.to === null ? sql`true` : sql`e.occurred_on <= ${filter.to}::date`}
         and ${beyond}
       order by e.occurred_on ${direction}, e.id ${direction}
       limit ${limit}`.execute(tx);
    return result.rows;
  },

  async organisationId(tx: Tx, code: string): Promise<string | undefined> {
    const result = await sql<{ id: string }>`select id from organisations where code = ${code}`.execute(tx);
    return result.rows[0]?.id;
  },

  async offeringId(tx: Tx, code: string): Promise<string | undefined> {
    const result = await sql<{
      id: string;
    }>`select id from offerings where code = ${code} order by id limit 1`.execute(tx);
    return result.rows[0]?.id;
  },
};
