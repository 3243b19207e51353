import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildLedger, monthsCharged, ragOf, type LedgerEntry } from './savings.ledger.js';
import type { ChargedRow } from './savings.charges.js';

const entry = (
  orgId: string,
  serviceLineId: string,
  year: string,
  baseline: bigint | null,
  planned: bigint,
): LedgerEntry => ({
  orgId,
  serviceLineId,
  year,
  baselinePence: baseline,
  plannedPence: planned,
});

const charge = (
  orgId: string,
  serviceLineId: string,
  year: string,
  pence: bigint,
  until: string,
): ChargedRow => ({
  orgId,
  serviceLineId,
  year,
  chargedPence: pence,
  chargedUntil: until,
});

describe('RAG', () => {
  it.each([
    // planned, achieved, tolerance (basis points), status
    [100_000n, 100_000n, 1000, 'green'],
    [100_000n, 150_000n, 1000, 'green'],
    [100_000n, 90_000n, 1000, 'amber'], // exactly 10% short: within
    [100_000n, 89_999n, 1000, 'red'],
    [100_000n, 99_999n, 0, 'red'], // no tolerance: any shortfall is red
    [0n, 0n, 1000, 'green'],
    [0n, -1n, 1000, 'red'],
    [100_000n, -5n, 10_000, 'red'], // a 100% tolerance still needs something achieved
    [100_000n, 0n, 10_000, 'amber'],
  ] as const)('planned %s, achieved %s, tolerance %s bp: %s', (planned, achieved, tolerance, rag) => {
    expect(ragOf(planned, achieved, tolerance)).toBe(rag);
  });
});

describe('months charged', () => {
  it.each([
    ['2026-27', undefined, 0],
    ['2026-27', '2026-04-01', 0],
    ['2026-27', '2026-05-01', 1],
    ['2026-27', '2026-10-01', 6],
    ['2026-27', '2027-04-01', 12],
    ['2026-27', '2027-07-01', 12],
    ['2026-27', '2025-10-01', 0],
  ])('%s charged until %s: %s months', (year, until, months) => {
    expect(monthsCharged(year, until)).toBe(months);
  });
});

describe('the ledger, worked by hand', () => {
  it('measures a whole year: achieved = baseline − charged, gap = planned − achieved', () => {
    // WDC HR: alone £500,000; charged £420,000 → achieved £80,000 against £100,000 planned: 20% short, red.
    // WDC IT: alone £300,000; charged £205,000 → achieved £95,000 against £100,000: 5% short, amber.
    // MFRS HR: alone £200,000; charged £150,000 → achieved £50,000 against £40,000: green.
    const ledger = buildLedger({
      toleranceBasisPoints: 1000,
      entries: [
        entry('WDC', 'HR', '2025-26', 50_000_000n, 10_000_000n),
        entry('WDC', 'IT', '2025-26', 30_000_000n, 10_000_000n),
        entry('MFRS', 'HR', '2025-26', 20_000_000n, 4_000_000n),
      ],
      charges: [
        charge('WDC', 'HR', '2025-26', 42_000_000n, '2026-04-01'),
        charge('WDC', 'IT', '2025-26', 20_500_000n, '2026-04-01'),
        charge('MFRS', 'HR', '2025-26', 15_000_000n, '2026-03-01'),
      ],
    });
    const row = (org: string, line: string) =>
      ledger.rows.find((r) => r.orgId === org && r.serviceLineId === line)!;
    expect(row('WDC', 'HR')).toMatchObject({ achievedPence: 8_000_000n, gapPence: 2_000_000n, rag: 'red' });
    expect(row('WDC', 'IT')).toMatchObject({ achievedPence: 9_500_000n, gapPence: 500_000n, rag: 'amber' });
    expect(row('MFRS', 'HR')).toMatchObject({
      achievedPence: 5_000_000n,
      gapPence: -1_000_000n,
      rag: 'green',
    });
    const [year] = ledger.years;
    expect(year!.monthsCharged).toBe(12);
    // The partnership: £240,000 planned, £225,000 achieved: 6.25% short, amber.
    expect(year!.totals).toMatchObject({
      plannedPence: 24_000_000n,
      achievedPence: 22_500_000n,
      rag: 'amber',
    });
    const wdc = year!.byPartner.find((p) => p.orgId === 'WDC')!;
    // WDC: £200,000 planned, £175,000 achieved: 12.5% short, red.
    expect(wdc).toMatchObject({ plannedPence: 20_000_000n, achievedPence: 17_500_000n, rag: 'red' });
    const hr = year!.byLine.find((l) => l.serviceLineId === 'HR')!;
    expect(hr).toMatchObject({ plannedPence: 14_000_000n, achievedPence: 13_000_000n, rag: 'amber' });
  });

  it('measures a part-charged year to date, on a straight line', () => {
    // Statements to the end of September: 6 of 12 months. Baseline £120,000 → £60,000 to date; plan
    // £24,000 → £12,000; charged £47,000 → achieved £13,000: on plan to date.
    const ledger = buildLedger({
      toleranceBasisPoints: 1000,
      entries: [entry('WDC', 'HR', '2026-27', 12_000_000n, 2_400_000n)],
      charges: [charge('WDC', 'HR', '2026-27', 4_700_000n, '2026-10-01')],
    });
    expect(ledger.years[0]!.monthsCharged).toBe(6);
    expect(ledger.rows[0]).toMatchObject({
      plannedYearPence: 2_400_000n,
      plannedPence: 1_200_000n,
      baselineToDatePence: 6_000_000n,
      achievedPence: 1_300_000n,
      rag: 'green',
    });
  });

  it('rounds a twelfth to the penny, halves away from zero', () => {
    // 1 month of £1.00 is 8.33p → 8p; of £1.06 is 8.83p → 9p; 6 months of 1p is 0.5p → 1p.
    const ledger = buildLedger({
      toleranceBasisPoints: 1000,
      entries: [entry('A', 'L', '2026-27', 100n, 106n), entry('B', 'L', '2026-27', 1n, 0n)],
      charges: [charge('A', 'L', '2026-27', 0n, '2026-05-01')],
    });
    expect(ledger.rows.find((r) => r.orgId === 'A')).toMatchObject({
      baselineToDatePence: 8n,
      plannedPence: 9n,
    });
    const six = buildLedger({
      toleranceBasisPoints: 1000,
      entries: [entry('B', 'L', '2026-27', 1n, 0n)],
      charges: [charge('B', 'L', '2026-27', 0n, '2026-10-01')],
    });
    expect(six.rows[0]!.baselineToDatePence).toBe(1n);
  });

  it('has no achieved figure for a year not yet charged, and counts a plan without a baseline as nothing achieved', () => {
    const ledger = buildLedger({
      toleranceBasisPoints: 1000,
      entries: [
        entry('WDC', 'HR', '2027-28', 10_000_000n, 1_000_000n),
        entry('WDC', 'HR', '2026-27', 10_000_000n, 1_000_000n),
        entry('SVCT', 'HR', '2026-27', null, 500_000n),
      ],
      charges: [charge('WDC', 'HR', '2026-27', 8_000_000n, '2027-04-01')],
    });
    const later = ledger.years.find((y) => y.year === '2027-28')!;
    expect(later).toMatchObject({ monthsCharged: 0, totals: { achievedPence: null, rag: null } });
    const now = ledger.years.find((y) => y.year === '2026-27')!;
    const svct = ledger.rows.find((r) => r.orgId === 'SVCT')!;
    expect(svct).toMatchObject({ achievedPence: null, rag: null, missingBaselines: 1 });
    // £15,000 planned, £20,000 achieved by WDC and nothing evidenced for SVCT.
    expect(now.totals).toMatchObject({
      plannedPence: 1_500_000n,
      achievedPence: 2_000_000n,
      rag: 'green',
      missingBaselines: 1,
    });
  });

  it('shows charges with no baseline in the ledger’s years, and leaves out years nobody planned or measured', () => {
    const ledger = buildLedger({
      toleranceBasisPoints: 1000,
      entries: [entry('WDC', 'HR', '2026-27', 100n, 0n)],
      charges: [
        charge('BWF', 'PRINT', '2026-27', 500n, '2026-05-01'),
        charge('WDC', 'HR', '2019-20', 5n, '2020-04-01'),
      ],
    });
    expect(ledger.years.map((y) => y.year)).toEqual(['2026-27']);
    expect(ledger.rows.find((r) => r.orgId === 'BWF')).toMatchObject({
      baselinePence: null,
      chargedPence: 500n,
      achievedPence: null,
      missingBaselines: 0,
    });
  });
});

