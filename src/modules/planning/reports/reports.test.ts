import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type Browser,
  type TestApp,
} from '../../../../test/helpers/app.js';
import { addDays, londonDate } from '../../../kernel/dates.js';
import { formatPounds } from '../../../kernel/money.js';
import { financialYearOf, parsePeriod, type Period } from '../../../kernel/periods.js';
import { PEOPLE, sampleCase } from '../planning.test-helpers.js';
import { pdfText, quietQuarter, readWorkbook, seedQuietQuarter } from './reports.test-helpers.js';

let t: TestApp;
const tokens: Record<string, string> = {};
const browsers: Record<string, Browser> = {};
const quiet = quietQuarter();
/** The quarter of the demo's issued statement (the month before last, or thereabouts). */
let charged: Period;

const api = (who: string, method: 'GET' | 'POST', url: string, body?: unknown) =>
  apiCall(t.app, tokens[who]!, method, url, body);
const pounds = (pence: bigint) => formatPounds(pence.toString());

/** Issued statements' lines with periods in the quarter, summed by partner, line and kind, from billing's own tables. */
async function issuedLines(quarter: Period) {
  const result = await sql<{ org: string; line: string; kind: string; pence: string }>`
    select s.org_code as org, l.service_line_code as line, s.kind, sum(l.amount_pence)::text as pence
      from recharge_statements s
      join recharge_lines l on l.run_id = s.run_id and l.org_id = s.org_id and l.statement_kind = s.kind
     where s.number is not null and s.period_from >= ${quarter.from}::date and s.period_until <= ${quarter.until}::date
     group by s.org_code, l.service_line_code, s.kind`.execute(t.db.kysely);
  return result.rows.map((row) => ({ ...row, pence: BigInt(row.pence) }));
}

const sum = (rows: Array<{ pence: bigint }>) => rows.reduce((total, row) => total + row.pence, 0n);

beforeAll(async () => {
  t = await buildTestApp();
  for (const [who, org] of [
    ['finance', 'MCC'],
    ['executive', 'MCC'],
    ['admin', 'MCC'],
    ['serviceManager', 'MCC'],
    ['wdcManager', 'WDC'],
    ['wdcRequester', 'WDC'],
  ] as const)
    tokens[who] = await apiTokenFor(t.db, PEOPLE[who], org);
  await seedQuietQuarter(t.db, quiet);
  const issued = await sql<{ period_from: string }>`
    select min(period_from)::text as period_from from recharge_statements where number is not null`.execute(
    t.db.kysely,
  );
  const month = issued.rows[0]!.period_from.slice(0, 7);
  charged = parsePeriod(`${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`)!;
  browsers.executive = await signedInBrowser(t.app, PEOPLE.executive);
  browsers.wdcManager = await signedInBrowser(t.app, PEOPLE.wdcManager);
});
afterAll(() => t?.close());

describe('SLA performance and volumes', () => {
  it('counts a partner’s requests resolved in the quarter in England, met and breached, and those raised', async () => {
    const response = await api('wdcManager', 'GET', `/api/v1/report-packs/${quiet.code}`);
    expect(response.statusCode).toBe(200);
    const pack = response.json();
    expect(pack).toMatchObject({
      scope: 'partner',
      organisation: { code: 'WDC', name: 'Wyvern District Council' },
      quarter: { code: quiet.code, from: quiet.from, to: addDays(quiet.until, -1) },
      financialYear: financialYearOf(quiet.from),
    });
    const figures = {
      resolved: 4,
      resolutionMet: 2,
      resolutionBreached: 2,
      resolutionMetPercent: '50.00',
      responseMet: 3,
      responseBreached: 1,
      responseMetPercent: '75.00',
    };
    expect(pack.sla).toEqual({
      total: figures,
      byLine: [{ serviceLine: 'IT', name: 'IT', ...figures }],
      byPartner: [],
    });
    expect(pack.volumes).toEqual({
      total: { raised: 5, resolved: 4 },
      byLine: [{ serviceLine: 'IT', name: 'IT', raised: 5, resolved: 4 }],
      usage: [
        {
          offering: 'IT-FAULT',
          name: 'Report an IT fault',
          serviceLine: 'IT',
          unit: 'request',
          quantity: '3.25',
          events: 3,
        },
      ],
    });
    expect(pack.charges.total).toEqual({ statements: '0.00', creditNotes: '0.00', net: '0.00' });
    expect(pack.savings).toBeNull();
    expect(pack.teckal).toBeNull();
  });

  it('gives the host the partnership, each partner’s performance beside the lines', async () => {
    const pack = (await api('executive', 'GET', `/api/v1/report-packs/${quiet.code}`)).json();
    expect(pack.scope).toBe('partnership');
    expect(pack.organisation).toEqual({ code: 'MCC', name: 'Mercia County Council' });
    expect(pack.sla.total).toEqual({
      resolved: 5,
      resolutionMet: 2,
      resolutionBreached: 3,
      resolutionMetPercent: '40.00',
      responseMet: 4,
      responseBreached: 1,
      responseMetPercent: '80.00',
    });
    expect(
      pack.sla.byPartner.map(
        (p: { organisation: string; resolved: number; resolutionMetPercent: string }) => [
          p.organisation,
          p.resolved,
          p.resolutionMetPercent,
        ],
      ),
    ).toEqual([
      ['MFRS', 1, '0.00'],
      ['WDC', 4, '50.00'],
    ]);
    expect(pack.volumes.total).toEqual({ raised: 6, resolved: 5 });
    expect(pack.volumes.usage).toMatchObject([{ offering: 'IT-FAULT', quantity: '7.25', events: 4 }]);
    // The host may open one partner's pack: the same figures as the partner's own.
    const wdc = (await api('executive', 'GET', `/api/v1/report-packs/${quiet.code}?organisation=wdc`)).json();
    const own = (await api('wdcManager', 'GET', `/api/v1/report-packs/${quiet.code}`)).json();
    expect({ ...wdc, producedAt: '' }).toEqual({ ...own, producedAt: '' });
  });
});

