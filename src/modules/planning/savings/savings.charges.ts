/**
 * What the savings ledger needs from billing: what the host actually charged each partner, per
 * service line and financial year, in issued statements (credit notes netted). A port, so that the
 * ledger does not reach into billing's tables from its own queries, and so that how the figure is
 * kept can change without the ledger knowing.
 */
import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';

/** What was charged to one partner for one line in one financial year. */
export interface ChargedRow {
  orgId: string;
  serviceLineId: string;
  /** The financial year of the statements' periods, `2026-27`. */
  year: string;
  /** Issued statements less credit notes, in pence. */
  chargedPence: bigint;
  /** The day after the last day charged (the latest end of an issued statement's period). */
  chargedUntil: string;
}

export interface ChargesForLedger {
  /**
   * What `hostOrgId` charged each partner per service line and financial year in issued statements,
   * for the years given (every year when none are given). With `hostOrgId` null, whatever the
   * caller's row level security shows: a partner's manager, their own organisation's.
   */
  chargedByPartnerLineYear(
    tx: Tx,
    hostOrgId: string | null,
    years?: readonly string[],
  ): Promise<ChargedRow[]>;
}

type Row = { org_id: string; service_line_id: string; year: string; charged: string; charged_until: string };

const present = (rows: Row[]): ChargedRow[] =>
  rows.map((row) => ({
    orgId: row.org_id,
    serviceLineId: row.service_line_id,
    year: row.year,
    chargedPence: BigInt(row.charged),
    chargedUntil: row.charged_until,
  }));

/**
 * Over `savings_ledger_lines`: what was charged per partner, line and year, kept by triggers as each
 * statement is issued (migration 0017: billing numbering a statement totals its lines by service
 * line into `ledger_charges`, which adds them to the ledger's line). One row per line and year
 * however many statement lines there are. What the ledger uses.
 */
export const chargesFromLedgerLines: ChargesForLedger = {
  async chargedByPartnerLineYear(tx, hostOrgId, years) {
    const result = await sql<Row>`
      select l.org_id, l.service_line_id, l.financial_year as year, l.charged_pence::text as charged,
             l.charged_until::text as charged_until
        from savings_ledger_lines l
       where l.charged_until is not null
         and ${hostOrgId === null ? sql`true` : sql`l.host_org_id = ${hostOrgId}::uuid`}
         and ${years ? sql`l.financial_year = any (${[...years]}::text[])` : sql`true`}`.execute(tx);
    return present(result.rows);
  },
};

/**
 * Over `ledger_charges`: the totals by service line of each issued statement, summed (a few
 * thousand rows a year). The same figures as `chargesFromLedgerLines`, one step nearer the source.
 */
export const chargesFromIssuedTotals: ChargesForLedger = {
  async chargedByPartnerLineYear(tx, hostOrgId, years) {
    const result = await sql<Row>`
      select c.org_id, c.service_line_id, c.financial_year as year, sum(c.amount_pence)::text as charged,
             max(c.period_until)::text as charged_until
        from ledger_charges c
       where ${hostOrgId === null ? sql`true` : sql`c.host_org_id = ${hostOrgId}::uuid`}
         and ${years ? sql`c.financial_year = any (${[...years]}::text[])` : sql`true`}
       group by c.org_id, c.service_line_id, c.financial_year`.execute(tx);
    return present(result.rows);
  },
};

/**
 * Straight from billing's statements and their lines: the same figures, summed line by line. Slow
 * on millions of lines; kept to check the totals against (tests) and for a database where the
 * totals have not been kept.
 */
export const chargesFromStatementLines: ChargesForLedger = {
  async chargedByPartnerLineYear(tx, hostOrgId, years) {
    const result = await sql<Row>`
      select l.org_id, l.service_line_id, financial_year_of(s.period_from) as year,
             sum(l.amount_pence)::text as charged, max(s.period_until)::text as charged_until
        from recharge_statements s
        join recharge_lines l on l.run_id = s.run_id and l.org_id = s.org_id and l.statement_kind = s.kind
       where s.number is not null
         and ${hostOrgId === null ? sql`true` : sql`s.host_org_id = ${hostOrgId}::uuid`}
         and ${years ? sql`financial_year_of(s.period_from) = any (${[...years]}::text[])` : sql`true`}
       group by l.org_id, l.service_line_id, financial_year_of(s.period_from)`.execute(tx);
    return present(result.rows);
  },
};
