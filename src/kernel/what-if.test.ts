import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compareUnitCosts,
  costModelProblems,
  fixedCostAt,
  stepsReached,
  totalCostAt,
  unitCostText,
  whatIf,
  type CostModel,
  type Volume,
} from './what-if.js';

const model = (fixedPence: bigint, variablePence: bigint, steps: CostModel['steps'] = []): CostModel => ({
  fixedPence,
  variablePence,
  steps,
});

// £100,000 a year fixed, 50p a unit.
const PAYROLL = model(10_000_000n, 50n);
const A_AND_B: Volume[] = [
  { key: 'A', volume: 6_000n },
  { key: 'B', volume: 4_000n },
];

describe('whatIf, worked by hand', () => {
  const cases: Array<{
    name: string;
    model: CostModel;
    existing: Volume[];
    prospect: Volume;
    before: { totalPence: bigint; unitCost: string | null };
    after: { totalPence: bigint; unitCost: string | null };
    charges: Array<[string, bigint | null, bigint, bigint | null]>;
    prospectCharge: bigint;
    stepsCrossed: number;
  }> = [
    {
      // Before: 10,000 units cost £105,000 (£10.50 each): A 60%, B 40%. After 15,000 units cost
      // £107,500 (£7.1666… each): A 6/15 = £43,000; B 4/15 = £28,666.666… and P 5/15 = £35,833.333…;
      // the penny left over goes to the larger remainder, B's (⅔ against ⅓).
      name: 'a prospect spreads the fixed cost',
      model: PAYROLL,
      existing: A_AND_B,
      prospect: { key: 'P', volume: 5_000n },
      before: { totalPence: 10_500_000n, unitCost: '10.5000' },
      after: { totalPence: 10_750_000n, unitCost: '7.1667' },
      charges: [
        ['A', 6_300_000n, 4_300_000n, 2_000_000n],
        ['B', 4_200_000n, 2_866_667n, 1_333_333n],
      ],
      prospectCharge: 3_583_333n,
      stepsCrossed: 0,
    },
    {
      // A second team from 12,000 units adds £20,000: 15,000 units cost £127,500 (£8.50 each).
      name: 'a capacity step is crossed and still everyone saves',
      model: model(10_000_000n, 50n, [{ fromVolume: 12_000n, addedFixedPence: 2_000_000n }]),
      existing: A_AND_B,
      prospect: { key: 'P', volume: 5_000n },
      before: { totalPence: 10_500_000n, unitCost: '10.5000' },
      after: { totalPence: 12_750_000n, unitCost: '8.5000' },
      charges: [
        ['A', 6_300_000n, 5_100_000n, 1_200_000n],
        ['B', 4_200_000n, 3_400_000n, 800_000n],
      ],
      prospectCharge: 4_250_000n,
      stepsCrossed: 1,
    },
    {
      // A step of £100,000 at 1,001 units: 1,100 units cost £110,000 (£100 each, up from £10).
      name: 'a costly step makes the existing partner pay more',
      model: model(1_000_000n, 0n, [{ fromVolume: 1_001n, addedFixedPence: 10_000_000n }]),
      existing: [{ key: 'A', volume: 1_000n }],
      prospect: { key: 'P', volume: 100n },
      before: { totalPence: 1_000_000n, unitCost: '10.0000' },
      after: { totalPence: 11_000_000n, unitCost: '100.0000' },
      charges: [['A', 1_000_000n, 10_000_000n, -9_000_000n]],
      prospectCharge: 1_000_000n,
      stepsCrossed: 1,
    },
    {
      // Nobody uses the line yet: there is no charge before, and the prospect pays it all.
      name: 'a first user',
      model: PAYROLL,
      existing: [{ key: 'A', volume: 0n }],
      prospect: { key: 'P', volume: 100n },
      before: { totalPence: 10_000_000n, unitCost: null },
      after: { totalPence: 10_005_000n, unitCost: '1000.5000' },
      charges: [['A', null, 0n, null]],
      prospectCharge: 10_005_000n,
      stepsCrossed: 0,
    },
    {
      // A prospect with no volume changes nothing.
      name: 'a prospect with no volume',
      model: PAYROLL,
      existing: A_AND_B,
      prospect: { key: 'P', volume: 0n },
      before: { totalPence: 10_500_000n, unitCost: '10.5000' },
      after: { totalPence: 10_500_000n, unitCost: '10.5000' },
      charges: [
        ['A', 6_300_000n, 6_300_000n, 0n],
        ['B', 4_200_000n, 4_200_000n, 0n],
      ],
      prospectCharge: 0n,
      stepsCrossed: 0,
    },
  ];

  it.each(cases)('$name', (example) => {
    const result = whatIf(example.model, example.existing, example.prospect);
    expect(result.before).toMatchObject(example.before);
    expect(result.after).toMatchObject(example.after);
    expect(result.partners.map((p) => [p.key, p.beforePence, p.afterPence, p.savingPence])).toEqual(
      example.charges,
    );
    expect(result.prospect.chargePence).toBe(example.prospectCharge);
    expect(result.stepsCrossed).toBe(example.stepsCrossed);
  });
});