describe('charges, savings against plan and the Teckal indicator', () => {
  it('nets credit notes, to the penny, by line and by partner', async () => {
    const statements = (await api('finance', 'GET', '/api/v1/statements')).json().data as Array<{
      number: string;
      organisation: string;
    }>;
    const wdcStatement = statements.find((s) => s.organisation === 'WDC')!;
    const corrected = await api('finance', 'POST', '/api/v1/recharge-runs/corrections', {
      statements: [wdcStatement.number],
    });
    expect(corrected.statusCode).toBe(201);
    const run = corrected.json().run.id as string;
    expect((await api('finance', 'POST', `/api/v1/recharge-runs/${run}/review`)).statusCode).toBe(200);
    expect((await api('finance', 'POST', `/api/v1/recharge-runs/${run}/issue`)).statusCode).toBe(200);

    const lines = await issuedLines(charged);
    const credits = lines.filter((l) => l.kind === 'credit_note');
    expect(sum(credits)).toBeLessThan(0n);
    const pack = (await api('finance', 'GET', `/api/v1/report-packs/${charged.code}`)).json();
    expect(pack.charges.total).toEqual({
      statements: pounds(sum(lines.filter((l) => l.kind === 'statement'))),
      creditNotes: pounds(sum(credits)),
      net: pounds(sum(lines)),
    });
    for (const line of pack.charges.byLine as Array<{ serviceLine: string; net: string }>)
      expect(line.net).toBe(pounds(sum(lines.filter((l) => l.line === line.serviceLine))));
    expect(pack.charges.byLine.map((l: { serviceLine: string }) => l.serviceLine)).toEqual(
      [...new Set(lines.map((l) => l.line))].sort(),
    );
    const wdcLines = lines.filter((l) => l.org === 'WDC');
    expect(pack.charges.byPartner.find((p: { organisation: string }) => p.organisation === 'WDC')).toEqual({
      organisation: 'WDC',
      name: 'Wyvern District Council',
      statements: pounds(sum(wdcLines.filter((l) => l.kind === 'statement'))),
      creditNotes: pounds(sum(wdcLines.filter((l) => l.kind === 'credit_note'))),
      net: pounds(sum(wdcLines)),
    });
    const own = (await api('wdcManager', 'GET', `/api/v1/report-packs/${charged.code}`)).json();
    expect(own.charges.total.net).toBe(pounds(sum(wdcLines)));
    expect(own.charges.total.creditNotes).toBe(pounds(sum(credits)));
  });

  it('measures savings against plan for the quarter’s financial year, as at the quarter’s end', async () => {
    const year = financialYearOf(charged.from);
    expect(
      (
        await api('finance', 'POST', '/api/v1/savings-baselines', {
          organisation: 'WDC',
          serviceLine: 'HR',
          year,
          amount: '120000.00',
          source: 'WDC budget book',
        })
      ).statusCode,
    ).toBe(200);
    const created = await api(
      'finance',
      'POST',
      '/api/v1/business-cases',
      sampleCase({
        baseYear: year,
        plannedSavings: [{ organisation: 'WDC', serviceLine: 'HR', year, amount: '24000.00' }],
      }),
    );
    expect(created.statusCode).toBe(201);
    await api('executive', 'POST', `/api/v1/business-cases/${created.json().id}/approve`);

    // Months of the year charged by the quarter's end, and WDC's HR charges to then, from billing.
    const until = await sql<{ until: string }>`
      select max(period_until)::text as until from recharge_statements
       where number is not null and period_from >= ${parsePeriod(year)!.from}::date
         and period_until <= ${charged.until}::date`.execute(t.db.kysely);
    const end = until.rows[0]!.until;
    const months = BigInt(
      (Number(end.slice(0, 4)) - Number(year.slice(0, 4))) * 12 + Number(end.slice(5, 7)) - 4,
    );
    const hr = await sql<{ pence: string }>`
      select coalesce(sum(l.amount_pence), 0)::text as pence
        from recharge_statements s
        join recharge_lines l on l.run_id = s.run_id and l.org_id = s.org_id and l.statement_kind = s.kind
       where s.number is not null and s.org_code = 'WDC' and l.service_line_code = 'HR'
         and s.period_from >= ${parsePeriod(year)!.from}::date and s.period_until <= ${charged.until}::date`.execute(
      t.db.kysely,
    );
    const planned = (2_400_000n * months) / 12n; // £24,000 a year: £2,000 a month, exactly
    const achieved = (12_000_000n * months) / 12n - BigInt(hr.rows[0]!.pence);
    const rag = achieved >= planned ? 'green' : achieved * 10_000n >= planned * 9_000n ? 'amber' : 'red';
    const figures = {
      planned: pounds(planned),
      achieved: pounds(achieved),
      gap: pounds(planned - achieved),
      rag,
    };

    const own = (await api('wdcManager', 'GET', `/api/v1/report-packs/${charged.code}`)).json();
    expect(own.savings).toMatchObject({
      year,
      monthsCharged: Number(months),
      tolerancePercent: '10.00',
      ...figures,
    });
    // Lines charged with no baseline or plan are in the ledger too, with nothing planned (as its page shows them).
    const byLine = own.savings.byLine as Array<{ serviceLine: string; planned: string }>;
    expect(byLine.find((l) => l.serviceLine === 'HR')).toEqual({
      serviceLine: 'HR',
      name: 'Personnel (HR) Administration',
      ...figures,
    });
    expect(byLine.filter((l) => l.serviceLine !== 'HR').every((l) => l.planned === '0.00')).toBe(true);
    expect(own.savings.byPartner).toEqual([]);
    const partnership = (await api('executive', 'GET', `/api/v1/report-packs/${charged.code}`)).json();
    expect(
      partnership.savings.byPartner.find((p: { organisation: string }) => p.organisation === 'WDC'),
    ).toEqual({ organisation: 'WDC', name: 'Wyvern District Council', ...figures });
  });

  it('shows the Teckal indicator as at the quarter’s last day to those billing lets read it', async () => {
    const lastDay = addDays(charged.until, -1);
    const indicator = (await api('finance', 'GET', `/api/v1/teckal?asOf=${lastDay}`)).json();
    const pack = (await api('finance', 'GET', `/api/v1/report-packs/${charged.code}`)).json();
    expect(pack.teckal).toEqual({
      years: indicator.years.map(
        (y: {
          financialYear: string;
          turnoverPence: number;
          othersPence: number;
          shareBasisPoints: number;
        }) => ({
          financialYear: y.financialYear,
          turnover: formatPounds(y.turnoverPence),
          others: formatPounds(y.othersPence),
          sharePercent: formatPounds(y.shareBasisPoints),
        }),
      ),
      turnover: formatPounds(indicator.turnoverPence),
      others: formatPounds(indicator.othersPence),
      sharePercent: formatPounds(indicator.shareBasisPoints),
      limitPercent: '20.00',
      status: indicator.status,
    });
    expect(indicator.turnoverPence).toBeGreaterThan(0);
    // A platform administrator reads the pack, but not the indicator; a partner never has it.
    expect((await api('admin', 'GET', `/api/v1/report-packs/${charged.code}`)).json().teckal).toBeNull();
    expect((await api('admin', 'GET', `/api/v1/report-packs/${charged.code}`)).json().scope).toBe(
      'partnership',
    );
  });
});

