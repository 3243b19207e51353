import { apportion, monthlyParts } from '../../../kernel/apportion.js';
import { formatQuantity, lineAmount } from '../../../kernel/quantity.js';
import { financialYearOf, parsePeriod, type Period } from '../../../kernel/periods.js';
import { trueUp } from '../../../kernel/true-up.js';
import type { Tx } from '../../../platform/db/index.js';
import { formatMoney } from '../billing.money.js';
import { billingLookups } from '../billing.lookups.js';
import { poolsRepository, type CostPool, type DriverValue } from '../pools/pools.repository.js';
import {
  runsRepository as repo,
  type ArrangementInfo,
  type OfferingInfo,
  type RunWarning,
  type TariffInfo,
  type UnpricedUsage,
  type UsageGroup,
} from './runs.repository.js';

/**
 * The recharge engine: what each organisation owes for a period, line by line, from the usage,
 * prices, arrangements, pools and driver values as they stand. Deterministic: the same inputs give
 * the same statements, in the same order, with nothing in them that depends on when they were made.
 *
 * The heavy part, the usage, is aggregated by the database (see `usageGroups`); everything here works
 * on a few rows per organisation and offering.
 */

export type LineKind =
  | 'usage'
  | 'pool_share'
  | 'fixed_contribution'
  | 'purchased_hours'
  | 'hours_drawdown'
  | 'overage'
  | 'true_up';

/** Lines of a service line are shown in this order of kind. */
const KIND_ORDER: Record<LineKind, number> = {
  fixed_contribution: 1,
  purchased_hours: 2,
  hours_drawdown: 3,
  overage: 4,
  usage: 5,
  pool_share: 6,
  true_up: 7,
};

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
    repo.organisations(tx),
    repo.serviceLines(tx, hostOrgId),
    repo.offerings(tx, hostOrgId),
    repo.tariffs(tx, hostOrgId),
    repo.arrangements(tx, hostOrgId),
  ]);
  return { hostOrgId, orgs, lines, offerings, tariffs, arrangements };
}

export function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

