import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { apportion, monthlyParts } from './apportion.js';
import { divideRoundingHalfAway, formatQuantity, lineAmount, parseQuantity } from './quantity.js';
import { financialYearOf, longDate, monthName, parsePeriod, periodContains } from './periods.js';
import { trueUp } from './true-up.js';

describe('apportion', () => {
  it('shares a fixed ratio of 24/56/20 exactly', () => {
    const shares = apportion(100_001n, [
      { key: 'A', weight: 24n },
      { key: 'B', weight: 56n },
      { key: 'C', weight: 20n },
    ]);
    // Exact: 24000.24, 56000.56, 20000.2 → floors 24000, 56000, 20000; one penny left → B (.56).
    expect([...shares]).toEqual([
      ['A', 24000n],
      ['B', 56001n],
      ['C', 20000n],
    ]);
  });

  it('gives tied remainders to the lower key', () => {
    const shares = apportion(100n, [
      { key: 'WDC', weight: 1n },
      { key: 'MFRS', weight: 1n },
      { key: 'SVCT', weight: 1n },
    ]);
    expect(shares.get('MFRS')).toBe(34n);
    expect(shares.get('SVCT')).toBe(33n);
    expect(shares.get('WDC')).toBe(33n);
  });

  it('shares a credit as its size, negated', () => {
    const shares = apportion(-100n, [
      { key: 'A', weight: 1n },
      { key: 'B', weight: 2n },
    ]);
    expect([...shares.values()]).toEqual([-33n, -67n]);
  });

  it('refuses what cannot be shared', () => {
    expect(() => apportion(100n, [])).toThrow(RangeError);
    expect(() => apportion(100n, [{ key: 'A', weight: 0n }])).toThrow(RangeError);
    expect(() =>
      apportion(100n, [
        { key: 'A', weight: -1n },
        { key: 'B', weight: 2n },
      ]),
    ).toThrow(RangeError);
  });

  const claims = fc
    .uniqueArray(fc.tuple(fc.stringMatching(/^[A-Z]{2,5}$/), fc.bigInt({ min: 0n, max: 10n ** 12n })), {
      minLength: 1,
      maxLength: 30,
      selector: ([key]) => key,
    })
    .filter((list) => list.some(([, weight]) => weight > 0n))
    .map((list) => list.map(([key, weight]) => ({ key, weight })));

  it('always adds up exactly to the amount, each share within a penny of its exact proportion', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }), claims, (amount, list) => {
        const shares = apportion(amount, list);
        expect([...shares.values()].reduce((a, b) => a + b, 0n)).toBe(amount);
        const total = list.reduce((sum, claim) => sum + claim.weight, 0n);
        for (const claim of list) {
          // |share × total − amount × weight| < total: within one penny of the exact share.
          const gap = shares.get(claim.key)! * total - amount * claim.weight;
          expect(gap < 0n ? -gap : gap).toBeLessThan(total);
        }
      }),
    );
  });

  it('does not depend on the order the claims are given in', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 9n }), claims, (amount, list) => {
        const forwards = apportion(amount, list);
        const backwards = apportion(amount, [...list].reverse());
        for (const claim of list) expect(backwards.get(claim.key)).toBe(forwards.get(claim.key));
      }),
    );
  });
});

describe('monthlyParts', () => {
  it('bills equal parts and puts the leftover pennies in the last month', () => {
    expect(monthlyParts(1_000_000n)).toEqual([...Array(11).fill(83_333n), 83_337n]);
    expect(monthlyParts(1_200n)).toEqual(Array(12).fill(100n));
  });
  it('always adds up to the year', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), (annual) => {
        expect(monthlyParts(annual).reduce((a, b) => a + b, 0n)).toBe(annual);
      }),
    );
  });
});

describe('quantities and line amounts', () => {
  it.each([
    ['12', 12000n],
    ['0.5', 500n],
    ['1.250', 1250n],
    [' 3 ', 3000n],
  ])('reads %j', (text, thousandths) => {
    expect(parseQuantity(text)).toEqual({ thousandths });
  });
  it.each([
    ['1.2345', 'precision'],
    ['-1', 'negative'],
    ['abc', 'format'],
    ['', 'missing'],
    ['0', 'zero'],
    ['99999999999999', 'tooLarge'],
  ])('refuses %j as %s', (text, problem) => {
    expect(parseQuantity(text)).toEqual({ problem });
  });
  it('reads a reversal when allowed, and writes quantities back exactly', () => {
    expect(parseQuantity('-2.5', { allowNegative: true })).toEqual({ thousandths: -2500n });
    expect(formatQuantity(-2500n)).toBe('-2.5');
    expect(formatQuantity(12000n)).toBe('12');
    expect(formatQuantity(1005n)).toBe('1.005');
  });
  it('rounds a line once, halves away from zero', () => {
    // 1.5 × £0.01 = 1.5p → 2p; −1.5p → −2p; 2.5 × 1p → 3p.
    expect(lineAmount(1500n, 1n)).toBe(2n);
    expect(lineAmount(-1500n, 1n)).toBe(-2n);
    expect(lineAmount(2500n, 1n)).toBe(3n);
    expect(lineAmount(1499n, 1n)).toBe(1n);
    // 3 payslips at £4.42 = £13.26.
    expect(lineAmount(3000n, 442n)).toBe(1326n);
    expect(divideRoundingHalfAway(-5n, 2n)).toBe(-3n);
  });
});

