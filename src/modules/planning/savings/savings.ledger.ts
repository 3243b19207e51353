/**
 * The savings ledger's arithmetic, with no I/O: for each partner, service line and financial year,
 * the saving planned (from approved business cases), the saving achieved (the baseline — what the
 * partner would pay alone — less what Tandem charged it in issued statements), the gap, and a RAG
 * status; then the same by partner, by line and for the partnership.
 *
 * A year part-charged is measured to date: when issued statements run to the end of month m of the
 * year, the baseline and the plan count as m twelfths of the year's (a straight-line profile), so a
 * year half-charged is not shown as a saving of half the baseline. A year with nothing issued has no
 * achieved figure. A saving with no baseline cannot be evidenced: it counts as nothing achieved and
 * is flagged, never assumed.
 */
import type { ChargedRow } from './savings.charges.js';

export type Rag = 'green' | 'amber' | 'red';

export interface LedgerEntry {
  orgId: string;
  serviceLineId: string;
  year: string;
  baselinePence: bigint | null;
  plannedPence: bigint;
}

export interface Figures {
  /** The plan to date (the whole year's once it is all charged). */
  plannedPence: bigint;
  /** Null while nothing in the year is charged, or (for a row) with no baseline. */
  achievedPence: bigint | null;
  /** planned − achieved: above zero a shortfall, below zero ahead of plan. */
  gapPence: bigint | null;
  rag: Rag | null;
  /** Rows planned to save something that have no baseline to measure against. */
  missingBaselines: number;
}

export interface LedgerRow extends Figures {
  orgId: string;
  serviceLineId: string;
  year: string;
  baselinePence: bigint | null;
  /** The whole year's plan. */
  plannedYearPence: bigint;
  chargedPence: bigint;
  /** The baseline to date. */
  baselineToDatePence: bigint | null;
}

export interface LedgerYear {
  year: string;
  /** Months of the year (0–12) that issued statements cover, from April. */
  monthsCharged: number;
  totals: Figures;
  byPartner: Array<{ orgId: string } & Figures>;
  byLine: Array<{ serviceLineId: string } & Figures>;
}

export interface Ledger {
  toleranceBasisPoints: number;
  years: LedgerYear[];
  rows: LedgerRow[];
}

/**
 * Green when achieved ≥ planned; amber when the shortfall is within the tolerance (basis points of
 * the plan); red below that.
 */
export function ragOf(plannedPence: bigint, achievedPence: bigint, toleranceBasisPoints: number): Rag {
  if (achievedPence >= plannedPence) return 'green';
  return achievedPence * 10_000n >= plannedPence * BigInt(10_000 - toleranceBasisPoints) ? 'amber' : 'red';
}

/** Months from 1 April of `year` to `until` (exclusive), 0 to 12. */
export function monthsCharged(year: string, until: string | undefined): number {
  if (!until) return 0;
  const start = Number(year.slice(0, 4));
  const months = (Number(until.slice(0, 4)) - start) * 12 + (Number(until.slice(5, 7)) - 4);
  return Math.max(0, Math.min(12, months));
}

/** m twelfths of an amount, halves away from zero. */
function toDate(pence: bigint, months: number): bigint {
  if (months === 12) return pence;
  const numerator = pence * BigInt(months);
  const sign = numerator < 0n ? -1n : 1n;
  return ((numerator * sign * 2n + 12n) / 24n) * sign;
}

/** A group's or row's figures from its plan and achievement to date: the gap and the RAG status. */
export function figures(
  planned: bigint,
  achieved: bigint | null,
  missingBaselines: number,
  tolerance: number,
): Figures {
  return {
    plannedPence: planned,
    achievedPence: achieved,
    gapPence: achieved === null ? null : planned - achieved,
    rag: achieved === null ? null : ragOf(planned, achieved, tolerance),
    missingBaselines,
  };
}

/**
 * One line of the ledger measured: its plan and baseline to date (m twelfths of the year's, m the
 * months charged), achieved = baseline to date − charged, the gap and its RAG status.
 */
