/**
 * The savings ledger summed in SQL, for its page: the partnership's years, and each year by partner
 * and by service line — a few hundred rows, however many lines there are, rather than every line of
 * every year to be summed here — and the lines of the one partner the page shows.
 *
 * The arithmetic is the ledger's own (savings.ledger.ts), written again in SQL over the ledger's
 * kept lines: a year's months charged from the latest end of a period charged in it; a line's plan
 * and baseline to date as m twelfths, halves away from zero (amounts are never negative); achieved =
 * baseline to date − charged, nothing without a baseline or before anything is charged; groups sum
 * their lines. The tests hold the two to the same figures (savings.totals.test.ts).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import type { LedgerScope } from '../planning.policy.js';
import { figures, measureLine, type Ledger, type LedgerEntry, type LedgerYear } from './savings.ledger.js';

/** One row of `ledgerTotals`: a year's sums, or a partner's or a line's in a year. */
export interface TotalsRow {
  level: 'year' | 'partner' | 'line';
  year: string;
  org_id: string | null;
  service_line_id: string | null;
  months: number;
  planned: string;
  achieved: string | null;
  missing: number;
}

/** One kept line of the ledger, as stored. */
export type KeptLine = LedgerEntry & { chargedPence: bigint };

function scoped(scope: LedgerScope, alias: string): RawBuilder<unknown> {
  return scope.kind === 'host'
    ? sql`${sql.ref(`${alias}.host_org_id`)} = ${scope.hostOrgId}::uuid`
    : sql`${sql.ref(`${alias}.org_id`)} = ${scope.orgId}::uuid`;
}

/** The ledger of `scope` summed by year, by partner and year, and by line and year. One statement. */
export async function ledgerTotals(tx: Tx, scope: LedgerScope): Promise<TotalsRow[]> {
  const result = await sql<TotalsRow>`
    select case when grouping(org_id) = 1 and grouping(service_line_id) = 1 then 'year'
                when grouping(service_line_id) = 1 then 'partner' else 'line' end as level,
           financial_year as year, org_id, service_line_id, max(months) as months, sum(planned)::text as planned,
           case when max(months) = 0 then null else sum(coalesce(achieved, 0))::text end as achieved,
           sum(missing)::int as missing
      from (
        select l.org_id, l.service_line_id, l.financial_year, m.months,
               case when m.months = 12 then l.planned_pence
                    else (l.planned_pence * m.months * 2 + 12) / 24 end as planned,
               case when m.months = 0 or l.baseline_pence is null then null
                    when m.months = 12 then l.baseline_pence - l.charged_pence
                    else (l.baseline_pence * m.months * 2 + 12) / 24 - l.charged_pence end as achieved,
               (l.baseline_pence is null and l.planned_pence > 0)::int as missing
          from savings_ledger_lines l
          join (select y.financial_year,
                       case when max(y.charged_until) is null then 0
                            else greatest(0, least(12,
                                   (extract(year from max(y.charged_until))::int - left(y.financial_year, 4)::int) * 12
                                   + extract(month from max(y.charged_until))::int - 4)) end as months
                  from savings_ledger_lines y
                 where ${scoped(scope, 'y')}
                 group by y.financial_year
                having bool_or(y.baseline_pence is not null or y.planned_pence <> 0)) m
            on m.financial_year = l.financial_year
         where ${scoped(scope, 'l')}
           and (l.baseline_pence is not null or l.planned_pence <> 0 or l.charged_until is not null)) measured
     group by grouping sets ((financial_year), (financial_year, org_id), (financial_year, service_line_id))`.execute(
    tx,
  );
  return result.rows;
}

/** The kept lines of one partner (by code; for a partner's scope, its own), in the scope. */
export async function partnerLines(tx: Tx, scope: LedgerScope, code: string | null): Promise<KeptLine[]> {
  if (scope.kind === 'host' && !code) return [];
  const result = await sql<{
    org_id: string;
    service_line_id: string;
    year: string;
    baseline: string | null;
    planned: string;
    charged: string;
  }>`
    select l.org_id, l.service_line_id, l.financial_year as year, l.baseline_pence::text as baseline,
           l.planned_pence::text as planned, l.charged_pence::text as charged
      from savings_ledger_lines l
     where ${scoped(scope, 'l')}
       and l.org_id = ${scope.kind === 'partner' ? sql`${scope.orgId}::uuid` : sql`(select o.id from organisations o where o.code = ${code})`}
       and (l.baseline_pence is not null or l.planned_pence <> 0 or l.charged_until is not null)`.execute(tx);
  return result.rows.map((row) => ({
    orgId: row.org_id,
    serviceLineId: row.service_line_id,
    year: row.year,
    baselinePence: row.baseline === null ? null : BigInt(row.baseline),
    plannedPence: BigInt(row.planned),
    chargedPence: BigInt(row.charged),
  }));
}

/** The ledger from its sums and one partner's lines, RAG judged by the tolerance. */
export function ledgerOfTotals(
  totals: readonly TotalsRow[],
  lines: readonly KeptLine[],
  toleranceBasisPoints: number,
): Ledger {
  const years = new Map<string, LedgerYear>();
  const yearOf = (row: TotalsRow) => {
    let year = years.get(row.year);
    if (!year) {
      year = { year: row.year, monthsCharged: row.months, totals: undefined!, byPartner: [], byLine: [] };
      years.set(row.year, year);
    }
    return year;
  };
  for (const row of totals) {
    const f = figures(
      BigInt(row.planned),
      row.achieved === null ? null : BigInt(row.achieved),
      row.missing,
      toleranceBasisPoints,
    );
    if (row.level === 'year') yearOf(row).totals = f;
    else if (row.level === 'partner') yearOf(row).byPartner.push({ orgId: row.org_id!, ...f });
    else yearOf(row).byLine.push({ serviceLineId: row.service_line_id!, ...f });
  }
  const key = (row: { year: string; serviceLineId: string }) => `${row.year}|${row.serviceLineId}`;
  return {
    toleranceBasisPoints,
    years: [...years.values()].sort((a, b) => (a.year < b.year ? -1 : 1)),
    // A partner's lines in the ledger's years, measured as the ledger measures every line.
    rows: lines
      .filter((line) => years.has(line.year))
      .map((line) => measureLine(line, years.get(line.year)!.monthsCharged, toleranceBasisPoints))
      .sort((a, b) => (key(a) < key(b) ? -1 : 1)),
  };
}
