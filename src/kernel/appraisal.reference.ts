/**
 * The appraisal done the obvious way for tests: year by year in 80-digit decimals, each factor the
 * previous one divided by (1 + that year's rate), rounded to the penny at the end.
 */
import { Decimal } from 'decimal.js';
import { STPR_SCHEDULE, type AppraisalCase } from './appraisal.js';

const D = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_UP });

export function referenceAppraise(input: AppraisalCase) {
  const schedule = input.discountRates ?? STPR_SCHEDULE;
  const factors: Decimal[] = [new D(1)];
  for (let year = 1; year <= input.horizonYears; year++) {
    const band = schedule.find((b) => year >= b.from && (b.to === null || year <= b.to))!;
    factors.push(factors[year - 1]!.div(new D(1).plus(band.rate)));
  }
  const raw = input.options.map((option) => {
    let costs = new D(0);
    let benefits = new D(0);
    const net = factors.map(() => new D(0));
    for (const flow of option.costs) {
      const bias = option.optimismBias?.[flow.category];
      const uplift = bias
        ? new D(String(bias.upper)).times(new D(1).minus(String(bias.mitigation)))
        : new D(0);
      const pv = new D(flow.amount).times(new D(1).plus(uplift)).times(factors[flow.year]!);
      costs = costs.plus(pv);
      net[flow.year] = net[flow.year]!.minus(pv);
    }
    for (const flow of option.benefits) {
      const pv = new D(flow.amount).times(factors[flow.year]!);
      benefits = benefits.plus(pv);
      net[flow.year] = net[flow.year]!.plus(pv);
    }
    let cumulative = new D(0);
    let payback: number | null = 0;
    net.forEach((value, year) => {
      cumulative = cumulative.plus(value);
      if (cumulative.isNegative() && !cumulative.isZero()) payback = year + 1;
    });
    if (cumulative.isNegative() && !cumulative.isZero()) payback = null;
    return { option, costs, benefits, payback };
  });
  const bau = raw.find((entry) => entry.option.kind === 'business_as_usual')!;
  const money = (value: Decimal) => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
  return raw.map(({ option, costs, benefits, payback }) => ({
    code: option.code,
    pvCosts: money(costs),
    pvBenefits: money(benefits),
    npsv: money(benefits.minus(costs)),
    npsvVsBau: money(benefits.minus(costs).minus(bau.benefits.minus(bau.costs))),
    bcr: costs.isZero() ? null : benefits.div(costs).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4),
    paybackYear: payback,
  }));
}
