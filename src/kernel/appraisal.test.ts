import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  appraise,
  parseAmountPence,
  validateCase,
  type AppraisalCase,
  type AppraisalOption,
} from './appraisal.js';
import { referenceAppraise } from './appraisal.reference.js';

function option(
  code: string,
  kind: AppraisalOption['kind'],
  extra: Partial<AppraisalOption> = {},
): AppraisalOption {
  return { code, kind, preferred: false, costs: [], benefits: [], ...extra };
}

function shortlist(preferred: Partial<AppraisalOption>, horizonYears = 10): AppraisalCase {
  return {
    horizonYears,
    options: [
      option('BAU', 'business_as_usual', { costs: [{ category: 'operating', year: 0, amount: '1000.00' }] }),
      option('MIN', 'do_minimum'),
      option('SHARE', 'other', { preferred: true, ...preferred }),
    ],
  };
}

const resultOf = (input: AppraisalCase, code = 'SHARE') =>
  appraise(input).options.find((o) => o.code === code)!;

describe('appraise, worked by hand', () => {
  it('discounts year 1 at 3.5%: £1,000 is worth £966.18 today', () => {
    // 1000 / 1.035 = 966.1835748…
    const r = resultOf(shortlist({ costs: [{ category: 'operating', year: 1, amount: '1000.00' }] }));
    expect(r).toMatchObject({
      pvCosts: '966.18',
      pvBenefits: '0.00',
      npsv: '-966.18',
      bcr: '0.0000',
      paybackYear: null,
    });
  });

  it('crosses the 30-year change of rate on a 40-year horizon', () => {
    // factor(30) = 1.035^-30 = 0.3562784…; factor(31) = factor(30) / 1.03 = 0.3459013…; factor(40) = factor(30) / 1.03^10 = 0.2651045….
    const r = resultOf(
      shortlist(
        {
          benefits: [
            { category: 'cashable', year: 30, amount: '1000000.00' },
            { category: 'cashable', year: 31, amount: '1000000.00' },
            { category: 'cashable', year: 40, amount: '1000000.00' },
          ],
        },
        40,
      ),
    );
    // 356278.41… + 345901.36… + 265104.59… = 967284.377…
    expect(r.pvBenefits).toBe('967284.38');
    const factors = appraise(shortlist({}, 40)).discountFactors;
    expect(factors[30]).toBe('0.356278');
    expect(factors[31]).toBe('0.345901');
  });

  it('applies optimism bias with its mitigation to that category only', () => {
    // Capital £1,000,000 in year 0, upper 66% mitigated by half: × 1.33. Operating unaffected.
    const r = resultOf(
      shortlist({
        costs: [
          { category: 'capital', year: 0, amount: '1000000.00' },
          { category: 'operating', year: 0, amount: '500.00' },
        ],
        optimismBias: { capital: { upper: 0.66, mitigation: 0.5, reason: 'Design stage' } },
      }),
    );
    expect(r.pvCosts).toBe('1330500.00');
  });

  it('has no benefit–cost ratio when there are no costs', () => {
    const r = resultOf(shortlist({ benefits: [{ category: 'non_cashable', year: 0, amount: '10.00' }] }));
    expect(r).toMatchObject({ pvCosts: '0.00', pvBenefits: '10.00', bcr: null, paybackYear: 0 });
  });

  it('compares with business as usual, finds the payback year and the switching values', () => {
    const input = shortlist({
      costs: [
        { category: 'one_off', year: 0, amount: '300.00' },
        { category: 'operating', year: 0, amount: '100.00' },
      ],
      benefits: [
        { category: 'cashable', year: 1, amount: '207.00' },
        { category: 'cashable', year: 2, amount: '214.25' },
      ],
    });
    const result = appraise(input);
    const share = result.options.find((o) => o.code === 'SHARE')!;
    // 207/1.035 = 200; 214.25/1.035² = 200.0046…; costs 400: npsv 0.0046… → 0.00 after rounding.
    expect(share).toMatchObject({ pvCosts: '400.00', pvBenefits: '400.00', npsv: '0.00', paybackYear: 2 });
    // Business as usual costs £1,000 now: the preferred option is £1,000.00 better.
    expect(share.npsvVsBau).toBe('1000.00');
    const oneOff = result.switchingValues.find((v) => v.category === 'one_off')!;
    // One-off costs (300) would have to rise by 1000.0046…/300 = 333.3348…%.
    expect(oneOff.percent).toBe('333.33');
    expect(result.switchingValues.find((v) => v.category === 'capital')!.percent).toBeNull();
    expect(result.switchingValues.find((v) => v.category === 'cashable')!.percent).toBe('-250.00');
  });
});

