import { describe, expect, it } from 'vitest';
import '../planning.messages.js';
import { caseBody, readCase } from './appraisal.input.js';
import { sampleCase, sampleWith } from '../planning.test-helpers.js';
import { STPR_SCHEDULE } from '../../../kernel/appraisal.js';

const errorsOf = (body: unknown) => {
  const read = readCase(body);
  if (!read.errors) throw new Error('expected problems');
  return read.errors;
};

describe('readCase', () => {
  it('reads a sound case, with the Green Book’s rates and empty sections by default', () => {
    const read = readCase(sampleCase());
    expect(read.errors).toBeUndefined();
    expect(read.value).toMatchObject({
      title: 'Shared HR and payroll',
      baseYear: '2026-27',
      horizonYears: 3,
      discountRates: STPR_SCHEDULE,
      sections: { strategic: '', economic: '', commercial: '', financial: '', management: '' },
      plannedSavings: [],
    });
    expect(read.value!.options.map((o) => o.code)).toEqual(['BAU', 'MIN', 'SHARE']);
  });

  it('reads back what caseBody writes', () => {
    const first = readCase(
      sampleCase({
        sections: { strategic: 'Why share.\r\n\r\nAnd how.' },
        plannedSavings: [{ organisation: 'wdc', serviceLine: 'hr', year: '2027-28', amount: '1500.5' }],
      }),
    ).value!;
    expect(first.sections.strategic).toBe('Why share.\n\nAnd how.');
    expect(first.plannedSavings).toEqual([
      { organisation: 'WDC', serviceLine: 'HR', year: '2027-28', amountPence: 150050n },
    ]);
    expect(readCase(caseBody(first)).value).toEqual(first);
  });

  it('names a shortlist without business as usual', () => {
    const body = sampleWith((b) => {
      b.options[0]!.kind = 'other';
    });
    expect(errorsOf(body)).toEqual({ options: 'The shortlist needs exactly one business-as-usual option' });
  });

  it('names each cash flow outside the horizon, each negative or malformed amount, in words', () => {
    const body = sampleWith((b) => {
      b.options[0]!.costs[1]!.year = 5;
      b.options[2]!.costs[0]!.amount = '-400000.00';
      b.options[2]!.costs[1]!.amount = '900,000';
      (b.options[2]!.benefits[0] as { amount: unknown }).amount = 310500;
      (b.options[1]!.costs[0] as { year: unknown }).year = 'soon';
    });
    expect(errorsOf(body)).toEqual({
      'options.0.costs.1.year':
        'Year 5 operating cost for option BAU must be in a whole year from 0 (the base year) to 3, the end of the horizon',
      'options.1.costs.0.year':
        'Capital cost number 1 for option MIN must be in a whole year from 0 (the base year) to 3, the end of the horizon',
      'options.2.costs.0.amount':
        'Year 0 one-off cost for option SHARE must not be negative: enter an amount of zero or more in pounds and pence',
      'options.2.costs.1.amount':
        'Year 1 operating cost for option SHARE must be an amount in pounds and pence, such as 1200000.00',
      'options.2.benefits.0.amount':
        'Year 1 cashable benefit for option SHARE must be written as text in pounds and pence, such as "1200000.00"',
    });
  });

  it('names optimism bias out of range', () => {
    const body = sampleWith((b) => {
      b.options[2]!.optimismBias = { one_off: { upper: 0.5, mitigation: 1.5, reason: '' } };
      (b.options[1] as Record<string, unknown>).optimismBias = { capital: { upper: -0.2, mitigation: 0 } };
    });
    expect(errorsOf(body)).toEqual({
      'options.1.optimismBias.capital.upper':
        'The optimism bias upper bound for the capital cost of option MIN must be a number from 0 to 10 (1,000%), such as 0.66',
      'options.2.optimismBias.one_off.mitigation':
        'The mitigation of optimism bias for the one-off cost of option SHARE must be a number from 0 to 1, such as 0.5',
    });
  });

  it('names fields it does not know, wrong kinds and codes, and a body that is not a case', () => {
    expect(errorsOf([])).toEqual({ body: 'Send a business case as a JSON object' });
    const body = sampleWith((b) => {
      (b as Record<string, unknown>).colour = 'red';
      b.options[1]!.kind = 'maybe';
      b.options[1]!.code = 'has space';
      (b.options[0]!.costs[0] as Record<string, unknown>).note = 'x';
    });
    expect(errorsOf(body)).toEqual({
      colour: 'is not a known field',
      'options.0.costs.0.note': 'is not a known field',
      'options.1.code':
        'The code of option has space must be 1 to 16 letters, digits, hyphens or underscores, such as BAU',
      'options.1.kind': 'The kind of option has space must be business as usual, do minimum or other',
    });
  });

  it('names planned savings outside the case’s years and repeated ones', () => {
    const body = sampleCase({
      plannedSavings: [
        { organisation: 'WDC', serviceLine: 'HR', year: '2030-31', amount: '10.00' },
        { organisation: 'WDC', serviceLine: 'HR', year: '2027-28', amount: '10.00' },
        { organisation: 'WDC', serviceLine: 'HR', year: '2027-28', amount: '-1' },
      ],
    });
    expect(errorsOf(body)).toEqual({
      'plannedSavings.0.year':
        'Planned saving 1 must be in a financial year from 2026-27 to 2029-30, such as 2026-27',
      'plannedSavings.2.amount': 'Planned saving 3 must not be negative: enter an amount of zero or more',
      'plannedSavings.2': 'Planned saving 3 repeats WDC, HR, 2027-28: give each once',
    });
  });

  it('takes a discount schedule of its own only when it covers every year', () => {
    const own = [
      { from: 1, to: 2, rate: '0.05' },
      { from: 3, to: null, rate: '0.04' },
    ];
    expect(readCase(sampleCase({ discountRates: own })).value!.discountRates).toEqual(own);
    for (const bad of [
      [{ from: 2, to: null, rate: '0.05' }],
      [{ from: 1, to: 2, rate: '0.05' }],
      [{ from: 1, to: null, rate: '5%' }],
      [],
    ])
      expect(errorsOf(sampleCase({ discountRates: bad }))).toHaveProperty('discountRates');
  });
});
