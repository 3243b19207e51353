import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import type { LineRecord, RunKind, StatementRecord } from '../runs/runs.repository.js';

/** A statement or credit note as stored, with its number once issued and what its run was. */
export interface StoredStatement extends StatementRecord {
  number: string | null;
  /** The number of the statement this one corrects. */
  corrects_number: string | null;
  issued_at: Date | null;
  run_kind: RunKind;
  run_status: string;
  usage_cutoff: Date | null;
}

export interface StatementKey {
  runId: string;
  orgId: string;
  kind: 'statement' | 'credit_note';
}

const COLUMNS = sql.raw(`s.run_id, s.org_id, s.host_org_id, s.kind, s.period, s.period_from::text,
  s.period_until::text, s.corrects_run_id, s.corrects_org_id, s.corrects_kind, s.org_code, s.org_name, s.host_code,
  s.host_name, s.total_pence::text, s.line_count, s.number, s.issued_at,
  (select c.number from recharge_statements c
    where c.run_id = s.corrects_run_id and c.org_id = s.corrects_org_id and c.kind = 'statement') as corrects_number`);

/** An event as a statement line's drill-down shows it. */
export interface LineEvent {
  id: string;
  occurred_at: Date;
  occurred_on: string;
  quantity: string;
  source: string;
  key: string;
  note: string | null;
  request_id: string | null;
  request_reference: string | null;
  reverses: string | null;
}

export const statementsRepository = {
  /**
   * Statements row level security shows: the host's people every one, a partner's people their own
   * once issued. Optionally of one run, one organisation, issued only, or by number.
   */
  async list(
    tx: Tx,
    filter: { runId?: string; orgId?: string; issuedOnly?: boolean; number?: string; key?: StatementKey },
  ): Promise<StoredStatement[]> {
    const result = await sql<StoredStatement>`
      select ${COLUMNS}, r.kind as run_kind, r.status as run_status, r.usage_cutoff
        from recharge_statements s
        left join recharge_runs r on r.id = s.run_id
       where ${filter.runId ? sql`s.run_id = ${filter.runId}::uuid` : sql`true`}
         and ${filter.orgId ? sql`s.org_id = ${filter.orgId}::uuid` : sql`true`}
         and ${filter.issuedOnly ? sql`s.number is not null` : sql`true`}
         and ${filter.number ? sql`s.number = ${filter.number}` : sql`true`}
         and ${filter.key ? sql`(s.run_id, s.org_id, s.kind) = (${filter.key.runId}::uuid, ${filter.key.orgId}::uuid, ${filter.key.kind})` : sql`true`}
       order by s.period_from desc, s.org_code, s.kind, s.number`.execute(tx);
    return result.rows;
  },

  async lines(tx: Tx, key: StatementKey): Promise<LineRecord[]> {
    const result = await sql<LineRecord>`
      select run_id, org_id, host_org_id, statement_kind, line_no, service_line_id, service_line_code,
             service_line_name, offering_id, offering_code, offering_name, kind, description, quantity::text, unit,
             unit_price_pence::text, amount_pence::text, source
        from recharge_lines
       where run_id = ${key.runId} and org_id = ${key.orgId} and statement_kind = ${key.kind}
       order by line_no`.execute(tx);
    return result.rows;
  },

  /**
   * The events a usage (or purchased hours) line was computed from, found again by the query its
   * source describes: the organisation, the offerings, the days whose price it carries, the period,
   * and when the latest of them was recorded (every event recorded by then was committed before the
   * run read the usage; see meteringRepository.usageCutoff). Oldest first, a page at a time.
   */
  async lineEvents(
    tx: Tx,
    query: {
      orgId: string;
      hostOrgId: string;
      offeringIds: string[];
      pricedOn: Array<[string, string]>;
      from: string;
      until: string;
      recordedUpTo: string;
      after: { day: string; id: string } | null;
      limit: number;
    },
  ): Promise<LineEvent[]> {
    const ranges = query.pricedOn.map(([first, last]) => `[${first},${last}]`);
    const result = await sql<LineEvent>`
      select e.id::text, e.occurred_at, e.occurred_on::text, e.quantity::text, e.source, e.key, e.note,
             e.request_id, e.request_reference, e.reverses
        from usage_events e
       where e.org_id = ${query.orgId} and e.host_org_id = ${query.hostOrgId}
         and e.occurred_on >= ${query.from}::date and e.occurred_on < ${query.until}::date
         and e.offering_id = any (${query.offeringIds}::uuid[])
         and e.priced_on <@ any (${ranges}::daterange[])
         and e.recorded_at <= ${query.recordedUpTo}::timestamptz
         and ${query.after ? sql`(e.occurred_on, e.id) > (${query.after.day}::date, ${query.after.id}::bigint)` : sql`true`}
       order by e.occurred_on, e.id
       limit ${query.limit}`.execute(tx);
    return result.rows;
  },

  /** The totals of the same selection, to show beside a page of it. */
  async lineEventTotals(
    tx: Tx,
    query: {
      orgId: string;
      hostOrgId: string;
      offeringIds: string[];
      pricedOn: Array<[string, string]>;
      from: string;
      until: string;
      recordedUpTo: string;
    },
  ): Promise<{ events: number; quantity: bigint }> {
    const ranges = query.pricedOn.map(([first, last]) => `[${first},${last}]`);
    const result = await sql<{ events: string; quantity: string }>`
      select count(*)::text as events, coalesce(sum(e.quantity), 0)::text as quantity
        from usage_events e
       where e.org_id = ${query.orgId} and e.host_org_id = ${query.hostOrgId}
         and e.occurred_on >= ${query.from}::date and e.occurred_on < ${query.until}::date
         and e.offering_id = any (${query.offeringIds}::uuid[])
         and e.priced_on <@ any (${ranges}::daterange[])
         and e.recorded_at <= ${query.recordedUpTo}::timestamptz`.execute(tx);
    return { events: Number(result.rows[0]!.events), quantity: BigInt(result.rows[0]!.quantity) };
  },

  /** Turnover by financial year and organisation, from issued statements and credit notes. */
  async issuedTotals(
    tx: Tx,
    hostOrgId: string,
    from: string,
    until: string,
  ): Promise<
    Array<{ org_id: string; org_code: string; org_name: string; period_from: string; total_pence: string }>
  > {
    const result = await sql<{
      org_id: string;
      org_code: string;
      org_name: string;
      period_from: string;
      total_pence: string;
    }>`
      select s.org_id, s.org_code, s.org_name, s.period_from::text, sum(s.total_pence)::text as total_pence
        from recharge_statements s
       where s.host_org_id = ${hostOrgId} and s.number is not null
         and s.period_from >= ${from}::date and s.period_from < ${until}::date
       group by s.org_id, s.org_code, s.org_name, s.period_from
       order by s.period_from, s.org_code`.execute(tx);
    return result.rows;
  },
};