function covers(from: string, to: string | null, day: string): boolean {
  return from <= day && (to === null || to >= day);
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function monthName(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

/** A month's place in its financial year: April 0 … March 11. */
function financialMonthIndex(month: string): number {
  return (Number(month.slice(5, 7)) + 8) % 12;
}

/** The arrangement of an organisation for a line in force on a day, if any. */
function arrangementOn(
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
function priceOn(ref: Reference, orgId: string, offeringId: string, day: string): TariffInfo | undefined {
  const inForce = (owner: string) =>
    ref.tariffs.find(
      (t) => t.offeringId === offeringId && t.orgId === owner && covers(t.validFrom, t.validTo, day),
    );
  return inForce(orgId) ?? inForce(ref.hostOrgId);
}

/** Days on which a price or an arrangement starts or stops: between two of them nothing changes. */
function boundaries(ref: Reference, period: Period): string[] {
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
function mergeRanges(ranges: Array<[string, string]>): Array<[string, string]> {
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

class Collector {
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

/** Computes a charge or true-up run's statements from the inputs as they stand. */
export async function computeCharges(tx: Tx, ref: Reference, request: ChargeRequest): Promise<Computed> {
  const out = new Collector();
  const selected = (orgId: string) => request.orgIds === null || request.orgIds.includes(orgId);
  if (request.kind === 'charge') {
    await chargeUsage(tx, ref, request, out, selected);
    chargeFixedContributions(ref, request.period, out, selected);
    await chargePools(tx, ref, request.period, out, selected);
  } else {
    await trueUpPools(tx, ref, request.period, out, selected);
  }
  return assemble(ref, request.period, out);
}

async function chargeUsage(
  tx: Tx,
  ref: Reference,
  request: ChargeRequest,
  out: Collector,
  selected: (orgId: string) => boolean,
) {
  const { period, cutoff } = request;
  const groups = await repo.usageGroups(tx, {
    hostOrgId: ref.hostOrgId,
    from: period.from,
    until: period.until,
    cutoff,
    orgIds: request.orgIds,
    boundaries: boundaries(ref, period),
  });
  groups.sort((a, b) =>
    a.orgId !== b.orgId
      ? a.orgId < b.orgId
        ? -1
        : 1
      : a.offeringId !== b.offeringId
        ? a.offeringId < b.offeringId
          ? -1
          : 1
        : a.firstDay < b.firstDay
          ? -1
          : 1,
  );

  const perUnit = new Map<
    string,
    {
      orgId: string;
      offering: OfferingInfo;
      price: bigint;
      quantity: bigint;
      events: number;
      tariffs: Set<string>;
      days: Array<[string, string]>;
      recordedUpTo: string;
    }
  >();
  const hours = new Map<string, { orgId: string; arrangement: ArrangementInfo; groups: UsageGroup[] }>();
  const unpriced = new Map<string, UnpricedUsage>();

  for (const group of groups) {
    if (!selected(group.orgId)) continue;
    const offering = ref.offerings.get(group.offeringId);
    if (!offering) continue;
    const arrangement = arrangementOn(ref, group.orgId, offering.serviceLineId, group.firstDay);
    const model = arrangement?.model ?? 'per_unit';
    if (model === 'cost_pool' || model === 'fixed_contribution') {
      out.arrangements.set(arrangement!.id, arrangement!);
      continue;
    }
    if (model === 'purchased_hours' && offering.unit === 'hour') {
      const entry = hours.get(arrangement!.id) ?? {
        orgId: group.orgId,
        arrangement: arrangement!,
        groups: [],
      };
      entry.groups.push(group);
      hours.set(arrangement!.id, entry);
      continue;
    }
    const tariff = priceOn(ref, group.orgId, group.offeringId, group.firstDay);
    if (!tariff) {
      const key = `${group.orgId}|${group.offeringId}`;
      const known = unpriced.get(key);
      if (known) {
        known.quantity = String(BigInt(known.quantity) + group.quantity);
        known.events += group.events;
        if (group.firstDay < known.firstDay) known.firstDay = group.firstDay;
        if (group.lastDay > known.lastDay) known.lastDay = group.lastDay;
      } else
        unpriced.set(key, {
          organisation: ref.orgs.get(group.orgId)?.code ?? group.orgId,
          offering: offering.code,
          firstDay: group.firstDay,
          lastDay: group.lastDay,
          quantity: String(group.quantity),
          events: group.events,
        });
      continue;
    }
    if (arrangement) out.arrangements.set(arrangement.id, arrangement);
    out.tariffs.set(tariff.id, tariff);
    const key = `${group.orgId}|${group.offeringId}|${tariff.pricePence}`;
    const entry = perUnit.get(key) ?? {
      orgId: group.orgId,
      offering,
      price: tariff.pricePence,
      quantity: 0n,
      events: 0,
      tariffs: new Set<string>(),
      days: [],
      recordedUpTo: group.lastRecordedAt,
    };
    if (group.lastRecordedAt > entry.recordedUpTo) entry.recordedUpTo = group.lastRecordedAt;
    entry.quantity += group.quantity;
    entry.events += group.events;
    entry.tariffs.add(tariff.id);
    entry.days.push([group.firstDay, group.lastDay]);
    perUnit.set(key, entry);
  }

  for (const entry of perUnit.values()) {
    out.add(entry.orgId, {
      serviceLineId: entry.offering.serviceLineId,
      offeringId: entry.offering.id,
      kind: 'usage',
      description: entry.offering.name,
      quantity: entry.quantity,
      unit: entry.offering.unit,
      unitPricePence: entry.price,
      amountPence: lineAmount(entry.quantity, entry.price),
      source: {
        offeringIds: [entry.offering.id],
        pricedOn: mergeRanges(entry.days),
        recordedUpTo: entry.recordedUpTo,
        tariffIds: [...entry.tariffs].sort(),
        events: entry.events,
      },
    });
  }
  out.unpriced.push(
    ...[...unpriced.values()].sort((a, b) =>
      a.organisation + a.offering < b.organisation + b.offering ? -1 : 1,
    ),
  );

  await chargePurchasedHours(tx, ref, request, out, selected, hours);
}

async function chargePurchasedHours(
  tx: Tx,
  ref: Reference,
  request: ChargeRequest,
  out: Collector,
  selected: (orgId: string) => boolean,
  hours: Map<string, { orgId: string; arrangement: ArrangementInfo; groups: UsageGroup[] }>,
) {
  const { period } = request;
  const year = parsePeriod(financialYearOf(period.from))!;
  const arrangements = ref.arrangements.filter(
    (a) =>
      a.model === 'purchased_hours' &&
      selected(a.orgId) &&
      a.validFrom < period.until &&
      (a.validTo === null || a.validTo >= period.from),
  );
  for (const arrangement of arrangements) {
    out.arrangements.set(arrangement.id, arrangement);
    const line = ref.lines.get(arrangement.serviceLineId);
    const block = arrangement.blockHours!;
    const rate = arrangement.hourRatePence!;
    const parts = monthlyParts(lineAmount(block, rate));
    for (const month of period.months) {
      if (!covers(arrangement.validFrom, arrangement.validTo, `${month}-01`)) continue;
      const index = financialMonthIndex(month);
      out.add(arrangement.orgId, {
        serviceLineId: arrangement.serviceLineId,
        offeringId: null,
        kind: 'purchased_hours',
        description: `Purchased hours for ${line?.name ?? 'the line'}: ${formatQuantity(block)} hours a year at ${formatMoney(rate)}, ${monthName(month)} (${index + 1} of 12)`,
        quantity: null,
        unit: null,
        unitPricePence: null,
        amountPence: parts[index]!,
        source: { arrangementId: arrangement.id, version: arrangement.version, month, part: index + 1 },
        order: month,
      });
    }
    const used = hours.get(arrangement.id);
    const usedHours = used?.groups.reduce((sum, g) => sum + g.quantity, 0n) ?? 0n;
    const hourOfferings = [...ref.offerings.values()]
      .filter((o) => o.serviceLineId === arrangement.serviceLineId && o.unit === 'hour')
      .map((o) => o.id)
      .sort();
    const since = arrangement.validFrom > year.from ? arrangement.validFrom : year.from;
    const before = await repo.hoursBefore(tx, {
      orgId: arrangement.orgId,
      offeringIds: hourOfferings,
      from: since,
      until: period.from,
      cutoff: request.cutoff,
    });
    if (!used) continue;
    const remaining = block - before;
    const fromBlock =
      usedHours <= 0n ? usedHours : remaining <= 0n ? 0n : remaining < usedHours ? remaining : usedHours;
    const overage = usedHours - fromBlock;
    const source = {
      arrangementId: arrangement.id,
      version: arrangement.version,
      offeringIds: [...new Set(used.groups.map((g) => g.offeringId))].sort(),
      pricedOn: mergeRanges(used.groups.map((g) => [g.firstDay, g.lastDay] as [string, string])),
      recordedUpTo: used.groups.reduce((max, g) => (g.lastRecordedAt > max ? g.lastRecordedAt : max), ''),
      events: used.groups.reduce((sum, g) => sum + g.events, 0),
      blockHours: String(block),
      hoursBefore: String(before),
      hoursUsed: String(usedHours),
      remainingAfter: String(block - before - usedHours),
    };
    out.add(arrangement.orgId, {
      serviceLineId: arrangement.serviceLineId,
      offeringId: null,
      kind: 'hours_drawdown',
      description: `Hours drawn from the purchased block: ${formatQuantity(block - before - fromBlock > 0n ? block - before - fromBlock : 0n)} of ${formatQuantity(block)} left`,
      quantity: fromBlock,
      unit: 'hour',
      unitPricePence: null,
      amountPence: 0n,
      source,
    });
    if (overage > 0n)
      out.add(arrangement.orgId, {
        serviceLineId: arrangement.serviceLineId,
        offeringId: null,
        kind: 'overage',
        description: 'Hours beyond the purchased block',
        quantity: overage,
        unit: 'hour',
        unitPricePence: arrangement.overageRatePence!,
        amountPence: lineAmount(overage, arrangement.overageRatePence!),
        source,
      });
  }
}

function chargeFixedContributions(
  ref: Reference,
  period: Period,
  out: Collector,
  selected: (orgId: string) => boolean,
) {
  for (const arrangement of ref.arrangements) {
    if (arrangement.model !== 'fixed_contribution' || !selected(arrangement.orgId)) continue;
    const parts = monthlyParts(arrangement.annualPence!);
    for (const month of period.months) {
      // A month is billed when the arrangement is in force on its first day.
      if (!covers(arrangement.validFrom, arrangement.validTo, `${month}-01`)) continue;
      out.arrangements.set(arrangement.id, arrangement);
      const index = financialMonthIndex(month);
      out.add(arrangement.orgId, {
        serviceLineId: arrangement.serviceLineId,
        offeringId: null,
        kind: 'fixed_contribution',
        description: `Fixed contribution of ${formatMoney(arrangement.annualPence!)} a year, ${monthName(month)} (${index + 1} of 12)`,
        quantity: null,
        unit: null,
        unitPricePence: null,
        amountPence: parts[index]!,
        source: { arrangementId: arrangement.id, version: arrangement.version, month, part: index + 1 },
        order: month,
      });
    }
  }
}

/**
 * The driver values a pool is shared by: those given for its own period, or failing that for the
 * financial year it falls in (headcount is often measured once a year and monthly pools shared by it).
 */
function valuesForPool(pool: CostPool, values: DriverValue[], basis: 'estimate' | 'actual'): DriverValue[] {
  const matching = (period: string) =>
    values.filter(
      (v) =>
        v.serviceLineId === pool.serviceLineId &&
        v.driver === pool.driver &&
        v.period === period &&
        v.basis === basis,
    );
  const own = matching(pool.period);
  return own.length ? own : matching(financialYearOf(pool.periodFrom));
}

async function chargePools(
  tx: Tx,
  ref: Reference,
  period: Period,
  out: Collector,
  selected: (orgId: string) => boolean,
) {
  const pools = await poolsRepository.pools(tx, ref.hostOrgId, { from: period.from, until: period.until });
  if (!pools.length) return;
  const periods = [...new Set(pools.flatMap((p) => [p.period, financialYearOf(p.periodFrom)]))];
  const values = await poolsRepository.driverValues(tx, { hostOrgId: ref.hostOrgId, periods });
  const agreements = await agreementsFor(tx, ref, period);
  for (const pool of pools) {
    const claims = valuesForPool(pool, values, 'estimate');
    const line = ref.lines.get(pool.serviceLineId);
    const name = `${line?.code ?? ''} ${pool.driver} ${pool.period}`.trim();
    const total = claims.reduce((sum, v) => sum + v.value, 0n);
    if (!claims.length || total === 0n) {
      out.warn(
        'pool_without_drivers',
        `The ${name} pool (${formatMoney(pool.amountPence)}) has no ${pool.driver} values to be shared by`,
        true,
      );
      continue;
    }
    out.pools.set(pool.id, pool);
    const codeOf = (orgId: string) => ref.orgs.get(orgId)?.code ?? orgId;
    const shares = apportion(
      pool.amountPence,
      claims.map((v) => ({ key: codeOf(v.orgId), weight: v.value })),
    );
    const basisPeriod = claims[0]!.period;
    for (const value of claims) {
      if (!selected(value.orgId)) continue;
      out.driverValues.set(value.id, value);
      out.add(value.orgId, {
        serviceLineId: pool.serviceLineId,
        offeringId: null,
        kind: 'pool_share',
        description: `${pool.description || `${line?.name ?? 'Service'} costs`} ${pool.period}, shared by ${pool.driver.replace(/_/g, ' ')}`,
        quantity: value.value,
        unit: pool.driver,
        unitPricePence: null,
        amountPence: shares.get(codeOf(value.orgId))!,
        source: {
          poolId: pool.id,
          poolVersion: pool.version,
          poolAmountPence: String(pool.amountPence),
          period: pool.period,
          driver: pool.driver,
          driverPeriod: basisPeriod,
          driverValueId: value.id,
          driverValueVersion: value.version,
          value: String(value.value),
          totalValue: String(total),
        },
      });
      const arrangement = arrangementOn(ref, value.orgId, pool.serviceLineId, pool.periodFrom);
      if (arrangement && arrangement.model !== 'cost_pool')
        out.warn(
          'pool_and_other_model',
          `${codeOf(value.orgId)} has a share of the ${name} pool but pays for ${line?.code ?? 'the line'} by ${arrangement.model.replace(/_/g, ' ')}`,
        );
    }
    // Organisations that take the line under a cost-pool arrangement but were given no value bear no share.
    const valued = new Set(claims.map((v) => v.orgId));
    const missing = new Set<string>();
    for (const a of agreements) {
      if (a.serviceLineId !== pool.serviceLineId || valued.has(a.orgId) || !selected(a.orgId)) continue;
      if (!(a.validFrom < pool.periodUntil && (a.validTo === null || a.validTo >= pool.periodFrom))) continue;
      const arrangement = arrangementOn(ref, a.orgId, pool.serviceLineId, pool.periodFrom);
      if (arrangement?.model === 'cost_pool') missing.add(codeOf(a.orgId));
    }
    for (const code of [...missing].sort())
      out.warn(
        'driver_value_missing',
        `${code} takes ${line?.code ?? 'the line'} but has no ${pool.driver} value for ${basisPeriod}: it bears no share of the ${name} pool`,
      );
  }
}

function agreementsFor(tx: Tx, ref: Reference, period: Period) {
  return billingLookups.agreementsOverlapping(tx, ref.hostOrgId, period.from, period.until);
}

/**
 * The year-end true-up: for each line and driver with pools in the financial year and actual values
 * for it, what each organisation's actual share of the year's pools comes to, against what it was
 * billed for them (issued statements and credit notes), outside the tolerance of its arrangement.
 */
async function trueUpPools(
  tx: Tx,
  ref: Reference,
  period: Period,
  out: Collector,
  selected: (orgId: string) => boolean,
) {
  const pools = await poolsRepository.pools(tx, ref.hostOrgId, { from: period.from, until: period.until });
  const values = await poolsRepository.driverValues(tx, {
    hostOrgId: ref.hostOrgId,
    periods: [...new Set([period.code, ...pools.map((p) => p.period)])],
  });
  const groups = new Map<string, CostPool[]>();
  for (const pool of pools) {
    const key = `${pool.serviceLineId}|${pool.driver}`;
    groups.set(key, [...(groups.get(key) ?? []), pool]);
  }
  const codeOf = (orgId: string) => ref.orgs.get(orgId)?.code ?? orgId;
  for (const [key, linePools] of [...groups.entries()].sort()) {
    const [serviceLineId, driver] = key.split('|') as [string, string];
    const line = ref.lines.get(serviceLineId);
    const actual = values.filter(
      (v) =>
        v.serviceLineId === serviceLineId &&
        v.driver === driver &&
        v.period === period.code &&
        v.basis === 'actual',
    );
    if (!actual.length) {
      out.warn(
        'no_actual_values',
        `No actual ${driver} values for ${line?.code ?? ''} in ${period.code}: nothing to true up`,
      );
      continue;
    }
    // The estimates: the year's own, or the sum of each pool's.
    const yearly = values.filter(
      (v) =>
        v.serviceLineId === serviceLineId &&
        v.driver === driver &&
        v.period === period.code &&
        v.basis === 'estimate',
    );
    const estimated = new Map<string, bigint>();
    for (const v of yearly.length ? yearly : linePools.flatMap((p) => valuesForPool(p, values, 'estimate')))
      estimated.set(v.orgId, (estimated.get(v.orgId) ?? 0n) + v.value);
    const total = linePools.reduce((sum, p) => sum + p.amountPence, 0n);
    const billed = await repo.billedForPools(
      tx,
      ref.hostOrgId,
      linePools.map((p) => p.id),
    );
    for (const p of linePools) out.pools.set(p.id, p);
    for (const v of [...actual, ...yearly]) out.driverValues.set(v.id, v);
    const orgIds = [...new Set([...estimated.keys(), ...actual.map((v) => v.orgId)])];
    const byCode = new Map(orgIds.map((id) => [codeOf(id), id]));
    const settings = (orgId: string) => {
      const arrangement =
        arrangementOn(ref, orgId, serviceLineId, period.from) ??
        arrangementOn(ref, orgId, serviceLineId, nextDayBefore(period.until));
      return {
        tolerance: arrangement?.toleranceBasisPoints ?? 300,
        review: arrangement?.reviewPercent ?? 10,
        arrangement,
      };
    };
    const results = new Map<string, ReturnType<typeof trueUp<string>>>();
    for (const orgId of orgIds) {
      const { tolerance, review } = settings(orgId);
      const key = `${tolerance}|${review}`;
      if (!results.has(key))
        results.set(
          key,
          trueUp({
            pool: total,
            estimated: [...estimated.entries()].map(([id, weight]) => ({ key: codeOf(id), weight })),
            actual: actual.map((v) => ({ key: codeOf(v.orgId), weight: v.value })),
            billed: new Map([...billed.entries()].map(([id, amount]) => [codeOf(id), amount])),
            toleranceBasisPoints: tolerance,
            reviewPercent: review,
          }),
        );
    }
    for (const code of [...byCode.keys()].sort()) {
      const orgId = byCode.get(code)!;
      if (!selected(orgId)) continue;
      const { tolerance, review, arrangement } = settings(orgId);
      if (arrangement) out.arrangements.set(arrangement.id, arrangement);
      const result = results.get(`${tolerance}|${review}`)!.find((r) => r.key === code)!;
      if (result.review)
        out.warn(
          'driver_review',
          `${code}'s ${driver} for ${line?.code ?? ''} moved by more than ${review}% from the estimate: for the joint committee to review`,
        );
      if (!result.outsideTolerance || result.trueUp === 0n) continue;
      out.add(orgId, {
        serviceLineId,
        offeringId: null,
        kind: 'true_up',
        description: `Year-end true-up of ${line?.name ?? ''} costs ${period.code} by ${driver.replace(/_/g, ' ')}: actual share ${bp(result.actualShareBasisPoints)} against ${bp(result.estimatedShareBasisPoints)} estimated`,
        quantity: null,
        unit: null,
        unitPricePence: null,
        amountPence: result.trueUp,
        source: {
          poolIds: linePools.map((p) => p.id).sort(),
          poolsPence: String(total),
          driver,
          estimatedShareBasisPoints: result.estimatedShareBasisPoints,
          actualShareBasisPoints: result.actualShareBasisPoints,
          actualChargePence: String(result.actualCharge),
          billedPence: String(billed.get(orgId) ?? 0n),
          toleranceBasisPoints: tolerance,
          review: result.review,
        },
      });
    }
  }
}

function nextDayBefore(until: string): string {
  const date = new Date(`${until}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

function bp(basisPoints: number): string {
  return `${(basisPoints / 100).toFixed(2)}%`;
}

function compareLines(ref: Reference) {
  return (a: LineDraft, b: LineDraft): number => {
    const la = ref.lines.get(a.serviceLineId)?.code ?? '';
    const lb = ref.lines.get(b.serviceLineId)?.code ?? '';
    if (la !== lb) return la < lb ? -1 : 1;
    const oa = a.offeringId ? (ref.offerings.get(a.offeringId)?.code ?? '') : '';
    const ob = b.offeringId ? (ref.offerings.get(b.offeringId)?.code ?? '') : '';
    if (oa !== ob) return oa < ob ? -1 : 1;
    if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
    const pa = a.unitPricePence ?? -1n;
    const pb = b.unitPricePence ?? -1n;
    if (pa !== pb) return pa < pb ? -1 : 1;
    const ra = a.order ?? '';
    const rb = b.order ?? '';
    if (ra !== rb) return ra < rb ? -1 : 1;
    return a.description < b.description ? -1 : a.description > b.description ? 1 : 0;
  };
}

function assemble(ref: Reference, period: Period, out: Collector): Computed {
  const order = compareLines(ref);
  const statements: StatementDraft[] = [...out.lines.entries()]
    .map(([orgId, lines]) => ({
      orgId,
      kind: 'statement' as const,
      period,
      corrects: null,
      lines: [...lines].sort(order),
    }))
    .sort((a, b) => {
      const ca = ref.orgs.get(a.orgId)?.code ?? a.orgId;
      const cb = ref.orgs.get(b.orgId)?.code ?? b.orgId;
      return ca < cb ? -1 : ca > cb ? 1 : 0;
    });
  const byId = <T extends { id: string }>(items: Iterable<T>) =>
    [...items].sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    statements,
    unpriced: out.unpriced,
    warnings: [...out.warnings].sort((a, b) =>
      a.blocking !== b.blocking
        ? a.blocking
          ? -1
          : 1
        : a.message < b.message
          ? -1
          : a.message > b.message
            ? 1
            : 0,
    ),
    inputs: {
      tariffs: byId(out.tariffs.values()).map((t) => ({
        id: t.id,
        pricePence: String(t.pricePence),
        validFrom: t.validFrom,
        validTo: t.validTo,
      })),
      arrangements: byId(out.arrangements.values()).map((a) => ({ id: a.id, version: a.version })),
      pools: byId(out.pools.values()).map((p) => ({
        id: p.id,
        version: p.version,
        amountPence: String(p.amountPence),
      })),
      driverValues: byId(out.driverValues.values()).map((v) => ({ id: v.id, version: v.version })),
    },
  };
}