export function measureLine(
  line: LedgerEntry & { chargedPence: bigint },
  months: number,
  tolerance: number,
): LedgerRow {
  const planned = toDate(line.plannedPence, months);
  const baselineToDate = line.baselinePence === null ? null : toDate(line.baselinePence, months);
  const achieved = months === 0 || baselineToDate === null ? null : baselineToDate - line.chargedPence;
  return {
    orgId: line.orgId,
    serviceLineId: line.serviceLineId,
    year: line.year,
    baselinePence: line.baselinePence,
    plannedYearPence: line.plannedPence,
    chargedPence: line.chargedPence,
    baselineToDatePence: baselineToDate,
    ...figures(planned, achieved, line.baselinePence === null && line.plannedPence > 0n ? 1 : 0, tolerance),
  };
}

/** Sums of rows as they are added, turned into figures at the end. */
class Tally {
  planned = 0n;
  achieved = 0n;
  missing = 0;
  add(row: LedgerRow): void {
    this.planned += row.plannedPence;
    if (row.achievedPence !== null) this.achieved += row.achievedPence;
    this.missing += row.missingBaselines;
  }
  figures(months: number, tolerance: number): Figures {
    return figures(this.planned, months === 0 ? null : this.achieved, this.missing, tolerance);
  }
}

function tallyOf<K>(tallies: Map<K, Tally>, key: K): Tally {
  let tally = tallies.get(key);
  if (!tally) tallies.set(key, (tally = new Tally()));
  return tally;
}

/**
 * Builds the ledger from baselines and planned savings (`entries`, one per partner, line and year
 * at most) and what was charged. Charges in years with neither a baseline nor a plan are not savings
 * anyone claimed and are left out; charges without an entry in a year the ledger has are shown, with
 * no baseline. One pass over the rows: thousands of them make every page.
 */
export function buildLedger(input: {
  entries: readonly LedgerEntry[];
  charges: readonly ChargedRow[];
  toleranceBasisPoints: number;
}): Ledger {
  const tolerance = input.toleranceBasisPoints;
  const key = (orgId: string, lineId: string, year: string) => `${year}|${orgId}|${lineId}`;
  const entries = new Map<string, LedgerEntry>();
  for (const entry of input.entries) entries.set(key(entry.orgId, entry.serviceLineId, entry.year), entry);
  const years = [...new Set(input.entries.map((entry) => entry.year))].sort();
  const yearSet = new Set(years);
  const charged = new Map<string, bigint>();
  const until = new Map<string, string>();
  for (const charge of input.charges) {
    if (!yearSet.has(charge.year)) continue;
    const k = key(charge.orgId, charge.serviceLineId, charge.year);
    charged.set(k, charge.chargedPence);
    if ((until.get(charge.year) ?? '') < charge.chargedUntil) until.set(charge.year, charge.chargedUntil);
    if (!entries.has(k))
      entries.set(k, {
        orgId: charge.orgId,
        serviceLineId: charge.serviceLineId,
        year: charge.year,
        baselinePence: null,
        plannedPence: 0n,
      });
  }
  const months = new Map(years.map((year) => [year, monthsCharged(year, until.get(year))]));
  const totals = new Map<string, Tally>();
  const byPartner = new Map<string, Map<string, Tally>>(years.map((year) => [year, new Map()]));
  const byLine = new Map<string, Map<string, Tally>>(years.map((year) => [year, new Map()]));
  const keys = [...entries.keys()].sort();
  const rows = keys.map((k): LedgerRow => {
    const entry = entries.get(k)!;
    const row = measureLine(
      { ...entry, chargedPence: charged.get(k) ?? 0n },
      months.get(entry.year)!,
      tolerance,
    );
    tallyOf(totals, row.year).add(row);
    tallyOf(byPartner.get(row.year)!, row.orgId).add(row);
    tallyOf(byLine.get(row.year)!, row.serviceLineId).add(row);
    return row;
  });
  return {
    toleranceBasisPoints: tolerance,
    rows,
    years: years.map((year) => {
      const m = months.get(year)!;
      return {
        year,
        monthsCharged: m,
        totals: tallyOf(totals, year).figures(m, tolerance),
        byPartner: [...byPartner.get(year)!].map(([orgId, tally]) => ({
          orgId,
          ...tally.figures(m, tolerance),
        })),
        byLine: [...byLine.get(year)!].map(([serviceLineId, tally]) => ({
          serviceLineId,
          ...tally.figures(m, tolerance),
        })),
      };
    }),
  };
}
