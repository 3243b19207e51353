import { addDays } from '../../../../kernel/dates.js';
import { monthlyParts } from '../../../../kernel/apportion.js';
import { monthName, type Period } from '../../../../kernel/periods.js';
import type { Tx } from '../../../../platform/db/index.js';
import type { CostPool, DriverValue } from '../../pools/pools.repository.js';
import type { RunWarning, UnpricedUsage } from '../runs.repository.js';
import {
  inputsRepository as inputs,
  type ArrangementInfo,
  type OfferingInfo,
  type TariffInfo,
} from './inputs.repository.js';

/**
 * What the engine's parts share: the statement lines they draft, the catalogue and organisations
 * they read once per computation, and the questions every charging model asks of them (which
 * price, which arrangement, on which day).
 */

export type LineKind =
  | 'usage'
  | 'pool_share'
  | 'fixed_contribution'
  | 'purchased_hours'
  | 'hours_drawdown'
  | 'overage'
  | 'true_up';

export interface LineDraft {
  serviceLineId: string;
  offeringId: string | null;
  kind: LineKind;
  description: string;
  /** Thousandths (of the offering's unit, of an hour, or of the driver). */
  quantity: bigint | null;
  unit: string | null;
  unitPricePence: bigint | null;
  amountPence: bigint;
  /** Where the line comes from (see recharge_lines.source); plain JSON, keys in a fixed order. */
  source: Record<string, unknown>;
  /** Orders lines of the same kind and price before their description does (a month, for monthly parts). */
  order?: string;
}

export interface StatementDraft {
  orgId: string;
  kind: 'statement' | 'credit_note';
  period: Period;
  corrects: { runId: string; orgId: string } | null;
  lines: LineDraft[];
}

export interface RunInputs {
  tariffs: Array<{ id: string; pricePence: string; validFrom: string; validTo: string | null }>;
  arrangements: Array<{ id: string; version: number }>;
  pools: Array<{ id: string; version: number; amountPence: string }>;
  driverValues: Array<{ id: string; version: number }>;
}

export interface Computed {
  statements: StatementDraft[];
  unpriced: UnpricedUsage[];
  warnings: RunWarning[];
  inputs: RunInputs;
}

/** What the engine reads of the catalogue and the organisations, once per computation. */
export interface Reference {
  hostOrgId: string;
  orgs: Map<string, { code: string; name: string; role: string }>;
  lines: Map<string, { code: string; name: string }>;
  offerings: Map<string, OfferingInfo>;
  tariffs: TariffInfo[];
  arrangements: ArrangementInfo[];
}

export async function loadReference(tx: Tx, hostOrgId: string): Promise<Reference> {
  const [orgs, lines, offerings, tariffs, arrangements] = await Promise.all([
    inputs.organisations(tx),
    inputs.serviceLines(tx, hostOrgId),
    inputs.offerings(tx, hostOrgId),
    inputs.tariffs(tx, hostOrgId),
    inputs.arrangements(tx, hostOrgId),
  ]);
  return { hostOrgId, orgs, lines, offerings, tariffs, arrangements };
}

export function nextDay(day: string): string {
  return addDays(day, 1);
}

export function covers(from: string, to: string | null, day: string): boolean {
  return from <= day && (to === null || to >= day);
}

/** A month's place in its financial year: April 0 … March 11. */
export function financialMonthIndex(month: string): number {
  return (Number(month.slice(5, 7)) + 8) % 12;
}

/** The arrangement of an organisation for a line in force on a day, if any. */
export function arrangementOn(
  ref: Reference,
  orgId: string,
  lineId: string,
  day: string,
): ArrangementInfo | undefined {
  return ref.arrangements.find(
    (a) => a.orgId === orgId && a.serviceLineId === lineId && covers(a.validFrom, a.validTo, day),
  );
}

/** The organisation's own price of an offering on a day, or else the standard one. */
export function priceOn(
  ref: Reference,
  orgId: string,
  offeringId: string,
  day: string,
): TariffInfo | undefined {
  const inForce = (owner: string) =>
    ref.tariffs.find(
      (t) => t.offeringId === offeringId && t.orgId === owner && covers(t.validFrom, t.validTo, day),
    );
  return inForce(orgId) ?? inForce(ref.hostOrgId);
}

/** Days on which a price or an arrangement starts or stops: between two of them nothing changes. */
export function boundaries(ref: Reference, period: Period): string[] {
  const days = new Set<string>([period.from, period.until]);
  for (const t of ref.tariffs) {
    days.add(t.validFrom);
    if (t.validTo) days.add(nextDay(t.validTo));
  }
  for (const a of ref.arrangements) {
    days.add(a.validFrom);
    if (a.validTo) days.add(nextDay(a.validTo));
  }
  return [...days].sort();
}

/** Consecutive or overlapping day ranges merged, in order. */
export function mergeRanges(ranges: Array<[string, string]>): Array<[string, string]> {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const merged: Array<[string, string]> = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last && nextDay(last[1]) >= from) {
      if (to > last[1]) last[1] = to;
    } else merged.push([from, to]);
  }
  return merged;
}

export class Collector {
  readonly lines = new Map<string, LineDraft[]>();
  readonly unpriced: UnpricedUsage[] = [];
  readonly warnings: RunWarning[] = [];
  readonly tariffs = new Map<string, TariffInfo>();
  readonly arrangements = new Map<string, ArrangementInfo>();
  readonly pools = new Map<string, CostPool>();
  readonly driverValues = new Map<string, DriverValue>();

  add(orgId: string, line: LineDraft) {
    const list = this.lines.get(orgId) ?? [];
    list.push(line);
    this.lines.set(orgId, list);
  }

  warn(code: string, message: string, blocking = false) {
    this.warnings.push({ code, message, blocking });
  }
}

export interface ChargeRequest {
  kind: 'charge' | 'true_up';
  period: Period;
  /** The organisations to charge; null for all. */
  orgIds: string[] | null;
  cutoff: Date;
}

/**
 * An annual sum billed in equal monthly parts (the pennies left over in the last): a line for each
 * month of the period whose first day the arrangement is in force on, described as `what` and the
 * month. Returns whether any month was billed.
 */
export function addMonthlyParts(
  out: Collector,
  arrangement: ArrangementInfo,
  period: Period,
  line: { kind: 'fixed_contribution' | 'purchased_hours'; annualPence: bigint; what: string },
): boolean {
  const parts = monthlyParts(line.annualPence);
  let billed = false;
  for (const month of period.months) {
    if (!covers(arrangement.validFrom, arrangement.validTo, `${month}-01`)) continue;
    billed = true;
    const index = financialMonthIndex(month);
    out.add(arrangement.orgId, {
      serviceLineId: arrangement.serviceLineId,
      offeringId: null,
      kind: line.kind,
      description: `${line.what}, ${monthName(month)} (${index + 1} of 12)`,
      quantity: null,
      unit: null,
      unitPricePence: null,
      amountPence: parts[index]!,
      source: { arrangementId: arrangement.id, version: arrangement.version, month, part: index + 1 },
      order: month,
    });
  }
  return billed;
}
