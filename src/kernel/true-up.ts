/**
 * The year-end true-up for a pool shared by a driver: where an organisation's actual share of the
 * driver differs from the estimated share it was billed on by more than the tolerance, a line for
 * the difference is raised; within tolerance nothing is. A change in an organisation's own driver
 * value larger than the review threshold is flagged for the joint committee.
 */
import { apportion, type Claim } from './apportion.js';

export interface TrueUpInput<K extends string> {
  /** The pool for the year, in pence. */
  pool: bigint;
  /** Driver values the year was billed on. */
  estimated: ReadonlyArray<Claim<K>>;
  /** Driver values as they turned out. */
  actual: ReadonlyArray<Claim<K>>;
  /** What each organisation was billed for the pool over the year, in pence. */
  billed: ReadonlyMap<K, bigint>;
  /** Tolerance in basis points of share (300 = 3 percentage points). */
  toleranceBasisPoints: number;
  /** Review threshold as a percentage change of the organisation's own driver value (10 = 10%). */
  reviewPercent: number;
}

export interface TrueUpLine<K extends string> {
  key: K;
  /** Shares in basis points, rounded for display; the decision uses the exact fractions. */
  estimatedShareBasisPoints: number;
  actualShareBasisPoints: number;
  /** What the actual share of the pool comes to. */
  actualCharge: bigint;
  /** Actual charge less what was billed, when outside tolerance; 0 within it. */
  trueUp: bigint;
  outsideTolerance: boolean;
  /** The organisation's driver value moved by more than the review threshold. */
  review: boolean;
}

function basisPoints(part: bigint, whole: bigint): number {
  return whole === 0n ? 0 : Number((part * 20000n + whole) / (whole * 2n));
}

export function trueUp<K extends string>(input: TrueUpInput<K>): Array<TrueUpLine<K>> {
  const estimatedTotal = input.estimated.reduce((sum, claim) => sum + claim.weight, 0n);
  const actualTotal = input.actual.reduce((sum, claim) => sum + claim.weight, 0n);
  const keys = [...new Set([...input.estimated, ...input.actual].map((claim) => claim.key))].sort();
  const estimatedOf = new Map(input.estimated.map((claim) => [claim.key, claim.weight]));
  const actualOf = new Map(input.actual.map((claim) => [claim.key, claim.weight]));
  const charges = apportion(
    input.pool,
    keys.map((key) => ({ key, weight: actualOf.get(key) ?? 0n })),
  );
  const tolerance = BigInt(input.toleranceBasisPoints);
  return keys.map((key) => {
    const estimated = estimatedOf.get(key) ?? 0n;
    const actual = actualOf.get(key) ?? 0n;
    // |actual/ΣA − estimated/ΣE| > tolerance/10000, cross-multiplied to stay exact.
    const gap = actual * estimatedTotal - estimated * actualTotal;
    const outsideTolerance = (gap < 0n ? -gap : gap) * 10000n > tolerance * actualTotal * estimatedTotal;
    const change = actual - estimated;
    const review =
      estimated === 0n
        ? actual !== 0n
        : (change < 0n ? -change : change) * 100n > BigInt(input.reviewPercent) * estimated;
    const actualCharge = charges.get(key) ?? 0n;
    return {
      key,
      estimatedShareBasisPoints: basisPoints(estimated, estimatedTotal),
      actualShareBasisPoints: basisPoints(actual, actualTotal),
      actualCharge,
      trueUp: outsideTolerance ? actualCharge - (input.billed.get(key) ?? 0n) : 0n,
      outsideTolerance,
      review,
    };
  });
}