describe('who may read a pack, and what is refused', () => {
  it('refuses anyone but the host’s builders and a partner’s managers', async () => {
    for (const who of ['serviceManager', 'wdcRequester']) {
      const response = await api(who, 'GET', `/api/v1/report-packs/${quiet.code}`);
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('ERR_FORBIDDEN');
    }
    const requester = await signedInBrowser(t.app, PEOPLE.wdcRequester);
    expect((await requester.get('/planning/reports')).statusCode).toBe(403);
  });

  it('answers a malformed quarter with the validation code, naming the field', async () => {
    for (const quarter of ['2026-Q5', '2026-07', '2026-27', 'next']) {
      const response = await api('executive', 'GET', `/api/v1/report-packs/${quarter}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('ERR_VALIDATION');
      expect(response.json().error.details.fields).toEqual({
        quarter: 'Enter the quarter as a year and a quarter number, such as 2026-Q3',
      });
    }
    expect(
      (await api('executive', 'GET', `/api/v1/report-packs/${quiet.code}?organisation=NOSUCH`)).statusCode,
    ).toBe(404);
    // The host's own code is the partnership's pack.
    const own = await api('executive', 'GET', `/api/v1/report-packs/${quiet.code}?organisation=MCC`);
    expect(own.json().scope).toBe('partnership');
  });
});

describe('the pack’s page', () => {
  it('shows the last complete quarter by default, each section with a chart and its table', async () => {
    const page = await browsers.executive!.get('/planning/reports');
    expect(page.statusCode).toBe(200);
    const today = londonDate();
    const quarterNow = Math.floor((Number(today.slice(5, 7)) - 1) / 3);
    const expected =
      quarterNow === 0 ? `${Number(today.slice(0, 4)) - 1}-Q4` : `${today.slice(0, 4)}-Q${quarterNow}`;
    expect(page.body).toContain(`name="quarter" type="text" spellcheck="false" value="${expected}"`);
    expect(page.body).toContain('Quarterly report pack: the partnership');
    for (const section of ['sla', 'volumes', 'charges', 'teckal'])
      expect(page.body).toMatch(
        new RegExp(
          `data-qa="chart-${section}">\\s*<svg [^>]*role="img" aria-labelledby="${section}-chart-title ${section}-chart-desc"`,
        ),
      );
    expect(page.body).toContain('<table class="govuk-table" data-qa="sla-lines">');
    expect(page.body).toContain('<table class="govuk-table" data-qa="charges-partners">');
    expect(page.body).toContain(`href="/planning/reports/pack.pdf?quarter=${expected}"`);
    expect(page.body).toContain(`href="/planning/reports/pack.xlsx?quarter=${expected}"`);
    expect(page.body).toContain(`href="/planning/reports/WDC?quarter=${expected}"`);
    expect(page.body).not.toContain('reports.');
  });

  it('re-renders the form with an error summary naming the quarter when it is malformed', async () => {
    for (const url of [
      '/planning/reports?quarter=2026-Q9',
      '/planning/reports/WDC?quarter=Q3',
      '/planning/reports/pack.pdf?quarter=2026',
    ]) {
      const page = await browsers.executive!.get(url);
      expect(page.statusCode).toBe(400);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.body).toContain('govuk-error-summary');
      expect(page.body).toContain(
        '<a href="#quarter">Enter the quarter as a year and a quarter number, such as 2026-Q3</a>',
      );
      expect(page.body).toMatch(/<title>Error: /);
    }
  });

  it('shows a partner’s manager their own pack at the same address', async () => {
    const page = await browsers.wdcManager!.get(`/planning/reports?quarter=${quiet.code}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Quarterly report pack: Wyvern District Council');
    expect(page.body).not.toContain('data-qa="section-teckal"');
    expect(page.body).toContain(`href="/planning/reports/pack.pdf?quarter=${quiet.code}"`);
    expect(page.body).toMatch(
      /<th scope="row" class="govuk-table__header">IT<\/th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">4<\/td>/,
    );
  });

  it('opens one partner’s pack for the host, with its own downloads and the way back', async () => {
    const page = await browsers.executive!.get(`/planning/reports/wdc?quarter=${quiet.code}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Quarterly report pack: Wyvern District Council');
    expect(page.body).toContain(`href="/planning/reports?quarter=${quiet.code}" data-qa="partnership-link"`);
    expect(page.body).toContain(`href="/planning/reports/wdc/pack.pdf?quarter=${quiet.code}"`);
    expect(page.body).not.toContain('Mercia Fire and Rescue Service');
    const file = await browsers.executive!.get(`/planning/reports/wdc/pack.pdf?quarter=${quiet.code}`);
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="report-pack-WDC-${quiet.code}.pdf"`,
    );
    expect((await browsers.executive!.get(`/planning/reports/NOSUCH?quarter=${quiet.code}`)).statusCode).toBe(
      404,
    );
  });

  it('offers the pack in the navigation to those who may read it', async () => {
    expect((await browsers.executive!.get('/')).body).toContain('href="/planning/reports"');
    expect((await browsers.wdcManager!.get('/')).body).toContain('href="/planning/reports"');
    const requester = await signedInBrowser(t.app, PEOPLE.wdcRequester);
    expect((await requester.get('/')).body).not.toContain('href="/planning/reports"');
  });
});

describe('downloads', () => {
  it('gives a tagged PDF in British English, titled, with the organisation and each section', async () => {
    const response = await browsers.wdcManager!.get(`/planning/reports/pack.pdf?quarter=${quiet.code}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="report-pack-WDC-${quiet.code}.pdf"`,
    );
    const pdf = response.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const raw = pdf.toString('latin1');
    expect(raw).toContain('/Lang (en-GB)');
    expect(raw).toContain('/StructTreeRoot');
    expect(raw).toContain('/MarkInfo');
    expect(raw).toMatch(/\/Title \d+ 0 R/);
    expect(raw).toContain(`(Quarterly report pack: Wyvern District Council, ${quiet.code})`);
    const text = pdfText(pdf);
    expect(text).toContain('Wyvern District Council');
    for (const heading of ['SLA performance', 'Volumes', 'Charges', 'Savings against plan'])
      expect(text).toContain(heading);
    expect(text).toContain('Report an IT fault');
    expect(text).toContain('3.25');
    expect(text).not.toContain('Teckal');
  });

  it('gives a workbook with a cover and a sheet per table, money as numbers in pounds', async () => {
    const response = await browsers.executive!.get(`/planning/reports/pack.xlsx?quarter=${charged.code}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="report-pack-MCC-partnership-${charged.code}.xlsx"`,
    );
    const { sheets } = await readWorkbook(response.rawPayload);
    expect([...sheets.keys()]).toEqual([
      'Cover',
      'SLA performance',
      'SLA by partner',
      'Volumes',
      'Usage',
      'Charges',
      'Charges by partner',
      'Savings',
      'Savings by partner',
      'Teckal',
    ]);
    const cover = sheets.get('Cover')!.rows;
    expect(cover).toContainEqual(['Organisation', 'Mercia County Council (MCC)']);
    expect(cover).toContainEqual(['Quarter', charged.code]);
    expect(cover.find((row) => row[0] === 'Produced')?.[1]).toMatch(/\d{4} at \d/);

    const lines = await issuedLines(charged);
    const charges = sheets.get('Charges')!;
    expect(charges.rows[0]).toEqual(['Service line', 'Statements', 'Credit notes', 'Net charged']);
    const total = charges.rows[charges.rows.length - 1]!;
    expect(total[0]).toBe('Total');
    expect(total[3]).toBe(Number(sum(lines)) / 100);
    expect(total[2]).toBe(Number(sum(lines.filter((l) => l.kind === 'credit_note'))) / 100);
    expect(charges.formats[1]![1]).toBe('£#,##0.00');
    const hr = charges.rows.find((row) => row[0] === 'Personnel (HR) Administration')!;
    expect(hr[3]).toBe(Number(sum(lines.filter((l) => l.line === 'HR'))) / 100);
    const sla = sheets.get('SLA performance')!;
    expect(sla.rows[0]![0]).toBe('Service line');
    expect(sla.formats[1]![4]).toBe('0.0%');
  });

  it('names a partner’s own pack for it', async () => {
    const response = await browsers.wdcManager!.get(`/planning/reports/WDC/pack.xlsx?quarter=${quiet.code}`);
    expect(response.statusCode).toBe(200);
    const { sheets } = await readWorkbook(response.rawPayload);
    expect([...sheets.keys()]).toEqual(['Cover', 'SLA performance', 'Volumes', 'Usage', 'Charges']);
    expect(sheets.get('Cover')!.rows).toContainEqual(['Organisation', 'Wyvern District Council (WDC)']);
    expect(sheets.get('Usage')!.rows[1]).toEqual(['Report an IT fault', 'IT', 'request', 3.25, 3]);
    expect(sheets.get('SLA performance')!.rows[1]).toEqual(['IT', 4, 2, 2, 0.5, 3, 1, 0.75]);
  });
});
