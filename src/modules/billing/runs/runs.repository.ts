import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';

export type RunKind = 'charge' | 'true_up' | 'correction';
export type RunStatus = 'draft' | 'reviewed' | 'issued';

export interface Run {
  id: string;
  hostOrgId: string;
  kind: RunKind;
  period: string;
  periodFrom: string;
  periodUntil: string;
  orgIds: string[] | null;
  corrects: string[] | null;
  status: RunStatus;
  computation: number;
  usageCutoff: Date | null;
  inputs: Record<string, unknown>;
  unpriced: UnpricedUsage[];
  warnings: RunWarning[];
  totalPence: bigint;
  statementCount: number;
  lineCount: number;
  contentSha256: string | null;
  createdAt: Date;
  computedAt: Date | null;
  reviewedAt: Date | null;
  issuedAt: Date | null;
}

/** Usage with no price on its day: listed on the draft, and the run cannot be issued until it is priced. */
export interface UnpricedUsage {
  organisation: string;
  offering: string;
  firstDay: string;
  lastDay: string;
  /** Thousandths. */
  quantity: string;
  events: number;
}

/** Something the finance officer should see on the draft; `blocking` ones stop it being issued. */
export interface RunWarning {
  code: string;
  message: string;
  blocking: boolean;
}

interface RunRow {
  id: string;
  host_org_id: string;
  kind: RunKind;
  period: string;
  period_from: string;
  period_until: string;
  org_ids: string[] | null;
  corrects: string[] | null;
  status: RunStatus;
  computation: number;
  usage_cutoff: Date | null;
  inputs: Record<string, unknown>;
  unpriced: UnpricedUsage[];
  warnings: RunWarning[];
  total_pence: string;
  statement_count: number;
  line_count: number;
  content_sha256: string | null;
  created_at: Date;
  computed_at: Date | null;
  reviewed_at: Date | null;
  issued_at: Date | null;
}

function present(row: RunRow): Run {
  return {
    id: row.id,
    hostOrgId: row.host_org_id,
    kind: row.kind,
    period: row.period,
    periodFrom: row.period_from,
    periodUntil: row.period_until,
    orgIds: row.org_ids,
    corrects: row.corrects,
    status: row.status,
    computation: row.computation,
    usageCutoff: row.usage_cutoff,
    inputs: row.inputs,
    unpriced: row.unpriced,
    warnings: row.warnings,
    totalPence: BigInt(row.total_pence),
    statementCount: row.statement_count,
    lineCount: row.line_count,
    contentSha256: row.content_sha256,
    createdAt: row.created_at,
    computedAt: row.computed_at,
    reviewedAt: row.reviewed_at,
    issuedAt: row.issued_at,
  };
}

const RUN_COLUMNS =
  sql.raw(`id, host_org_id, kind, period, period_from::text, period_until::text, org_ids, corrects,
  status, computation, usage_cutoff, inputs, unpriced, warnings, total_pence::text, statement_count, line_count,
  content_sha256, created_at, computed_at, reviewed_at, issued_at`);

export interface LineRecord {
  run_id: string;
  org_id: string;
  host_org_id: string;
  statement_kind: 'statement' | 'credit_note';
  line_no: number;
  service_line_id: string;
  service_line_code: string;
  service_line_name: string;
  offering_id: string | null;
  offering_code: string | null;
  offering_name: string | null;
  kind: string;
  description: string;
  quantity: string | null;
  unit: string | null;
  unit_price_pence: string | null;
  amount_pence: string;
  source: Record<string, unknown>;
}

export interface StatementRecord {
  run_id: string;
  org_id: string;
  host_org_id: string;
  kind: 'statement' | 'credit_note';
  period: string;
  period_from: string;
  period_until: string;
  corrects_run_id: string | null;
  corrects_org_id: string | null;
  corrects_kind: 'statement' | null;
  org_code: string;
  org_name: string;
  host_code: string;
  host_name: string;
  total_pence: string;
  line_count: number;
}

