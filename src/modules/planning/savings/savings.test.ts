import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type TestApp,
} from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';
import { inScope } from '../../../platform/db/index.js';
import { PEOPLE, sampleCase } from '../planning.test-helpers.js';
import {
  chargesFromIssuedTotals,
  chargesFromLedgerLines,
  chargesFromStatementLines,
  type ChargedRow,
} from './savings.charges.js';

let t: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
const tokens: Record<string, string> = {};
const YEAR = '2026-27';

const api = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
  apiCall(t.app, tokens[who]!, method, url, body);

/** What the host charged, by each implementation of the port, as the host's finance officer. */
async function chargedBoth(): Promise<{ totals: ChargedRow[]; lines: ChargedRow[]; ledger: ChargedRow[] }> {
  const scope = { userId: ids.users[PEOPLE.finance]!, orgIds: [ids.orgs.MCC!] };
  const sorted = (rows: ChargedRow[]) =>
    [...rows].sort((a, b) =>
      `${a.orgId}${a.serviceLineId}${a.year}`.localeCompare(`${b.orgId}${b.serviceLineId}${b.year}`),
    );
  return inScope(t.db, scope, async (tx) => ({
    totals: sorted(await chargesFromIssuedTotals.chargedByPartnerLineYear(tx, ids.orgs.MCC!)),
    lines: sorted(await chargesFromStatementLines.chargedByPartnerLineYear(tx, ids.orgs.MCC!)),
    ledger: sorted(await chargesFromLedgerLines.chargedByPartnerLineYear(tx, ids.orgs.MCC!)),
  }));
}

async function issueDrafts(): Promise<void> {
  const runs = (await api('finance', 'GET', '/api/v1/recharge-runs')).json().data as Array<{
    id: string;
    status: string;
  }>;
  for (const run of runs.filter((r) => r.status !== 'issued')) {
    expect((await api('finance', 'POST', `/api/v1/recharge-runs/${run.id}/review`)).statusCode).toBe(200);
    expect((await api('finance', 'POST', `/api/v1/recharge-runs/${run.id}/issue`)).statusCode).toBe(200);
  }
}

beforeAll(async () => {
  t = await buildTestApp();
  ids = await demoIds(t.db);
  tokens.finance = await apiTokenFor(t.db, PEOPLE.finance, 'MCC');
  tokens.executive = await apiTokenFor(t.db, PEOPLE.executive, 'MCC');
  tokens.serviceManager = await apiTokenFor(t.db, PEOPLE.serviceManager, 'MCC');
  tokens.wdcManager = await apiTokenFor(t.db, PEOPLE.wdcManager, 'WDC');
  tokens.wdcRequester = await apiTokenFor(t.db, PEOPLE.wdcRequester, 'WDC');
});
afterAll(() => t?.close());

describe('what the ledger counts as charged', () => {
  it('keeps totals by line as statements are issued and credit notes taken back, equal to the lines themselves', async () => {
    const before = await chargedBoth();
    expect(before.totals.length).toBeGreaterThan(0); // the demo's issued month, kept by the migration
    expect(before.totals).toEqual(before.lines);
    expect(before.ledger).toEqual(before.lines);
    await issueDrafts();
    const issued = await chargedBoth();
    expect(issued.totals).toEqual(issued.lines);
    expect(issued.ledger).toEqual(issued.lines);
    expect(issued.totals.reduce((s, r) => s + r.chargedPence, 0n)).toBeGreaterThan(
      before.totals.reduce((s, r) => s + r.chargedPence, 0n),
    );
    // Correct one of WDC's statements: a credit note takes it back, a new one replaces it.
    const statements = (await api('finance', 'GET', '/api/v1/statements')).json().data as Array<{
      number: string;
      organisation: string;
    }>;
    const wdc = statements.find((s) => s.organisation === 'WDC')!;
    const corrected = await api('finance', 'POST', '/api/v1/recharge-runs/corrections', {
      statements: [wdc.number],
    });
    expect(corrected.statusCode).toBe(201);
    await issueDrafts();
    const after = await chargedBoth();
    expect(after.totals).toEqual(after.lines);
    expect(after.ledger).toEqual(after.lines);
    const kinds = await sql<{ statement_kind: string }>`
      select distinct statement_kind from ledger_charges where org_id = ${ids.orgs.WDC!}`.execute(
      t.db.kysely,
    );
    expect(kinds.rows.map((r) => r.statement_kind).sort()).toEqual(['credit_note', 'statement']);
  });
});