describe('the ledger, properties', () => {
  const rows = fc.array(
    fc.record({
      org: fc.constantFrom('A', 'B', 'C', 'D'),
      line: fc.constantFrom('HR', 'IT', 'FIN'),
      baseline: fc.option(fc.bigInt({ min: 0n, max: 10_000_000_000n })),
      planned: fc.bigInt({ min: 0n, max: 1_000_000_000n }),
      charged: fc.bigInt({ min: -1_000_000n, max: 10_000_000_000n }),
    }),
    { maxLength: 12 },
  );

  it('totals are the sums of their rows, and green/amber/red follow the rule', () => {
    fc.assert(
      fc.property(
        rows,
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 12 }),
        (list, tolerance, months) => {
          const unique = [...new Map(list.map((r) => [`${r.org}|${r.line}`, r])).values()];
          const until = months === 12 ? '2027-04-01' : `2026-${String(4 + months).padStart(2, '0')}-01`;
          const ledger = buildLedger({
            toleranceBasisPoints: tolerance,
            entries: unique.map((r) => entry(r.org, r.line, '2026-27', r.baseline, r.planned)),
            charges: unique.map((r) => charge(r.org, r.line, '2026-27', r.charged, until)),
          });
          if (!unique.length) {
            expect(ledger.years).toEqual([]);
            return;
          }
          const year = ledger.years[0]!;
          expect(year.monthsCharged).toBe(months);
          const planned = ledger.rows.reduce((s, r) => s + r.plannedPence, 0n);
          const achieved = ledger.rows.reduce((s, r) => s + (r.achievedPence ?? 0n), 0n);
          expect(year.totals.plannedPence).toBe(planned);
          expect(year.totals.achievedPence).toBe(achieved);
          expect(year.byPartner.reduce((s, p) => s + p.achievedPence!, 0n)).toBe(achieved);
          expect(year.byLine.reduce((s, l) => s + l.plannedPence, 0n)).toBe(planned);
          for (const row of ledger.rows) {
            if (row.achievedPence === null) continue;
            expect(row.gapPence).toBe(row.plannedPence - row.achievedPence);
            const expected =
              row.achievedPence >= row.plannedPence
                ? 'green'
                : row.achievedPence * 10_000n >= row.plannedPence * BigInt(10_000 - tolerance)
                  ? 'amber'
                  : 'red';
            expect(row.rag).toBe(expected);
          }
        },
      ),
    );
  });
});