export const runsRepository = {
  async create(
    tx: Tx,
    run: {
      hostOrgId: string;
      kind: RunKind;
      period: string;
      periodFrom: string;
      periodUntil: string;
      orgIds: string[] | null;
      corrects: string[] | null;
      createdBy: string;
    },
  ): Promise<string> {
    const result = await sql<{ id: string }>`
      insert into recharge_runs (org_id, host_org_id, kind, period, period_from, period_until, org_ids, corrects,
                                 created_by)
      values (${run.hostOrgId}, ${run.hostOrgId}, ${run.kind}, ${run.period}, ${run.periodFrom}, ${run.periodUntil},
              ${run.orgIds}::uuid[], ${run.corrects}::text[], ${run.createdBy})
      returning id`.execute(tx);
    return result.rows[0]!.id;
  },

  async find(tx: Tx, hostOrgId: string, id: string, lock = false): Promise<Run | undefined> {
    const result = await sql<RunRow>`
      select ${RUN_COLUMNS} from recharge_runs where id = ${id} and host_org_id = ${hostOrgId}
      ${lock ? sql`for update` : sql``}`.execute(tx);
    return result.rows[0] && present(result.rows[0]);
  },

  async list(tx: Tx, hostOrgId: string, period?: string): Promise<Run[]> {
    const result = await sql<RunRow>`
      select ${RUN_COLUMNS} from recharge_runs
       where host_org_id = ${hostOrgId} and ${period ? sql`period = ${period}` : sql`true`}
       order by period_from desc, created_at desc`.execute(tx);
    return result.rows.map(present);
  },

  /** Issued statements of the same kind of run, for some of these organisations, in an overlapping period. */
  async alreadyCharged(
    tx: Tx,
    query: {
      hostOrgId: string;
      kind: RunKind;
      from: string;
      until: string;
      orgIds: string[];
      exceptRun: string;
    },
  ): Promise<Array<{ org_code: string; period: string; number: string }>> {
    if (!query.orgIds.length) return [];
    const result = await sql<{ org_code: string; period: string; number: string }>`
      select s.org_code, s.period, s.number
        from recharge_statements s join recharge_runs r on r.id = s.run_id
       where s.host_org_id = ${query.hostOrgId} and s.number is not null and s.kind = 'statement'
         and s.corrects_run_id is null and r.kind = ${query.kind} and r.id <> ${query.exceptRun}
         and s.period_from < ${query.until}::date and s.period_until > ${query.from}::date
         and s.org_id = any (${query.orgIds}::uuid[])
       order by s.org_code`.execute(tx);
    return result.rows;
  },

  async statementRecords(tx: Tx, runId: string): Promise<StatementRecord[]> {
    const result = await sql<StatementRecord>`
      select run_id, org_id, host_org_id, kind, period, period_from::text, period_until::text, corrects_run_id,
             corrects_org_id, corrects_kind, org_code, org_name, host_code, host_name, total_pence::text, line_count
        from recharge_statements where run_id = ${runId} order by org_code, kind`.execute(tx);
    return result.rows;
  },

  async lineRecords(tx: Tx, runId: string, orgId?: string, statementKind?: string): Promise<LineRecord[]> {
    const result = await sql<LineRecord>`
      select run_id, org_id, host_org_id, statement_kind, line_no, service_line_id, service_line_code,
             service_line_name, offering_id, offering_code, offering_name, kind, description, quantity::text, unit,
             unit_price_pence::text, amount_pence::text, source
        from recharge_lines
       where run_id = ${runId}
         and ${orgId ? sql`org_id = ${orgId}::uuid` : sql`true`}
         and ${statementKind ? sql`statement_kind = ${statementKind}` : sql`true`}
       order by org_id, statement_kind, line_no`.execute(tx);
    return result.rows;
  },

  /** Replaces a draft's statements and lines (a draft's are removed with their lines). */
  async replaceContent(
    tx: Tx,
    runId: string,
    statements: StatementRecord[],
    lines: LineRecord[],
  ): Promise<void> {
    await sql`delete from recharge_statements where run_id = ${runId}`.execute(tx);
    if (statements.length)
      await sql`
        insert into recharge_statements (run_id, org_id, host_org_id, kind, period, period_from, period_until,
                                         corrects_run_id, corrects_org_id, corrects_kind, org_code, org_name,
                                         host_code, host_name, total_pence, line_count)
        select run_id, org_id, host_org_id, kind, period, period_from, period_until, corrects_run_id, corrects_org_id,
               corrects_kind, org_code, org_name, host_code, host_name, total_pence, line_count
          from jsonb_to_recordset(${JSON.stringify(statements)}::jsonb) as x(
            run_id uuid, org_id uuid, host_org_id uuid, kind text, period text, period_from date, period_until date,
            corrects_run_id uuid, corrects_org_id uuid, corrects_kind text, org_code text, org_name text,
            host_code text, host_name text, total_pence bigint, line_count integer)`.execute(tx);
    // Lines go in slices, so that no one parameter grows without bound.
    for (let at = 0; at < lines.length; at += 5000) {
      const slice = lines.slice(at, at + 5000);
      await sql`
        insert into recharge_lines (run_id, org_id, host_org_id, statement_kind, line_no, service_line_id,
                                    service_line_code, service_line_name, offering_id, offering_code, offering_name,
                                    kind, description, quantity, unit, unit_price_pence, amount_pence, source)
        select run_id, org_id, host_org_id, statement_kind, line_no, service_line_id, service_line_code,
               service_line_name, offering_id, offering_code, offering_name, kind, description, quantity, unit,
               unit_price_pence, amount_pence, source
          from jsonb_to_recordset(${JSON.stringify(slice)}::jsonb) as x(
            run_id uuid, org_id uuid, host_org_id uuid, statement_kind text, line_no integer, service_line_id uuid,
            service_line_code text, service_line_name text, offering_id uuid, offering_code text,
            offering_name text, kind text, description text, quantity bigint, unit text, unit_price_pence bigint,
            amount_pence bigint, source jsonb)`.execute(tx);
    }
  },

  async recordComputation(
    tx: Tx,
    runId: string,
    result: {
      cutoff: Date;
      inputs: unknown;
      unpriced: UnpricedUsage[];
      warnings: RunWarning[];
      totalPence: bigint;
      statementCount: number;
      lineCount: number;
      contentSha256: string;
    },
  ): Promise<void> {
    await sql`
      update recharge_runs
         set status = 'draft', computation = computation + 1, usage_cutoff = ${result.cutoff},
             inputs = ${JSON.stringify(result.inputs)}::jsonb, unpriced = ${JSON.stringify(result.unpriced)}::jsonb,
             warnings = ${JSON.stringify(result.warnings)}::jsonb, total_pence = ${result.totalPence},
             statement_count = ${result.statementCount}, line_count = ${result.lineCount},
             content_sha256 = ${result.contentSha256}, computed_at = now(), reviewed_at = null, reviewed_by = null
       where id = ${runId}`.execute(tx);
  },

  async markReviewed(tx: Tx, runId: string, by: string): Promise<void> {
    await sql`update recharge_runs set status = 'reviewed', reviewed_by = ${by}, reviewed_at = now()
               where id = ${runId}`.execute(tx);
  },

  /**
   * Takes `count` numbers from a host's series under the counter's row lock: the numbers are used
   * by the same transaction, so a rollback returns them and no gap is ever left. Returns the first.
   */
  async takeNumbers(
    tx: Tx,
    hostOrgId: string,
    series: 'statement' | 'credit_note',
    count: number,
  ): Promise<bigint> {
    const result = await sql<{ last_number: string }>`
      insert into billing_counters (org_id, host_org_id, series, last_number)
      values (${hostOrgId}, ${hostOrgId}, ${series}, ${count})
      on conflict (org_id, series) do update set last_number = billing_counters.last_number + ${count}
      returning last_number::text`.execute(tx);
    return BigInt(result.rows[0]!.last_number) - BigInt(count) + 1n;
  },

  async numberStatement(
    tx: Tx,
    key: { runId: string; orgId: string; kind: 'statement' | 'credit_note' },
    number: string,
  ): Promise<void> {
    await sql`
      update recharge_statements set number = ${number}, issued_at = now()
       where run_id = ${key.runId} and org_id = ${key.orgId} and kind = ${key.kind}`.execute(tx);
  },

  async markIssued(tx: Tx, runId: string, by: string): Promise<void> {
    await sql`update recharge_runs set status = 'issued', issued_by = ${by}, issued_at = now()
               where id = ${runId}`.execute(tx);
  },

  async remove(tx: Tx, runId: string): Promise<void> {
    await sql`delete from recharge_runs where id = ${runId}`.execute(tx);
  },
};
