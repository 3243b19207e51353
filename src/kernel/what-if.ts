/**
 * What-if: a prospective partner joins a service line. The line's cost model says what it costs to
 * run at a given annual volume — a fixed cost, a variable cost per unit, and capacity steps at which
 * the fixed cost rises (another team, another licence tier) — and every organisation using the line
 * pays the total in proportion to its volume. Adding the prospect's volume changes the total and
 * how it is shared: this gives each existing partner's estimated annual charge before and after,
 * the saving each gains, and the unit cost for everyone.
 *
 * Exact: amounts are whole pence and volumes whole units (bigint); charges are shares of the total
 * by largest remainder (`apportion`), so they always add up to it to the penny.
 */
import { apportion } from './apportion.js';

/** At a total volume of `fromVolume` or more, the fixed cost rises by `addedFixedPence`. */
export interface CapacityStep {
  fromVolume: bigint;
  addedFixedPence: bigint;
}

export interface CostModel {
  /** The annual fixed cost below the first capacity step. */
  fixedPence: bigint;
  /** The cost of each further unit. */
  variablePence: bigint;
  /** In ascending order of volume. */
  steps: readonly CapacityStep[];
}

/** An organisation's annual volume on the line; keys are unique (an organisation's code). */
export interface Volume<K extends string = string> {
  key: K;
  volume: bigint;
}

/** The line's cost at one total volume. */
export interface LineCost {
  volume: bigint;
  totalPence: bigint;
  /** How many capacity steps the volume has reached. */
  steps: number;
  /** The cost of one unit in pounds to four decimal places ("4.4213"); null at no volume. */
  unitCost: string | null;
}

export interface PartnerCharge<K extends string = string> {
  key: K;
  volume: bigint;
  /** Its share of the cost now; null when nobody uses the line yet. */
  beforePence: bigint | null;
  /** Its share of the cost once the prospect has joined. */
  afterPence: bigint;
  /** before − after: what it saves (negative when it would pay more); null with no charge before. */
  savingPence: bigint | null;
}

export interface WhatIfResult<K extends string = string> {
  before: LineCost;
  after: LineCost;
  partners: Array<PartnerCharge<K>>;
  /** The prospect's own estimated charge. */
  prospect: { key: K; volume: bigint; chargePence: bigint };
  /** Capacity steps the prospect's volume takes the line across. */
  stepsCrossed: number;
}

/** Problems with a cost model, in words; empty when it is sound. */
export function costModelProblems(model: CostModel): string[] {
  const problems: string[] = [];
  if (model.fixedPence < 0n) problems.push('The fixed cost must not be negative');
  if (model.variablePence < 0n) problems.push('The variable cost must not be negative');
  model.steps.forEach((step, index) => {
    if (step.fromVolume <= 0n) problems.push(`Capacity step ${index + 1} must start above a volume of 0`);
    if (step.addedFixedPence < 0n) problems.push(`Capacity step ${index + 1} must not lower the fixed cost`);
    const previous = model.steps[index - 1];
    if (previous && step.fromVolume <= previous.fromVolume)
      problems.push(`Capacity step ${index + 1} must start at a higher volume than step ${index}`);
  });
  return problems;
}

/** How many capacity steps a total volume reaches. */
export function stepsReached(model: CostModel, volume: bigint): number {
  return model.steps.filter((step) => volume >= step.fromVolume).length;
}

/** The fixed cost at a total volume: the base and every step reached. */
export function fixedCostAt(model: CostModel, volume: bigint): bigint {
  return model.steps.reduce(
    (sum, step) => (volume >= step.fromVolume ? sum + step.addedFixedPence : sum),
    model.fixedPence,
  );
}

/** The line's whole annual cost at a total volume. */
export function totalCostAt(model: CostModel, volume: bigint): bigint {
  if (volume < 0n) throw new RangeError('a volume must not be negative');
  return fixedCostAt(model, volume) + model.variablePence * volume;
}

/** `pence / volume` pence as pounds to four places, halves away from zero (pence are never negative here). */
export function unitCostText(totalPence: bigint, volume: bigint): string | null {
  if (volume <= 0n) return null;
  // Ten-thousandths of a pound = hundredths of a penny.
  const hundredths = (totalPence * 200n + volume) / (volume * 2n);
  return `${hundredths / 10_000n}.${String(hundredths % 10_000n).padStart(4, '0')}`;
}

/**
 * Compares the unit costs of two (total, volume) pairs exactly: negative when the first is cheaper
 * per unit, 0 when equal, positive when dearer. Both volumes must be above 0.
 */
export function compareUnitCosts(
  a: { totalPence: bigint; volume: bigint },
  b: { totalPence: bigint; volume: bigint },
): number {
  if (a.volume <= 0n || b.volume <= 0n) throw new RangeError('unit costs need a volume above 0');
  const left = a.totalPence * b.volume;
  const right = b.totalPence * a.volume;
  return left < right ? -1 : left > right ? 1 : 0;
}

function lineCost(model: CostModel, volume: bigint): LineCost {
  const totalPence = totalCostAt(model, volume);
  return {
    volume,
    totalPence,
    steps: stepsReached(model, volume),
    unitCost: unitCostText(totalPence, volume),
  };
}

/** Shares `total` by volume; with no volume at all, nobody is charged (null). */
function shares<K extends string>(total: bigint, volumes: ReadonlyArray<Volume<K>>): Map<K, bigint> | null {
  if (volumes.every((entry) => entry.volume === 0n)) return null;
  return apportion(
    total,
    volumes.map((entry) => ({ key: entry.key, weight: entry.volume })),
  );
}

/**
 * Each existing partner's annual charge before and after the prospect joins, and the unit cost for
 * everyone. The cost at each total volume is shared among those with volume, by volume.
 */
export function whatIf<K extends string>(
  model: CostModel,
  existing: ReadonlyArray<Volume<K>>,
  prospect: Volume<K>,
): WhatIfResult<K> {
  const problems = costModelProblems(model);
  if (problems.length) throw new RangeError(problems.join('; '));
  const everyone = [...existing, prospect];
  if (everyone.some((entry) => entry.volume < 0n)) throw new RangeError('a volume must not be negative');
  if (new Set(everyone.map((entry) => entry.key)).size !== everyone.length)
    throw new RangeError('each organisation once, the prospect included');

  const volumeBefore = existing.reduce((sum, entry) => sum + entry.volume, 0n);
  const before = lineCost(model, volumeBefore);
  const after = lineCost(model, volumeBefore + prospect.volume);
  const sharesBefore = shares(before.totalPence, existing);
  const sharesAfter = shares(after.totalPence, everyone) ?? new Map<K, bigint>();
  const partners = existing.map((entry): PartnerCharge<K> => {
    const beforePence = sharesBefore?.get(entry.key) ?? null;
    const afterPence = sharesAfter.get(entry.key) ?? 0n;
    return {
      key: entry.key,
      volume: entry.volume,
      beforePence,
      afterPence,
      savingPence: beforePence === null ? null : beforePence - afterPence,
    };
  });
  return {
    before,
    after,
    partners,
    prospect: { ...prospect, chargePence: sharesAfter.get(prospect.key) ?? 0n },
    stepsCrossed: after.steps - before.steps,
  };
}
