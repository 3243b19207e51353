/**
 * The queries of the quarterly report pack, each over the tables where the figures are already kept:
 * requests (SLA clocks as last computed), usage summed by day, and the issued statements' totals by
 * service line. Every one runs in the caller's unit of work, so row level security keeps a partner's
 * manager to their own organisation's rows whatever the scope says; the scope says it as well.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import type { Period } from '../../../kernel/periods.js';
import type { ChargedRow } from '../savings/savings.charges.js';

/** Whose figures a pack counts: the host's whole partnership, or one partner's. */
export type PackScope =
  | { kind: 'partnership'; hostOrgId: string }
  /** `hostOrgId` is null when the partner asks for its own pack: whatever host it is served by. */
  | { kind: 'partner'; orgId: string; hostOrgId: string | null };

/** One organisation as a pack names it. */
export interface PackOrganisation {
  id: string;
  code: string;
  name: string;
}

/** Requests of one partner on one service line in the quarter. */
export interface RequestCounts {
  orgId: string;
  serviceLineId: string;
  serviceLine: string;
  serviceLineName: string;
  raised: number;
  resolved: number;
  resolutionMet: number;
  resolutionBreached: number;
  responseMet: number;
  responseBreached: number;
}

/** Usage of one offering in the quarter, reversals netted. */
export interface UsageTotal {
  offering: string;
  offeringName: string;
  unit: string;
  serviceLine: string;
  quantityThousandths: bigint;
  events: number;
}

/** What issued statements, or credit notes, charged one partner for one line in the quarter. */
export interface ChargeTotal {
  orgId: string;
  serviceLineId: string;
  serviceLine: string;
  serviceLineName: string;
  kind: 'statement' | 'credit_note';
  amountPence: bigint;
}

/** Rows of the scope, by the table's `org_id` and `host_org_id`. */
function within(scope: PackScope, alias: string): RawBuilder<unknown> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  if (scope.kind === 'partnership') return sql`${column('host_org_id')} = ${scope.hostOrgId}::uuid`;
  return scope.hostOrgId === null
    ? sql`${column('org_id')} = ${scope.orgId}::uuid`
    : sql`${column('org_id')} = ${scope.orgId}::uuid and ${column('host_org_id')} = ${scope.hostOrgId}::uuid`;
}

/** The instant a day in England starts, for comparing with timestamps. */
const startOf = (day: string) => sql`(${day}::timestamp at time zone 'Europe/London')`;

