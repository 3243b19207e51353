/**
 * The quarterly report pack's figures, assembled from what the queries found, with no I/O: SLA
 * performance and volumes by service line (and by partner for the partnership), usage by offering,
 * charges by line and partner, the savings ledger's year, and the Teckal indicator. Counts are whole
 * numbers and money whole pence (bigint), summed exactly; shares are basis points, rounded once.
 */
import { addDays } from '../../../kernel/dates.js';
import { financialYearOf, parsePeriod, type Period } from '../../../kernel/periods.js';
import type { TeckalIndicator } from '../../billing/index.js';
import type { Figures, Ledger } from '../savings/savings.ledger.js';
import type { ChargeTotal, RequestCounts, UsageTotal } from './reports.repository.js';

/** An organisation or a service line as the pack names it. */
export interface Named {
  code: string;
  name: string;
}

export interface SlaFigures {
  resolved: number;
  resolutionMet: number;
  resolutionBreached: number;
  /** Met as a share of those met or breached, in basis points; null when none were. */
  resolutionMetBasisPoints: number | null;
  responseMet: number;
  responseBreached: number;
  responseMetBasisPoints: number | null;
}

export interface VolumeFigures {
  raised: number;
  resolved: number;
}

export interface ChargeFigures {
  statementsPence: bigint;
  /** Negative: what credit notes took back. */
  creditNotesPence: bigint;
  netPence: bigint;
}

export interface SavingsSection {
  year: string;
  /** Months of the year charged by the quarter's end (0–12). */
  monthsCharged: number;
  toleranceBasisPoints: number;
  totals: Figures;
  byLine: Array<Named & Figures>;
  byPartner: Array<Named & Figures>;
}

export interface ReportPack {
  scope: 'partnership' | 'partner';
  /** The partner, or for the partnership the host. */
  organisation: Named;
  quarter: { code: string; from: string; to: string };
  financialYear: string;
  producedAt: Date;
  sla: { total: SlaFigures; byLine: Array<Named & SlaFigures>; byPartner: Array<Named & SlaFigures> };
  volumes: { total: VolumeFigures; byLine: Array<Named & VolumeFigures>; usage: UsageTotal[] };
  charges: {
    total: ChargeFigures;
    byLine: Array<Named & ChargeFigures>;
    byPartner: Array<Named & ChargeFigures>;
  };
  /** Null when the ledger has neither a baseline nor a plan for the year. */
  savings: SavingsSection | null;
  /** The partnership's only, and only for those who may read it. */
  teckal: TeckalIndicator | null;
}

export interface PackInput {
  scope: ReportPack['scope'];
  organisation: Named;
  quarter: Period;
  producedAt: Date;
  requests: readonly RequestCounts[];
  usage: readonly UsageTotal[];
  charges: readonly ChargeTotal[];
  /** The savings ledger of the quarter's financial year, measured to the quarter's end. */
  ledger: Ledger;
  organisations: ReadonlyMap<string, Named>;
  lines: ReadonlyMap<string, Named>;
  teckal: TeckalIndicator | null;
}

/** A quarter (`2026-Q3`), or undefined for anything else, months and years included. */
export function parseQuarter(text: unknown): Period | undefined {
  const period = parsePeriod(text);
  return period?.kind === 'quarter' ? period : undefined;
}

/** The last quarter to have ended before `today` (`YYYY-MM-DD`, in England). */
export function lastCompleteQuarter(today: string): string {
  const year = Number(today.slice(0, 4));
  const current = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
  return current === 1 ? `${year - 1}-Q4` : `${year}-Q${current - 1}`;
}

/** `part` of `whole` in basis points, halves up; null when the whole is nothing. */
export function shareOf(part: number, whole: number): number | null {
  return whole <= 0 ? null : Math.floor((part * 20_000 + whole) / (whole * 2));
}

const byCode = <T extends Named>(a: T, b: T) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/** Sums kept under a key, with the key's name. */
class Totals<T> {
  private readonly rows = new Map<string, Named & T>();
  constructor(private readonly empty: () => T) {}
  add(key: string, named: Named, add: (into: T) => void): void {
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { ...named, ...this.empty() }));
    add(row);
  }
  list(): Array<Named & T> {
    return [...this.rows.values()].sort(byCode);
  }
}

type SlaCounts = Omit<SlaFigures, 'resolutionMetBasisPoints' | 'responseMetBasisPoints'> & { raised: number };
const noCounts = (): SlaCounts => ({
  raised: 0,
  resolved: 0,
  resolutionMet: 0,
  resolutionBreached: 0,
  responseMet: 0,
  responseBreached: 0,
});