describe('validateCase', () => {
  it('names every field that is wrong', () => {
    const errors = validateCase({
      horizonYears: 5,
      options: [
        option('BAU', 'business_as_usual', {
          costs: [
            { category: 'operating', year: 6, amount: '1.00' },
            { category: 'operating', year: 1, amount: '-1.00' },
          ],
          optimismBias: { capital: { upper: 0.5, mitigation: 1.5 } },
        }),
        option('MIN', 'do_minimum'),
        option('A', 'other', {
          preferred: true,
          benefits: [{ category: 'cashable', year: 1, amount: '1.234' }],
        }),
      ],
    });
    expect(errors).toEqual({
      'options.0.costs.0.year': 'Enter a year from 0 to 5',
      'options.0.costs.1.amount': 'Enter an amount of zero or more in pounds and pence, such as 1200000.00',
      'options.0.optimismBias.capital.mitigation':
        'Enter a mitigation from 0 to 1, with at most 6 decimal places',
      'options.2.benefits.0.amount':
        'Enter an amount of zero or more in pounds and pence, such as 1200000.00',
    });
  });

  it('reads optimism bias as exact decimals: six places at most, as text or as a number', () => {
    const biased = (upper: number | string, mitigation: number | string) =>
      validateCase({
        horizonYears: 5,
        options: [
          option('BAU', 'business_as_usual', { optimismBias: { capital: { upper, mitigation } } }),
          option('MIN', 'do_minimum'),
          option('A', 'other', { preferred: true }),
        ],
      });
    expect(biased(0.66, 0.5)).toEqual({});
    expect(biased('0.660000', '0.1000000')).toEqual({});
    expect(biased(10, 1)).toEqual({});
    expect(Object.keys(biased(0.6666667, 0.5))).toEqual(['options.0.optimismBias.capital.upper']);
    expect(Object.keys(biased(0.66, 1e-7))).toEqual(['options.0.optimismBias.capital.mitigation']);
    expect(Object.keys(biased(1e21, '0.5'))).toEqual(['options.0.optimismBias.capital.upper']);
    expect(Object.keys(biased('-0.1', Number.NaN))).toEqual([
      'options.0.optimismBias.capital.upper',
      'options.0.optimismBias.capital.mitigation',
    ]);
  });

  it('requires the shortlist the Green Book asks for', () => {
    expect(
      validateCase({ horizonYears: 5, options: [option('A', 'other', { preferred: true })] }).options,
    ).toMatch(/business-as-usual/);
    expect(
      validateCase({
        horizonYears: 5,
        options: [option('B', 'business_as_usual'), option('A', 'other', { preferred: true })],
      }).options,
    ).toMatch(/do-minimum/);
    expect(validateCase(shortlist({ preferred: false })).options).toMatch(/preferred/);
    expect(validateCase(shortlist({}))).toEqual({});
  });
});

describe('appraise, properties', () => {
  const amount = fc
    .bigInt({ min: 0n, max: 10n ** 11n })
    .map((p) => `${p / 100n}.${String(p % 100n).padStart(2, '0')}`);
  const caseArb = fc.integer({ min: 1, max: 60 }).chain((horizon) => {
    const flows = <C extends string>(categories: readonly C[]) =>
      fc.array(
        fc.record({
          category: fc.constantFrom(...categories),
          year: fc.integer({ min: 0, max: horizon }),
          amount,
        }),
        { maxLength: 12 },
      );
    const bias = fc.record({
      upper: fc.integer({ min: 0, max: 2000 }).map((n) => n / 1000),
      mitigation: fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
    });
    const opt = (code: string, kind: AppraisalOption['kind'], preferred: boolean) =>
      fc.record({
        code: fc.constant(code),
        kind: fc.constant(kind),
        preferred: fc.constant(preferred),
        costs: flows(['capital', 'operating', 'one_off'] as const),
        benefits: flows(['cashable', 'non_cashable'] as const),
        optimismBias: fc.record({ capital: bias, operating: bias, one_off: bias }, { requiredKeys: [] }),
      });
    return fc.record({
      horizonYears: fc.constant(horizon),
      options: fc.tuple(
        opt('BAU', 'business_as_usual', false),
        opt('MIN', 'do_minimum', false),
        opt('X', 'other', true),
      ),
    });
  });

  it('agrees with the year-by-year decimal reference to the penny', () => {
    fc.assert(
      fc.property(caseArb, (input) => {
        expect(validateCase(input)).toEqual({});
        expect(appraise(input).options).toEqual(referenceAppraise(input));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('never discounts a later year less than an earlier one', () => {
    const factors = appraise(shortlist({}, 100)).discountFactors.map(Number);
    for (let year = 1; year < factors.length; year++) expect(factors[year]!).toBeLessThan(factors[year - 1]!);
  });

  it('is linear in the cash flows: doubling every amount doubles the NPSV, to the penny', () => {
    fc.assert(
      fc.property(caseArb, (input) => {
        const doubled = {
          ...input,
          options: input.options.map((o) => ({
            ...o,
            costs: o.costs.map((f) => ({ ...f, amount: (Number(f.amount) * 2).toFixed(2) })),
            benefits: o.benefits.map((f) => ({ ...f, amount: (Number(f.amount) * 2).toFixed(2) })),
          })),
        };
        const once = appraise(input).options.map((o) => Math.round(Number(o.npsv) * 100));
        const twice = appraise(doubled).options.map((o) => Math.round(Number(o.npsv) * 100));
        once.forEach((value, i) => expect(Math.abs(twice[i]! - 2 * value)).toBeLessThanOrEqual(1));
      }),
      { numRuns: 50, seed: 11 },
    );
  });
});

describe('parseAmountPence', () => {
  it.each([
    ['0', 0n],
    ['1200000.00', 120000000n],
    ['7.5', 750n],
    [' 12.34 ', 1234n],
    ['9999999999999.99', 999999999999999n],
  ])('reads %j', (text, pence) => {
    expect(parseAmountPence(text)).toBe(pence);
  });
  it.each(['', '-1', '1.234', '1.', '.5', '1,000', '10000000000000', '£5', '1e3', '1.2x'])(
    'refuses %j',
    (text) => {
      expect(parseAmountPence(text)).toBeUndefined();
    },
  );
});