describe('cost models', () => {
  const stepped = model(1_000n, 2n, [
    { fromVolume: 100n, addedFixedPence: 500n },
    { fromVolume: 200n, addedFixedPence: 700n },
  ]);

  it.each([
    [0n, 1_000n, 0],
    [99n, 1_000n, 0],
    [100n, 1_500n, 1],
    [199n, 1_500n, 1],
    [200n, 2_200n, 2],
    [10_000n, 2_200n, 2],
  ])('at %s units the fixed cost is %s pence, %s steps reached', (volume, fixed, steps) => {
    expect(fixedCostAt(stepped, volume)).toBe(fixed);
    expect(stepsReached(stepped, volume)).toBe(steps);
    expect(totalCostAt(stepped, volume)).toBe(fixed + 2n * volume);
  });

  it('names what is wrong with a model', () => {
    expect(costModelProblems(stepped)).toEqual([]);
    expect(
      costModelProblems(
        model(-1n, -1n, [
          { fromVolume: 0n, addedFixedPence: -5n },
          { fromVolume: 0n, addedFixedPence: 1n },
        ]),
      ),
    ).toEqual([
      'The fixed cost must not be negative',
      'The variable cost must not be negative',
      'Capacity step 1 must start above a volume of 0',
      'Capacity step 1 must not lower the fixed cost',
      'Capacity step 2 must start above a volume of 0',
      'Capacity step 2 must start at a higher volume than step 1',
    ]);
    expect(() => whatIf(model(-1n, 0n), A_AND_B, { key: 'P', volume: 1n })).toThrow(RangeError);
    expect(() => whatIf(PAYROLL, A_AND_B, { key: 'A', volume: 1n })).toThrow(/each organisation once/);
    expect(() => whatIf(PAYROLL, [{ key: 'A', volume: -1n }], { key: 'P', volume: 1n })).toThrow(/negative/);
  });

  it('writes unit costs to four places of a pound, halves away from zero', () => {
    expect(unitCostText(1n, 3n)).toBe('0.0033');
    expect(unitCostText(2n, 3n)).toBe('0.0067');
    expect(unitCostText(1n, 200n)).toBe('0.0001'); // 0.00005 rounds up
    expect(unitCostText(1n, 201n)).toBe('0.0000');
    expect(unitCostText(442n, 1n)).toBe('4.4200');
    expect(unitCostText(5n, 0n)).toBeNull();
  });
});

const arbitraryModel = fc
  .record({
    fixed: fc.bigInt({ min: 0n, max: 10_000_000_000n }),
    variable: fc.bigInt({ min: 0n, max: 100_000n }),
    steps: fc.uniqueArray(
      fc.record({
        from: fc.bigInt({ min: 1n, max: 2_000_000n }),
        added: fc.bigInt({ min: 0n, max: 1_000_000_000n }),
      }),
      { maxLength: 4, selector: (step) => step.from },
    ),
  })
  .map(({ fixed, variable, steps }): CostModel =>
    model(
      fixed,
      variable,
      [...steps]
        .sort((a, b) => (a.from < b.from ? -1 : 1))
        .map((step) => ({ fromVolume: step.from, addedFixedPence: step.added })),
    ),
  );

const arbitraryVolumes = fc
  .array(fc.bigInt({ min: 0n, max: 1_000_000n }), { minLength: 1, maxLength: 12 })
  .map((volumes) => volumes.map((volume, index): Volume => ({ key: `ORG${index}`, volume })));

describe('whatIf, properties', () => {
  it('shares add up to the line’s cost exactly, before and after', () => {
    fc.assert(
      fc.property(
        arbitraryModel,
        arbitraryVolumes,
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        (m, existing, prospectVolume) => {
          const result = whatIf(m, existing, { key: 'PROSPECT', volume: prospectVolume });
          const after = result.partners.reduce((sum, p) => sum + p.afterPence, result.prospect.chargePence);
          if (result.after.volume > 0n) expect(after).toBe(result.after.totalPence);
          if (result.before.volume > 0n)
            expect(result.partners.reduce((sum, p) => sum + p.beforePence!, 0n)).toBe(
              result.before.totalPence,
            );
          for (const p of result.partners) {
            if (p.savingPence !== null) expect(p.savingPence).toBe(p.beforePence! - p.afterPence);
          }
        },
      ),
    );
  });

  it('adding volume never raises the unit cost unless a capacity step is crossed', () => {
    fc.assert(
      fc.property(
        arbitraryModel,
        arbitraryVolumes,
        fc.bigInt({ min: 1n, max: 1_000_000n }),
        (m, existing, prospectVolume) => {
          const result = whatIf(m, existing, { key: 'PROSPECT', volume: prospectVolume });
          if (result.before.volume === 0n || result.stepsCrossed > 0) return;
          expect(compareUnitCosts(result.after, result.before)).toBeLessThanOrEqual(0);
          // Each partner's exact share falls with the unit cost; rounding moves a share by under a penny.
          for (const p of result.partners) expect(p.savingPence!).toBeGreaterThanOrEqual(-1n);
        },
      ),
    );
  });

  it('costs never fall as volume grows', () => {
    fc.assert(
      fc.property(
        arbitraryModel,
        fc.bigInt({ min: 0n, max: 3_000_000n }),
        fc.bigInt({ min: 0n, max: 3_000_000n }),
        (m, v, extra) => {
          expect(fixedCostAt(m, v + extra) >= fixedCostAt(m, v)).toBe(true);
          expect(totalCostAt(m, v + extra) >= totalCostAt(m, v)).toBe(true);
        },
      ),
    );
  });
});
