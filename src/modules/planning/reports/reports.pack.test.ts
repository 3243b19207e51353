import { describe, expect, it } from 'vitest';
import { parsePeriod } from '../../../kernel/periods.js';
import { buildLedger } from '../savings/savings.ledger.js';
import { assemblePack, lastCompleteQuarter, parseQuarter, shareOf } from './reports.pack.js';
import type { ChargeTotal, RequestCounts } from './reports.repository.js';
import { percentText } from './reports.present.js';

describe('quarters', () => {
  it.each([
    ['2026-Q3', '2026-07-01', '2026-10-01'],
    [' 2026-q4 ', '2026-10-01', '2027-01-01'],
    ['2027-Q1', '2027-01-01', '2027-04-01'],
  ])('reads %s as billing does: [%s, %s)', (text, from, until) => {
    expect(parseQuarter(text)).toMatchObject({ kind: 'quarter', from, until });
  });

  it.each(['2026-10', '2026-27', '2026-Q5', '2026-Q0', 'Q3-2026', '', undefined, 2026])(
    'refuses %s, which is not a quarter',
    (text) => expect(parseQuarter(text)).toBeUndefined(),
  );

  it.each([
    ['2026-12-04', '2026-Q3'],
    ['2026-10-01', '2026-Q3'],
    ['2026-09-30', '2026-Q2'],
    ['2027-01-01', '2026-Q4'],
    ['2027-03-31', '2026-Q4'],
    ['2027-04-01', '2027-Q1'],
  ])('on %s the last complete quarter is %s', (today, quarter) => {
    expect(lastCompleteQuarter(today)).toBe(quarter);
  });
});

describe('shares', () => {
  it.each([
    [2, 3, 6667, '66.7%'],
    [1, 3, 3333, '33.3%'],
    [1, 8, 1250, '12.5%'],
    [0, 5, 0, '0.0%'],
    [7, 7, 10_000, '100.0%'],
    [1, 2000, 5, '0.1%'],
  ])('%i of %i is %i basis points, shown as %s', (part, whole, basisPoints, text) => {
    expect(shareOf(part, whole)).toBe(basisPoints);
    expect(percentText(basisPoints)).toBe(text);
  });

  it('has no share of nothing', () => expect(shareOf(0, 0)).toBeNull());
});

const quarter = parsePeriod('2026-Q3')!;
const lines = new Map([
  ['l-it', { code: 'IT', name: 'IT' }],
  ['l-hr', { code: 'HR', name: 'Personnel (HR) Administration' }],
]);
const organisations = new Map([
  ['o-wdc', { code: 'WDC', name: 'Wyvern District Council' }],
  ['o-mfrs', { code: 'MFRS', name: 'Mercia Fire and Rescue Service' }],
]);

function requests(orgId: string, serviceLineId: string, counts: Partial<RequestCounts>): RequestCounts {
  return {
    orgId,
    serviceLineId,
    serviceLine: '',
    serviceLineName: '',
    raised: 0,
    resolved: 0,
    resolutionMet: 0,
    resolutionBreached: 0,
    responseMet: 0,
    responseBreached: 0,
    ...counts,
  };
}

const charge = (
  orgId: string,
  serviceLineId: string,
  kind: ChargeTotal['kind'],
  pence: bigint,
): ChargeTotal => ({
  orgId,
  serviceLineId,
  serviceLine: '',
  serviceLineName: '',
  kind,
  amountPence: pence,
});