function addCounts(into: SlaCounts, row: RequestCounts): void {
  into.raised += row.raised;
  into.resolved += row.resolved;
  into.resolutionMet += row.resolutionMet;
  into.resolutionBreached += row.resolutionBreached;
  into.responseMet += row.responseMet;
  into.responseBreached += row.responseBreached;
}

function slaOf<T extends SlaCounts>(counts: T): Omit<T, 'raised'> & SlaFigures {
  const { raised: _raised, ...rest } = counts;
  return {
    ...rest,
    resolutionMetBasisPoints: shareOf(counts.resolutionMet, counts.resolutionMet + counts.resolutionBreached),
    responseMetBasisPoints: shareOf(counts.responseMet, counts.responseMet + counts.responseBreached),
  };
}

const noCharges = (): ChargeFigures => ({ statementsPence: 0n, creditNotesPence: 0n, netPence: 0n });

function addCharge(into: ChargeFigures, row: ChargeTotal): void {
  if (row.kind === 'statement') into.statementsPence += row.amountPence;
  else into.creditNotesPence += row.amountPence;
  into.netPence += row.amountPence;
}

/** Assembles the pack. Rows outside the pack's partner never reach here; none are dropped either. */
export function assemblePack(input: PackInput): ReportPack {
  const partnership = input.scope === 'partnership';
  const orgName = (id: string): Named => input.organisations.get(id) ?? { code: '', name: '' };
  const lineName = (id: string, fallback: Named): Named =>
    input.lines.get(id) ?? (fallback.code ? fallback : { code: '', name: '' });

  const slaTotal = noCounts();
  const slaByLine = new Totals(noCounts);
  const slaByPartner = new Totals(noCounts);
  for (const row of input.requests) {
    addCounts(slaTotal, row);
    const line = lineName(row.serviceLineId, { code: row.serviceLine, name: row.serviceLineName });
    slaByLine.add(row.serviceLineId, line, (into) => addCounts(into, row));
    if (partnership) slaByPartner.add(row.orgId, orgName(row.orgId), (into) => addCounts(into, row));
  }
  const lineCounts = slaByLine.list();

  const chargeTotal = noCharges();
  const chargesByLine = new Totals(noCharges);
  const chargesByPartner = new Totals(noCharges);
  for (const row of input.charges) {
    addCharge(chargeTotal, row);
    const line = lineName(row.serviceLineId, { code: row.serviceLine, name: row.serviceLineName });
    chargesByLine.add(row.serviceLineId, line, (into) => addCharge(into, row));
    if (partnership) chargesByPartner.add(row.orgId, orgName(row.orgId), (into) => addCharge(into, row));
  }

  const financialYear = financialYearOf(input.quarter.from);
  const year = input.ledger.years.find((y) => y.year === financialYear);
  return {
    scope: input.scope,
    organisation: input.organisation,
    quarter: { code: input.quarter.code, from: input.quarter.from, to: addDays(input.quarter.until, -1) },
    financialYear,
    producedAt: input.producedAt,
    sla: {
      total: slaOf(slaTotal),
      byLine: lineCounts.filter((line) => line.resolved > 0).map(slaOf),
      byPartner: slaByPartner
        .list()
        .filter((p) => p.resolved > 0)
        .map(slaOf),
    },
    volumes: {
      total: { raised: slaTotal.raised, resolved: slaTotal.resolved },
      byLine: lineCounts.map((line) => ({
        code: line.code,
        name: line.name,
        raised: line.raised,
        resolved: line.resolved,
      })),
      usage: [...input.usage],
    },
    charges: { total: chargeTotal, byLine: chargesByLine.list(), byPartner: chargesByPartner.list() },
    savings: year
      ? {
          year: year.year,
          monthsCharged: year.monthsCharged,
          toleranceBasisPoints: input.ledger.toleranceBasisPoints,
          totals: year.totals,
          byLine: year.byLine
            .map(({ serviceLineId, ...figures }) => ({
              ...lineName(serviceLineId, { code: '', name: '' }),
              ...figures,
            }))
            .sort(byCode),
          byPartner: partnership
            ? year.byPartner.map(({ orgId, ...figures }) => ({ ...orgName(orgId), ...figures })).sort(byCode)
            : [],
        }
      : null,
    teckal: input.teckal,
  };
}
