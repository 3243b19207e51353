/**
 * Options appraisal after HM Treasury's Green Book: each option's costs and benefits, in real prices
 * of the base year, discounted at the Social Time Preference Rate, with optimism bias applied to
 * costs; net present social value (NPSV), benefit–cost ratio, payback and switching values.
 *
 * The arithmetic is exact: amounts are whole pence, rates and optimism bias are exact decimal
 * fractions, and every present value is one exact fraction over a common denominator, rounded to
 * the penny only when it is reported (halves away from zero). No binary floating point is involved.
 */
import { Decimal } from 'decimal.js';

export const COST_CATEGORIES = ['capital', 'operating', 'one_off'] as const;
export const BENEFIT_CATEGORIES = ['cashable', 'non_cashable'] as const;
export const OPTION_KINDS = ['business_as_usual', 'do_minimum', 'other'] as const;

export type CostCategory = (typeof COST_CATEGORIES)[number];
export type BenefitCategory = (typeof BENEFIT_CATEGORIES)[number];
export type OptionKind = (typeof OPTION_KINDS)[number];

/** A discount rate for years `from` to `to` inclusive (`to` null: every later year), as a decimal string. */
export interface RateBand {
  from: number;
  to: number | null;
  rate: string;
}

/** The Green Book's Social Time Preference Rate schedule (rates are data: they change). */
export const STPR_SCHEDULE: readonly RateBand[] = Object.freeze([
  { from: 1, to: 30, rate: '0.035' },
  { from: 31, to: 75, rate: '0.03' },
  { from: 76, to: 125, rate: '0.025' },
  { from: 126, to: 200, rate: '0.02' },
  { from: 201, to: 300, rate: '0.015' },
  { from: 301, to: null, rate: '0.01' },
]);

export interface CashFlow<C extends string> {
  category: C;
  /** 0 is the base year. */
  year: number;
  /** Pounds and pence, as a decimal string: "1200000.00". */
  amount: string;
}

export interface OptimismBias {
  /** The upper bound of the uplift, as a fraction (0.66 for 66%). */
  upper: number | string;
  /** How much of it is mitigated, from 0 to 1. */
  mitigation: number | string;
  reason?: string;
}

export interface AppraisalOption {
  code: string;
  name?: string;
  kind: OptionKind;
  preferred: boolean;
  costs: ReadonlyArray<CashFlow<CostCategory>>;
  benefits: ReadonlyArray<CashFlow<BenefitCategory>>;
  optimismBias?: Partial<Record<CostCategory, OptimismBias>>;
}

export interface AppraisalCase {
  title?: string;
  baseYear?: string;
  /** Years after the base year: cash flows fall in years 0 to horizonYears. */
  horizonYears: number;
  options: readonly AppraisalOption[];
  /** Defaults to the Green Book schedule. */
  discountRates?: readonly RateBand[];
}

export interface OptionResult {
  code: string;
  pvCosts: string;
  pvBenefits: string;
  npsv: string;
  npsvVsBau: string;
  /** Benefits ÷ costs to four decimal places; null when the costs are nothing. */
  bcr: string | null;
  /** The year from which the cumulative discounted net value stays at zero or above; null if it ends below. */
  paybackYear: number | null;
}

export interface SwitchingValue {
  category: CostCategory | BenefitCategory;
  /** The % change in this category of the preferred option that brings its NPSV to business as usual's; null when it has none. */
  percent: string | null;
}

export interface AppraisalResult {
  options: OptionResult[];
  preferred: string;
  switchingValues: SwitchingValue[];
  /** Each year's discount factor to 6 decimal places, for display. */
  discountFactors: string[];
}

/** Optimism bias fractions are exact to this many decimal places. */
const BIAS_SCALE = 6;
const BIAS_ONE = 10n ** BigInt(2 * BIAS_SCALE);

/**
 * "1200000.50" → 120000050n pence; undefined when it is not a non-negative amount with at most two
 * decimals and thirteen digits of pounds. Read digit by digit: at most 15 digits, so the whole
 * number of pence is exact in a double before it becomes a bigint.
 */