describe('periods', () => {
  it('reads months, calendar quarters and financial years', () => {
    expect(parsePeriod('2026-10')).toMatchObject({ kind: 'month', from: '2026-10-01', until: '2026-11-01' });
    expect(parsePeriod('2026-q3')).toMatchObject({
      kind: 'quarter',
      from: '2026-07-01',
      until: '2026-10-01',
      months: ['2026-07', '2026-08', '2026-09'],
    });
    expect(parsePeriod('2026-Q4')?.until).toBe('2027-01-01');
    const year = parsePeriod('2026-27')!;
    expect(year).toMatchObject({ kind: 'financial_year', from: '2026-04-01', until: '2027-04-01' });
    expect(year.months).toHaveLength(12);
    expect(parsePeriod('1999-00')?.until).toBe('2000-04-01');
  });
  it.each(['2026-13', '2026-Q5', '2026-28', '26-27', '2026', '0000-01', ''])('refuses %j', (text) => {
    expect(parsePeriod(text)).toBeUndefined();
  });
  it('knows the financial year of a date and whether a period holds it', () => {
    expect(financialYearOf('2026-03-31')).toBe('2025-26');
    expect(financialYearOf('2026-04-01')).toBe('2026-27');
    expect(periodContains(parsePeriod('2026-27')!, '2027-03-31')).toBe(true);
    expect(periodContains(parsePeriod('2026-27')!, '2027-04-01')).toBe(false);
  });
  it('names months and days as people read them', () => {
    expect(monthName('2026-10')).toBe('October 2026');
    expect(monthName('2027-01')).toBe('January 2027');
    expect(longDate('2026-10-31')).toBe('31 October 2026');
    expect(longDate('2026-12-01')).toBe('1 December 2026');
  });
});

describe('trueUp', () => {
  const estimated = [
    { key: 'A', weight: 24n },
    { key: 'B', weight: 56n },
    { key: 'C', weight: 20n },
  ];
  const billed = new Map([
    ['A', 24_000n],
    ['B', 56_000n],
    ['C', 20_000n],
  ]);

  it('raises nothing within tolerance', () => {
    const lines = trueUp({
      pool: 100_000n,
      estimated,
      actual: [
        { key: 'A', weight: 26n },
        { key: 'B', weight: 55n },
        { key: 'C', weight: 19n },
      ],
      billed,
      toleranceBasisPoints: 300,
      reviewPercent: 10,
    });
    expect(lines.map((line) => line.trueUp)).toEqual([0n, 0n, 0n]);
    expect(lines.find((line) => line.key === 'A')?.review).toBe(false);
  });

  it('raises the difference outside tolerance, and flags large changes for review', () => {
    const lines = trueUp({
      pool: 100_000n,
      estimated,
      actual: [
        { key: 'A', weight: 30n },
        { key: 'B', weight: 50n },
        { key: 'C', weight: 20n },
      ],
      billed,
      toleranceBasisPoints: 300,
      reviewPercent: 10,
    });
    const byKey = Object.fromEntries(lines.map((line) => [line.key, line]));
    expect(byKey.A).toMatchObject({
      actualCharge: 30_000n,
      trueUp: 6_000n,
      outsideTolerance: true,
      review: true,
    });
    expect(byKey.B).toMatchObject({
      actualCharge: 50_000n,
      trueUp: -6_000n,
      outsideTolerance: true,
      review: true,
    });
    expect(byKey.C).toMatchObject({ trueUp: 0n, outsideTolerance: false, review: false });
  });

  it('treats exactly the tolerance as within it', () => {
    const lines = trueUp({
      pool: 100n,
      estimated: [
        { key: 'A', weight: 50n },
        { key: 'B', weight: 50n },
      ],
      actual: [
        { key: 'A', weight: 53n },
        { key: 'B', weight: 47n },
      ],
      billed: new Map([
        ['A', 50n],
        ['B', 50n],
      ]),
      toleranceBasisPoints: 300,
      reviewPercent: 10,
    });
    expect(lines.every((line) => !line.outsideTolerance)).toBe(true);
  });
});