export const reportsRepository = {
  /** A partner of the host by code, as row level security shows it; undefined for anything else. */
  async partner(tx: Tx, code: string): Promise<PackOrganisation | undefined> {
    const result = await sql<PackOrganisation>`
      select id, code, name from organisations where code = ${code} and role = 'partner'`.execute(tx);
    return result.rows[0];
  },

  /**
   * Requests per partner and service line: raised in the quarter (submitted in it), and resolved in
   * it (still resolved or since closed) with how their resolution and response clocks ended.
   */
  async requests(tx: Tx, scope: PackScope, quarter: Period): Promise<RequestCounts[]> {
    const from = startOf(quarter.from);
    const until = startOf(quarter.until);
    const result = await sql<{
      org_id: string;
      service_line_id: string;
      line_code: string;
      line_name: string;
      raised: number;
      resolved: number;
      resolution_met: number;
      resolution_breached: number;
      response_met: number;
      response_breached: number;
    }>`
      select q.org_id, q.service_line_id,
             min(coalesce(l.code, q.line_code)) as line_code, min(coalesce(l.name, q.line_name)) as line_name,
             sum(q.raised)::int as raised, sum(q.resolved)::int as resolved,
             sum(q.resolution_met)::int as resolution_met, sum(q.resolution_breached)::int as resolution_breached,
             sum(q.response_met)::int as response_met, sum(q.response_breached)::int as response_breached
        from (
          select r.org_id, r.service_line_id, r.catalogue_entry ->> 'serviceLineCode' as line_code,
                 r.catalogue_entry ->> 'serviceLineName' as line_name,
                 1 as raised, 0 as resolved, 0 as resolution_met, 0 as resolution_breached,
                 0 as response_met, 0 as response_breached
            from requests r
           where ${within(scope, 'r')} and r.submitted_at >= ${from} and r.submitted_at < ${until}
          union all
          select r.org_id, r.service_line_id, r.catalogue_entry ->> 'serviceLineCode',
                 r.catalogue_entry ->> 'serviceLineName', 0, 1,
                 (r.resolution_state = 'met')::int, (r.resolution_state = 'breached')::int,
                 (r.response_state = 'met')::int, (r.response_state = 'breached')::int
            from requests r
           where ${within(scope, 'r')} and r.resolved_at >= ${from} and r.resolved_at < ${until}
             and r.status in ('resolved', 'closed')) q
        left join service_lines l on l.id = q.service_line_id
       group by q.org_id, q.service_line_id`.execute(tx);
    return result.rows.map((row) => ({
      orgId: row.org_id,
      serviceLineId: row.service_line_id,
      serviceLine: row.line_code,
      serviceLineName: row.line_name,
      raised: row.raised,
      resolved: row.resolved,
      resolutionMet: row.resolution_met,
      resolutionBreached: row.resolution_breached,
      responseMet: row.response_met,
      responseBreached: row.response_breached,
    }));
  },

  /** Usage per offering on days of the quarter, from the totals kept by day (reversals netted). */
  async usage(tx: Tx, scope: PackScope, quarter: Period): Promise<UsageTotal[]> {
    const result = await sql<{
      code: string | null;
      name: string | null;
      unit: string | null;
      line: string | null;
      quantity: string;
      events: string;
    }>`
      select f.code, f.name, f.unit, l.code as line, t.quantity::text, t.events::text
        from (select u.offering_id, sum(u.quantity) as quantity, sum(u.events) as events
                from usage_day_totals u
               where ${within(scope, 'u')} and u.occurred_on >= ${quarter.from}::date
                 and u.occurred_on < ${quarter.until}::date
               group by u.offering_id) t
        left join offerings f on f.id = t.offering_id
        left join service_lines l on l.id = f.service_line_id
       order by l.code, f.code`.execute(tx);
    return result.rows.map((row) => ({
      offering: row.code ?? '',
      offeringName: row.name ?? '',
      unit: row.unit ?? '',
      serviceLine: row.line ?? '',
      quantityThousandths: BigInt(row.quantity),
      events: Number(row.events),
    }));
  },

  /**
   * What issued statements and credit notes charged for periods within the quarter, per partner,
   * line and kind (billing totals each statement by line as it is issued: `ledger_charges`). A
   * statement for a longer period (a financial year) is not split into quarters.
   */
  async charges(tx: Tx, scope: PackScope, quarter: Period, financialYear: string): Promise<ChargeTotal[]> {
    const result = await sql<{
      org_id: string;
      service_line_id: string;
      code: string | null;
      name: string | null;
      kind: 'statement' | 'credit_note';
      amount: string;
    }>`
      select c.org_id, c.service_line_id, min(l.code) as code, min(l.name) as name, c.statement_kind as kind,
             sum(c.amount_pence)::text as amount
        from ledger_charges c
        left join service_lines l on l.id = c.service_line_id
       where ${within(scope, 'c')} and c.financial_year = ${financialYear}
         and c.period_from >= ${quarter.from}::date and c.period_until <= ${quarter.until}::date
       group by c.org_id, c.service_line_id, c.statement_kind`.execute(tx);
    return result.rows.map((row) => ({
      orgId: row.org_id,
      serviceLineId: row.service_line_id,
      serviceLine: row.code ?? '',
      serviceLineName: row.name ?? '',
      kind: row.kind,
      amountPence: BigInt(row.amount),
    }));
  },

  /**
   * What was charged per partner and line in the financial year up to the quarter's end, in the
   * shape the savings ledger measures (issued statements less credit notes; the day after the last
   * day charged), so that a quarter's pack shows the year as it stood at the quarter's end.
   */
  async chargedToQuarterEnd(
    tx: Tx,
    scope: PackScope,
    quarter: Period,
    financialYear: string,
  ): Promise<ChargedRow[]> {
    const result = await sql<{
      org_id: string;
      service_line_id: string;
      charged: string;
      charged_until: string;
    }>`
      select c.org_id, c.service_line_id, sum(c.amount_pence)::text as charged,
             max(c.period_until)::text as charged_until
        from ledger_charges c
       where ${within(scope, 'c')} and c.financial_year = ${financialYear}
         and c.period_until <= ${quarter.until}::date
       group by c.org_id, c.service_line_id`.execute(tx);
    return result.rows.map((row) => ({
      orgId: row.org_id,
      serviceLineId: row.service_line_id,
      year: financialYear,
      chargedPence: BigInt(row.charged),
      chargedUntil: row.charged_until,
    }));
  },
};