describe('assembling a pack', () => {
  const pack = assemblePack({
    scope: 'partnership',
    organisation: { code: 'MCC', name: 'Mercia County Council' },
    quarter,
    producedAt: new Date('2026-12-04T10:00:00Z'),
    requests: [
      requests('o-wdc', 'l-it', {
        raised: 4,
        resolved: 3,
        resolutionMet: 2,
        resolutionBreached: 1,
        responseMet: 3,
      }),
      requests('o-mfrs', 'l-it', { raised: 1, resolved: 1, resolutionBreached: 1, responseBreached: 1 }),
      requests('o-wdc', 'l-hr', { raised: 2 }),
    ],
    usage: [],
    charges: [
      charge('o-wdc', 'l-hr', 'statement', 700_001n),
      charge('o-wdc', 'l-hr', 'credit_note', -700_001n),
      charge('o-wdc', 'l-hr', 'statement', 699_999n),
      charge('o-mfrs', 'l-hr', 'statement', 1n),
      charge('o-mfrs', 'l-it', 'statement', 10_000_000_000_000_003n),
    ],
    ledger: buildLedger({ entries: [], charges: [], toleranceBasisPoints: 1000 }),
    organisations,
    lines,
    teckal: null,
  });

  it('counts SLA performance by line and by partner, shares of those met or breached', () => {
    expect(pack.sla.total).toEqual({
      resolved: 4,
      resolutionMet: 2,
      resolutionBreached: 2,
      resolutionMetBasisPoints: 5000,
      responseMet: 3,
      responseBreached: 1,
      responseMetBasisPoints: 7500,
    });
    // A line with nothing resolved has no SLA row, but its volumes are shown.
    expect(pack.sla.byLine.map((l) => [l.code, l.resolved, l.resolutionMetBasisPoints])).toEqual([
      ['IT', 4, 5000],
    ]);
    expect(
      pack.sla.byPartner.map((p) => [p.code, p.resolutionMetBasisPoints, p.responseMetBasisPoints]),
    ).toEqual([
      ['MFRS', 0, 0],
      ['WDC', 6667, 10_000],
    ]);
    expect(pack.volumes.byLine).toEqual([
      { code: 'HR', name: 'Personnel (HR) Administration', raised: 2, resolved: 0 },
      { code: 'IT', name: 'IT', raised: 5, resolved: 4 },
    ]);
    expect(pack.volumes.total).toEqual({ raised: 7, resolved: 4 });
  });

  it('sums charges in whole pence, credit notes netted, past where floating point is exact', () => {
    expect(pack.charges.total).toEqual({
      statementsPence: 10_000_000_001_400_004n,
      creditNotesPence: -700_001n,
      netPence: 10_000_000_000_700_003n,
    });
    expect(pack.charges.byPartner).toEqual([
      {
        code: 'MFRS',
        name: 'Mercia Fire and Rescue Service',
        statementsPence: 10_000_000_000_000_004n,
        creditNotesPence: 0n,
        netPence: 10_000_000_000_000_004n,
      },
      {
        code: 'WDC',
        name: 'Wyvern District Council',
        statementsPence: 1_400_000n,
        creditNotesPence: -700_001n,
        netPence: 699_999n,
      },
    ]);
    expect(pack.charges.byLine.find((l) => l.code === 'HR')?.netPence).toBe(700_000n);
  });

  it('names the quarter by its days and financial year, and has no savings without a ledger year', () => {
    expect(pack.quarter).toEqual({ code: '2026-Q3', from: '2026-07-01', to: '2026-09-30' });
    expect(pack.financialYear).toBe('2026-27');
    expect(pack.savings).toBeNull();
  });

  it('leaves partners out of a partner’s pack', () => {
    const own = assemblePack({
      scope: 'partner',
      organisation: { code: 'WDC', name: 'Wyvern District Council' },
      quarter,
      producedAt: new Date(),
      requests: [requests('o-wdc', 'l-it', { resolved: 1, resolutionMet: 1 })],
      usage: [],
      charges: [charge('o-wdc', 'l-it', 'statement', 5n)],
      ledger: buildLedger({ entries: [], charges: [], toleranceBasisPoints: 1000 }),
      organisations,
      lines,
      teckal: null,
    });
    expect(own.sla.byPartner).toEqual([]);
    expect(own.charges.byPartner).toEqual([]);
    expect(own.charges.total.netPence).toBe(5n);
  });
});
