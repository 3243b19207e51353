import { addDays } from '../../../../kernel/dates.js';
import { apportion } from '../../../../kernel/apportion.js';
import { financialYearOf, type Period } from '../../../../kernel/periods.js';
import { trueUp } from '../../../../kernel/true-up.js';
import type { Tx } from '../../../../platform/db/index.js';
import { formatMoney } from '../../billing.money.js';
import { billingLookups } from '../../billing.lookups.js';
import { poolsRepository, type CostPool, type DriverValue } from '../../pools/pools.repository.js';
import { inputsRepository as inputs } from './inputs.repository.js';
import { addMonthlyParts, arrangementOn, type Collector, type Reference } from './model.js';

/**
 * Costs shared rather than metered: fixed contributions in monthly parts, cost pools apportioned by
 * driver, and the year-end true-up of pools against actual driver values.
 */

export function chargeFixedContributions(
  ref: Reference,
  period: Period,
  out: Collector,
  selected: (orgId: string) => boolean,
) {
  for (const arrangement of ref.arrangements) {
    if (arrangement.model !== 'fixed_contribution' || !selected(arrangement.orgId)) continue;
    const billed = addMonthlyParts(out, arrangement, period, {
      kind: 'fixed_contribution',
      annualPence: arrangement.annualPence!,
      what: `Fixed contribution of ${formatMoney(arrangement.annualPence!)} a year`,
    });
    if (billed) out.arrangements.set(arrangement.id, arrangement);
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

export async function chargePools(
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
export async function trueUpPools(
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
    const billed = await inputs.billedForPools(
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
  return addDays(until, -1);
}

function bp(basisPoints: number): string {
  return `${(basisPoints / 100).toFixed(2)}%`;
}