export function parseAmountPence(text: unknown): bigint | undefined {
  if (typeof text !== 'string') return undefined;
  const value = text.trim();
  let pounds = 0;
  let digits = 0;
  let i = 0;
  for (; i < value.length; i++) {
    const code = value.charCodeAt(i) - 48;
    if (code < 0 || code > 9) break;
    pounds = pounds * 10 + code;
    digits++;
  }
  if (digits === 0 || digits > 13) return undefined;
  let pence = 0;
  if (i < value.length) {
    if (value[i] !== '.' || value.length - i - 1 < 1 || value.length - i - 1 > 2) return undefined;
    for (let j = i + 1; j < value.length; j++) {
      const code = value.charCodeAt(j) - 48;
      if (code < 0 || code > 9) return undefined;
      pence = pence * 10 + code;
    }
    if (value.length - i - 1 === 1) pence *= 10;
  }
  return BigInt(pounds * 100 + pence);
}

/** A decimal fraction as numerator over 10^scale, exactly; undefined when it has more places. */
function scaled(value: number | string, scale: number): bigint | undefined {
  // A number's shortest decimal form is exact for what it holds, unless written with an exponent.
  let text = typeof value === 'number' ? String(value) : value.trim();
  if (typeof value === 'number' && /e/i.test(text)) text = new Decimal(value).toFixed();
  const parts = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!parts) return undefined;
  const fraction = (parts[2] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) return undefined;
  return BigInt(parts[1]! + fraction.padEnd(scale, '0'));
}