describe('baselines', () => {
  it('imports a file all or none, naming each bad line', async () => {
    const bad = await api('finance', 'POST', '/api/v1/savings-baselines/import', {
      csv: [
        'organisation,service_line,year,amount,source',
        `WDC,HR,${YEAR},500000.00,Budget book`,
        `NOPE,HR,${YEAR},1.00,x`,
        `WDC,HR,2026,-1,`,
        `WDC,HR,${YEAR},1.00,Again`,
      ].join('\n'),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('ERR_IMPORT_REJECTED');
    expect(bad.json().error.details.rows).toEqual([
      { line: 4, field: 'year', message: 'Enter the financial year, such as 2026-27' },
      {
        line: 4,
        field: 'amount',
        message: 'The baseline must not be negative: enter an amount of zero or more',
      },
      {
        line: 4,
        field: 'source',
        message: 'Say where the baseline comes from, such as the partner’s 2025-26 budget book',
      },
      { line: 5, field: 'year', message: 'This partner, line and year is already on line 2: give each once' },
    ]);
    const unknown = await api('finance', 'POST', '/api/v1/savings-baselines/import', {
      csv: `organisation,service_line,year,amount,source\nWDC,HR,${YEAR},1.00,x\nNOPE,HR,${YEAR},1.00,x`,
    });
    expect(unknown.json().error.details.rows).toEqual([
      { line: 3, field: 'organisation', message: 'NOPE is not a partner of yours' },
    ]);
    expect((await api('finance', 'GET', '/api/v1/savings-baselines')).json().data).toEqual([]);
  });

  it('records baselines, replacing by partner, line and year, with one audit entry naming each change', async () => {
    const csv = [
      'organisation,service_line,year,amount,source',
      `WDC,HR,${YEAR},"500,000.00",WDC budget book 2026-27`,
      `WDC,LEGAL,${YEAR},80000,WDC legal team costs`,
      `MFRS,HR,${YEAR},200000.00,MFRS HR establishment`,
    ].join('\n');
    const first = await api('finance', 'POST', '/api/v1/savings-baselines/import', { csv });
    expect(first.json()).toEqual({ added: 3, changed: 0, unchanged: 0 });
    const again = await api('finance', 'POST', '/api/v1/savings-baselines/import', { csv });
    expect(again.json()).toEqual({ added: 0, changed: 0, unchanged: 3 });
    const one = await api('executive', 'POST', '/api/v1/savings-baselines', {
      organisation: 'wdc',
      serviceLine: 'legal',
      year: YEAR,
      amount: '90000.00',
      source: 'Revised',
    });
    expect(one.json()).toEqual({ added: 0, changed: 1, unchanged: 0 });
    const audit = await sql<{ after: { changes: Array<{ before: unknown; after: unknown }> } }>`
      select after from audit_events where action = 'savings_baseline.record' order by id desc limit 1`.execute(
      t.db.kysely,
    );
    expect(audit.rows[0]!.after.changes).toEqual([
      {
        organisation: 'WDC',
        serviceLine: 'LEGAL',
        year: YEAR,
        before: { amount: '80000.00', source: 'WDC legal team costs' },
        after: { amount: '90000.00', source: 'Revised' },
      },
    ]);
    expect(
      (
        await api('serviceManager', 'POST', '/api/v1/savings-baselines', {
          organisation: 'WDC',
          serviceLine: 'HR',
          year: YEAR,
          amount: '1.00',
          source: 'x',
        })
      ).statusCode,
    ).toBe(403);
    const partner = await api('wdcManager', 'GET', '/api/v1/savings-baselines');
    expect(partner.json().data.map((b: { organisation: string }) => b.organisation)).toEqual(['WDC', 'WDC']);
  });
});

describe('the ledger', () => {
  beforeAll(async () => {
    const created = await api(
      'finance',
      'POST',
      '/api/v1/business-cases',
      sampleCase({
        plannedSavings: [
          { organisation: 'WDC', serviceLine: 'HR', year: YEAR, amount: '120000.00' },
          { organisation: 'MFRS', serviceLine: 'HR', year: YEAR, amount: '30000.00' },
          { organisation: 'SVCT', serviceLine: 'HR', year: YEAR, amount: '6000.00' },
        ],
      }),
    );
    await api('executive', 'POST', `/api/v1/business-cases/${created.json().id}/approve`);
  });

  it('gives the host every partner: achieved = baseline to date − charged, with its RAG', async () => {
    const response = await api('executive', 'GET', '/api/v1/savings-ledger');
    expect(response.statusCode).toBe(200);
    const ledger = response.json();
    expect(ledger.scope).toBe('host');
    expect(ledger.tolerancePercent).toBe('10.00');
    const year = ledger.years.find((y: { year: string }) => y.year === YEAR);
    const months = year.monthsCharged as number;
    expect(months).toBeGreaterThan(0);
    const wdcHr = ledger.rows.find(
      (r: { organisation: string; serviceLine: string; year: string }) =>
        r.organisation === 'WDC' && r.serviceLine === 'HR' && r.year === YEAR,
    );
    const toDate = (pence: bigint) => (months === 12 ? pence : (pence * BigInt(months) * 2n + 12n) / 24n);
    const pounds = (pence: bigint) =>
      `${pence < 0n ? '-' : ''}${(pence < 0n ? -pence : pence) / 100n}.${String((pence < 0n ? -pence : pence) % 100n).padStart(2, '0')}`;
    const chargedPence = BigInt(wdcHr.charged.replace('.', ''));
    const achieved = toDate(50_000_000n) - chargedPence;
    expect(wdcHr).toMatchObject({
      baseline: '500000.00',
      plannedYear: '120000.00',
      planned: pounds(toDate(12_000_000n)),
      baselineToDate: pounds(toDate(50_000_000n)),
      achieved: pounds(achieved),
      gap: pounds(toDate(12_000_000n) - achieved),
    });
    const svct = ledger.rows.find(
      (r: { organisation: string; serviceLine: string; year: string }) =>
        r.organisation === 'SVCT' && r.serviceLine === 'HR' && r.year === YEAR,
    );
    expect(svct).toMatchObject({ baseline: null, achieved: null, rag: null, missingBaselines: 1 });
    expect(year.missingBaselines).toBe(1);
    // A baseline replaced is replaced in the ledger too (its lines are kept as baselines change).
    const legal = ledger.rows.find(
      (r: { organisation: string; serviceLine: string; year: string }) =>
        r.organisation === 'WDC' && r.serviceLine === 'LEGAL' && r.year === YEAR,
    );
    expect(legal.baseline).toBe('90000.00');
    expect(year.byPartner.map((p: { organisation: string }) => p.organisation)).toEqual(
      expect.arrayContaining(['MFRS', 'SVCT', 'WDC']),
    );
  });

  it('gives a partner’s manager its own rows only, and refuses anyone else', async () => {
    const ledger = (await api('wdcManager', 'GET', '/api/v1/savings-ledger')).json();
    expect(ledger.scope).toBe('partner');
    expect(new Set(ledger.rows.map((r: { organisation: string }) => r.organisation))).toEqual(
      new Set(['WDC']),
    );
    for (const year of ledger.years)
      expect(year.byPartner.map((p: { organisation: string }) => p.organisation)).toEqual(['WDC']);
    expect((await api('wdcRequester', 'GET', '/api/v1/savings-ledger')).statusCode).toBe(403);
    expect((await api('serviceManager', 'GET', '/api/v1/savings-ledger')).statusCode).toBe(403);
  });

  it('judges amber by the host’s tolerance, which builders set', async () => {
    const bad = await api('finance', 'PUT', '/api/v1/savings-ledger/tolerance', { percent: '101' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.percent).toMatch(/from 0 to 100/);
    expect(
      (await api('finance', 'PUT', '/api/v1/savings-ledger/tolerance', { percent: '12.5' })).json(),
    ).toEqual({
      tolerancePercent: '12.50',
    });
    expect((await api('wdcManager', 'GET', '/api/v1/savings-ledger')).json().tolerancePercent).toBe('12.50');
    expect(
      (await api('wdcManager', 'PUT', '/api/v1/savings-ledger/tolerance', { percent: '50' })).statusCode,
    ).toBe(403);
    await api('finance', 'PUT', '/api/v1/savings-ledger/tolerance', { percent: '10' });
  });

  it('shows the executive the whole picture first: years with a chart, then partners, then lines', async () => {
    const executive = await signedInBrowser(t.app, PEOPLE.executive);
    const page = await executive.get('/planning/savings');
    expect(page.statusCode).toBe(200);
    const order = [
      'data-qa="ledger-chart"',
      'data-qa="ledger-years"',
      'data-qa="ledger-partners"',
      'data-qa="ledger-lines"',
    ];
    const at = order.map((marker) => page.body.indexOf(marker));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(page.body).toMatch(
      /<svg[^>]+role="img"[^>]+aria-labelledby="ledger-chart-title ledger-chart-desc"/,
    );
    expect(page.body).toContain('<desc id="ledger-chart-desc">');
    expect(page.body).toContain('Mercia Fire and Rescue Service');
    const detail = await executive.get(`/planning/savings?year=${YEAR}&organisation=WDC`);
    expect(detail.body).toContain('data-qa="ledger-detail"');
    expect(detail.body).toContain('£500,000.00');
  });

  it('shows a partner’s manager its own ledger, and no other partner', async () => {
    const manager = await signedInBrowser(t.app, PEOPLE.wdcManager);
    const page = await manager.get('/planning/savings');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Savings ledger for Wyvern District Council');
    expect(page.body).not.toContain('data-qa="ledger-partners"');
    expect(page.body).not.toContain('Mercia Fire and Rescue Service');
    expect(page.body).toContain('data-qa="ledger-detail"');
    expect(page.body).not.toContain('action="/planning/savings/tolerance"');
    const baselines = await manager.get('/planning/savings/baselines');
    expect(baselines.body).toContain('WDC budget book');
    expect(baselines.body).not.toContain('MFRS HR establishment');
    expect(baselines.body).not.toContain('action="/planning/savings/baselines/import"');
    const requester = await signedInBrowser(t.app, PEOPLE.wdcRequester);
    expect((await requester.get('/planning/savings')).statusCode).toBe(403);
  });

  it('takes baselines and the tolerance on pages, naming problems in words', async () => {
    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    await finance.get('/planning/savings/baselines');
    const bad = await finance.post('/planning/savings/baselines', {
      organisation: 'WDC',
      serviceLine: 'IT',
      year: '2026/27',
      amount: 'lots',
      source: '',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<a href="#year">Enter the financial year, such as 2026-27</a>');
    expect(bad.body).toContain(
      '<a href="#amount">Enter the baseline in pounds and pence, such as 250000.00</a>',
    );
    const good = await finance.post('/planning/savings/baselines', {
      organisation: 'WDC',
      serviceLine: 'IT',
      year: YEAR,
      amount: '£75,000',
      source: 'IT budget',
    });
    expect(good.statusCode).toBe(303);
    const imported = await finance.post('/planning/savings/baselines/import', {
      csv: `organisation,service_line,year,amount,source\nMFRS,IT,${YEAR},x,y`,
    });
    expect(imported.statusCode).toBe(400);
    expect(imported.body).toContain('Line 2: Enter the baseline in pounds and pence');
    await finance.get('/planning/savings');
    const tolerance = await finance.post('/planning/savings/tolerance', { percent: 'ten' });
    expect(tolerance.statusCode).toBe(400);
    expect(tolerance.body).toContain('<a href="#percent">');
  });
});