/** The rate of year t as numerator/denominator. */
function rateOf(schedule: readonly RateBand[], year: number): { num: bigint; den: bigint } {
  const band = schedule.find(
    (candidate) => year >= candidate.from && (candidate.to === null || year <= candidate.to),
  );
  if (!band) throw new RangeError(`no discount rate for year ${year}`);
  const places = band.rate.split('.')[1]?.length ?? 0;
  const den = 10n ** BigInt(places);
  return { num: BigInt(band.rate.replace('.', '')), den };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** `num / den` rounded to a whole number, halves away from zero. */
function roundDiv(num: bigint, den: bigint): bigint {
  const sign = num < 0n !== den < 0n ? -1n : 1n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  return ((n * 2n + d) / (d * 2n)) * sign;
}

function pounds(pence: bigint): string {
  const sign = pence < 0n ? '-' : '';
  const size = pence < 0n ? -pence : pence;
  return `${sign}${size / 100n}.${String(size % 100n).padStart(2, '0')}`;
}

/** A whole number of hundredths (or ten-thousandths) as a decimal string. */
function fixed(value: bigint, places: number): string {
  const sign = value < 0n ? '-' : '';
  const size = value < 0n ? -value : value;
  const unit = 10n ** BigInt(places);
  return `${sign}${size / unit}.${String(size % unit).padStart(places, '0')}`;
}

/**
 * Discount weights over one common denominator: factor(t) = weight[t] / denominator, where
 * factor(0) = 1 and factor(t) = factor(t−1) / (1 + rate(t)).
 */
interface DiscountWeights {
  readonly weights: readonly bigint[];
  readonly denominator: bigint;
}

function computeDiscountWeights(horizon: number, schedule: readonly RateBand[]): DiscountWeights {
  const onePlus: Array<{ num: bigint; den: bigint }> = [];
  for (let year = 1; year <= horizon; year++) {
    const { num, den } = rateOf(schedule, year);
    // In lowest terms (1.035 is 207/200): smaller weights, the same factors.
    const common = gcd(den + num, den);
    onePlus.push({ num: (den + num) / common, den: den / common });
  }
  // weight[t] = Π_{k≤t} den_k × Π_{k>t} (den_k + num_k); denominator = Π_k (den_k + num_k).
  const suffix: bigint[] = new Array<bigint>(horizon + 1).fill(1n);
  for (let t = horizon - 1; t >= 0; t--) suffix[t] = suffix[t + 1]! * onePlus[t]!.num;
  const weights: bigint[] = [];
  let prefix = 1n;
  for (let t = 0; t <= horizon; t++) {
    if (t > 0) prefix *= onePlus[t - 1]!.den;
    weights.push(prefix * suffix[t]!);
  }
  return { weights, denominator: suffix[0]! };
}

/** The weights of a schedule and horizon, worked out once: cases are appraised again and again. */
const weightsBySchedule = new WeakMap<readonly RateBand[], Map<number, DiscountWeights>>();

function discountWeights(horizon: number, schedule: readonly RateBand[]): DiscountWeights {
  let byHorizon = weightsBySchedule.get(schedule);
  if (!byHorizon) weightsBySchedule.set(schedule, (byHorizon = new Map<number, DiscountWeights>()));
  let found = byHorizon.get(horizon);
  if (!found) byHorizon.set(horizon, (found = computeDiscountWeights(horizon, schedule)));
  return found;
}

/** 1 + upper × (1 − mitigation), over BIAS_ONE. */
function biasMultiplier(bias: OptimismBias | undefined): bigint {
  if (!bias) return BIAS_ONE;
  const upper = scaled(bias.upper, BIAS_SCALE)!;
  const mitigation = scaled(bias.mitigation, BIAS_SCALE)!;
  const unit = 10n ** BigInt(BIAS_SCALE);
  return BIAS_ONE + upper * (unit - mitigation);
}

interface OptionTotals {
  costs: bigint;
  benefits: bigint;
  byCategory: Map<string, bigint>;
  /** Discounted net value of each year, over the common denominator. */
  netByYear: bigint[];
}

function totals(option: AppraisalOption, horizon: number, weights: readonly bigint[]): OptionTotals {
  // Pence are summed per category and year first (small numbers), then weighted once each.
  const grid = new Map<string, bigint[]>();
  const add = (category: string, year: number, pence: bigint) => {
    let years = grid.get(category);
    if (!years) grid.set(category, (years = new Array<bigint>(horizon + 1).fill(0n)));
    years[year]! += pence;
  };
  for (const flow of option.costs) add(flow.category, flow.year, parseAmountPence(flow.amount)!);
  for (const flow of option.benefits) add(flow.category, flow.year, parseAmountPence(flow.amount)!);

  const byCategory = new Map<string, bigint>();
  // Each year's net before discounting (small numbers), discounted once at the end.
  const net = new Array<bigint>(horizon + 1).fill(0n);
  let costs = 0n;
  let benefits = 0n;
  for (const [category, years] of grid) {
    const isCost = (COST_CATEGORIES as readonly string[]).includes(category);
    const multiplier = isCost ? biasMultiplier(option.optimismBias?.[category as CostCategory]) : BIAS_ONE;
    let sum = 0n;
    for (let year = 0; year <= horizon; year++) {
      const pence = years[year]!;
      if (pence === 0n) continue;
      const value = pence * multiplier;
      sum += value * weights[year]!;
      net[year]! += isCost ? -value : value;
    }
    byCategory.set(category, sum);
    if (isCost) costs += sum;
    else benefits += sum;
  }
  const netByYear = net.map((value, year) => (value === 0n ? 0n : value * weights[year]!));
  return { costs, benefits, byCategory, netByYear };
}

function paybackYear(netByYear: bigint[]): number | null {
  let cumulative = 0n;
  let lastNegative = -1;
  netByYear.forEach((net, year) => {
    cumulative += net;
    if (cumulative < 0n) lastNegative = year;
  });
  if (cumulative < 0n) return null;
  return lastNegative + 1;
}

/** Appraises a case that `validateCase` has accepted. */
export function appraise(input: AppraisalCase): AppraisalResult {
  const horizon = input.horizonYears;
  const { weights, denominator } = discountWeights(horizon, input.discountRates ?? STPR_SCHEDULE);
  const scale = denominator * BIAS_ONE;
  const all = input.options.map((option) => ({ option, totals: totals(option, horizon, weights) }));
  const bau = all.find((entry) => entry.option.kind === 'business_as_usual')!;
  const bauNpsv = bau.totals.benefits - bau.totals.costs;
  const options = all.map(({ option, totals: t }): OptionResult => {
    const npsv = t.benefits - t.costs;
    return {
      code: option.code,
      pvCosts: pounds(roundDiv(t.costs, scale)),
      pvBenefits: pounds(roundDiv(t.benefits, scale)),
      npsv: pounds(roundDiv(npsv, scale)),
      npsvVsBau: pounds(roundDiv(npsv - bauNpsv, scale)),
      bcr: t.costs === 0n ? null : fixed(roundDiv(t.benefits * 10_000n, t.costs), 4),
      paybackYear: paybackYear(t.netByYear),
    };
  });
  const preferred = all.find((entry) => entry.option.preferred)!;
  const advantage = preferred.totals.benefits - preferred.totals.costs - bauNpsv;
  const switchingValues: SwitchingValue[] = [...COST_CATEGORIES, ...BENEFIT_CATEGORIES].map((category) => {
    const value = preferred.totals.byCategory.get(category) ?? 0n;
    if (value === 0n) return { category, percent: null };
    // Costs: rising by x% of their present value costs the whole advantage; benefits: falling.
    const sign = (COST_CATEGORIES as readonly string[]).includes(category) ? 1n : -1n;
    return { category, percent: fixed(roundDiv(sign * advantage * 10_000n, value), 2) };
  });
  const discountFactors = weights.map((weight) => fixed(roundDiv(weight * 1_000_000n, denominator), 6));
  return { options, preferred: preferred.option.code, switchingValues, discountFactors };
}

/** Problems with a case, by the path of the field (`options.1.costs.0.year`), in the order found. */
export function validateCase(input: AppraisalCase): Record<string, string> {
  const errors: Record<string, string> = {};
  const add = (path: string, message: string) => {
    errors[path] ??= message;
  };
  if (!Number.isInteger(input.horizonYears) || input.horizonYears < 1 || input.horizonYears > 100)
    add('horizonYears', 'Enter a horizon of 1 to 100 years');
  const horizon = input.horizonYears;
  const options = input.options;
  const count = (kind: OptionKind) => options.filter((option) => option.kind === kind).length;
  if (count('business_as_usual') !== 1)
    add('options', 'The shortlist needs exactly one business-as-usual option');
  else if (count('do_minimum') < 1) add('options', 'The shortlist needs a do-minimum option');
  else if (count('other') < 1)
    add('options', 'The shortlist needs at least one option other than business as usual and do minimum');
  else if (options.filter((option) => option.preferred).length !== 1)
    add('options', 'Mark exactly one option as preferred');
  const codes = new Set<string>();
  options.forEach((option, index) => {
    const at = `options.${index}`;
    if (codes.has(option.code)) add(`${at}.code`, `Option code ${option.code} is used twice`);
    codes.add(option.code);
    const flows = [
      ...option.costs.map((flow, i) => ({ flow, path: `${at}.costs.${i}` })),
      ...option.benefits.map((flow, i) => ({ flow, path: `${at}.benefits.${i}` })),
    ];
    for (const { flow, path } of flows) {
      if (!Number.isInteger(flow.year) || flow.year < 0 || (Number.isInteger(horizon) && flow.year > horizon))
        add(`${path}.year`, `Enter a year from 0 to ${horizon}`);
      if (parseAmountPence(flow.amount) === undefined)
        add(`${path}.amount`, 'Enter an amount of zero or more in pounds and pence, such as 1200000.00');
    }
    for (const [category, bias] of Object.entries(option.optimismBias ?? {})) {
      const path = `${at}.optimismBias.${category}`;
      if (!(COST_CATEGORIES as readonly string[]).includes(category))
        add(path, 'Optimism bias applies to capital, operating or one-off costs');
      if (!bias) continue;
      const upper = scaled(bias.upper, BIAS_SCALE);
      const mitigation = scaled(bias.mitigation, BIAS_SCALE);
      if (upper === undefined || upper > 10n * 10n ** BigInt(BIAS_SCALE))
        add(`${path}.upper`, 'Enter an upper bound from 0 to 10 (1000%), with at most 6 decimal places');
      if (mitigation === undefined || mitigation > 10n ** BigInt(BIAS_SCALE))
        add(`${path}.mitigation`, 'Enter a mitigation from 0 to 1, with at most 6 decimal places');
    }
  });
  return errors;
}
