import zlib from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { inScope } from '../../../platform/db/index.js';
import { callerIn, financeCaller, idsByCode, recordEvents, services } from '../billing.test-helpers.js';
import { statementPdf } from './statements.pdf.js';
import type { StatementView } from './statements.service.js';

let t: TestApp;
const tokens: Record<string, string> = {};
let orgs: Record<string, string>;
let draftRunId: string;
let issuedRunId: string;

const get = (who: string, url: string) => apiCall(t.app, tokens[who]!, 'GET', url);
const post = (who: string, url: string, body?: unknown) =>
  apiCall(t.app, tokens[who]!, 'POST', url, body ?? {});

/** The text a PDF shows: its content streams inflated, the hex strings of its text operators decoded. */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const texts: string[] = [];
  for (const match of raw.matchAll(/<<([^]*?)>>\s*stream\r?\n/g)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    let body = pdf.subarray(start, end);
    if (/FlateDecode/.test(match[1]!)) {
      try {
        body = zlib.inflateSync(body);
      } catch {
        continue;
      }
    }
    const content = body.toString('latin1');
    for (const operator of content.matchAll(/\[([^\]]*)\]\s*TJ/g))
      texts.push(
        [...operator[1]!.matchAll(/<([0-9a-fA-F]*)>/g)]
          .map((hex) => Buffer.from(hex[1]!, 'hex').toString('latin1'))
          .join(''),
      );
  }
  return texts.join('\n');
}

beforeAll(async () => {
  t = await buildTestApp();
  orgs = await idsByCode(t.db, 'organisations');
  for (const [who, email, code] of [
    ['finance', 'finance@mercia.example', 'MCC'],
    ['executive', 'executive@mercia.example', 'MCC'],
    ['manager', 'service.manager@mercia.example', 'MCC'],
    ['agent', 'agent@mercia.example', 'MCC'],
    ['admin', 'admin@mercia.example', 'MCC'],
    ['wdc', 'manager@wyvern.example', 'WDC'],
    ['wdcRequester', 'requester@wyvern.example', 'WDC'],
    ['mfrs', 'manager@merciafire.example', 'MFRS'],
  ] as const)
    tokens[who] = await apiTokenFor(t.db, email, code);

  await recordEvents(t.db, [
    {
      key: 'st-1',
      organisation: 'WDC',
      offering: 'IT-FAULT',
      quantity: '1',
      occurredAt: '2031-07-02T09:00:00Z',
      requestReference: 'WDC-000042',
    },
    {
      key: 'st-2',
      organisation: 'WDC',
      offering: 'IT-FAULT',
      quantity: '1',
      occurredAt: '2031-07-03T09:00:00Z',
      requestReference: 'WDC-000043',
    },
    {
      key: 'st-3',
      organisation: 'MFRS',
      offering: 'IT-FAULT',
      quantity: '5',
      occurredAt: '2031-07-03T09:00:00Z',
    },
  ]);
  const billing = services(t.db);
  const finance = await financeCaller(t.db);
  await billing.pools.importPools(
    finance,
    'service_line,period,amount,driver,description\nHR,2031-07,1200.00,headcount,HR team',
  );
  await billing.pools.importDrivers(
    finance,
    'organisation,service_line,driver,value,period\nWDC,HR,headcount,300,2031-07\nMFRS,HR,headcount,100,2031-07\nMCC-RES,HR,headcount,200,2031-07',
  );
  const issued = await post('finance', '/api/v1/recharge-runs', {
    period: '2031-07',
    organisations: ['WDC', 'MFRS', 'MCC-RES'],
  });
  expect(issued.statusCode).toBe(201);
  issuedRunId = issued.json().run.id;
  expect((await post('finance', `/api/v1/recharge-runs/${issuedRunId}/review`)).statusCode).toBe(200);
  expect((await post('finance', `/api/v1/recharge-runs/${issuedRunId}/issue`)).json().status).toBe('issued');
  const draft = await post('finance', '/api/v1/recharge-runs', { period: '2031-08' });
  draftRunId = draft.json().run.id;
});
afterAll(() => t.close());

async function numberOf(code: string): Promise<string> {
  const statements = (await get('finance', `/api/v1/recharge-runs/${issuedRunId}/statements`)).json()
    .data as StatementView[];
  return statements.find((s) => s.organisation.code === code)!.number!;
}

describe('the recharge API for finance officers', () => {
  it('gives every statement of a run with amounts in whole pence', async () => {
    const response = await get('finance', `/api/v1/recharge-runs/${issuedRunId}/statements`);
    expect(response.statusCode).toBe(200);
    const statements = response.json().data as StatementView[];
    expect(statements.map((s) => s.organisation.code)).toEqual(['MCC-RES', 'MFRS', 'WDC']);
    const wdc = statements.find((s) => s.organisation.code === 'WDC')!;
    const it = wdc.serviceLines.find((g) => g.code === 'IT')!;
    expect(it.lines[0]).toMatchObject({
      kind: 'usage',
      quantity: '2',
      unitPricePence: 2200,
      amountPence: 4400,
    });
    expect(Number.isInteger(wdc.totalPence)).toBe(true);
    const hr = wdc.serviceLines.find((g) => g.code === 'HR')!.lines[0]!;
    expect(hr).toMatchObject({ kind: 'pool_share', quantity: '300', amountPence: 60_000 });
  });

  it('exports every line as CSV and the journal for the ledger', async () => {
    const csv = await get('finance', `/api/v1/recharge-runs/${issuedRunId}/statements.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\n')[0]).toBe(
      'statement,kind,status,organisation,organisation_name,period,corrects,service_line,line,line_kind,offering,description,quantity,unit,unit_price_pence,unit_price,amount_pence,amount',
    );
    expect(csv.body).toMatch(
      /WDC,Wyvern District Council,2031-07,,IT,\d+,usage,IT-FAULT,Report an IT fault,2,request,2200,22.00,4400,44.00/,
    );
    const journal = await get('finance', `/api/v1/recharge-runs/${issuedRunId}/journal.csv`);
    expect(journal.statusCode).toBe(200);
    expect(journal.body.split('\n')[0]).toBe(
      'statement,organisation,period,cost_centre,account,amount,narrative',
    );
    expect(journal.body).toContain(',WDC,2031-07,SSC-HR,4430,600.00,');
  });

  it('refuses a period in the wrong shape, and lets executives read but not run', async () => {
    const bad = await post('finance', '/api/v1/recharge-runs', { period: '2031-13' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('ERR_INVALID_PERIOD');
    expect((await get('executive', `/api/v1/recharge-runs/${issuedRunId}`)).statusCode).toBe(200);
    expect((await post('executive', '/api/v1/recharge-runs', { period: '2031-09' })).statusCode).toBe(403);
    expect((await get('agent', '/api/v1/recharge-runs')).statusCode).toBe(403);
  });

  it('imports cost pools all or none, naming each bad line', async () => {
    const response = await post('finance', '/api/v1/cost-pools/import', {
      csv: 'service_line,period,amount,driver,description\nIT,2031-09,100.00,devices,\nNOPE,2031-9,ten,Bad Name,',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('ERR_IMPORT_REJECTED');
    expect(
      response.json().error.details.rows.map((r: { line: number; field: string }) => [r.line, r.field]),
    ).toEqual([
      [3, 'service_line'],
      [3, 'period'],
      [3, 'amount'],
      [3, 'driver'],
    ]);
    const pools = (await get('finance', '/api/v1/cost-pools')).json().data as Array<{ period: string }>;
    expect(pools.some((p) => p.period === '2031-09')).toBe(false);
  });

  it('shows the Teckal indicator to finance officers and executives only', async () => {
    const response = await get('finance', '/api/v1/teckal?asOf=2031-07-31');
    expect(response.statusCode).toBe(200);
    const indicator = response.json();
    expect(indicator.years.map((y: { financialYear: string }) => y.financialYear)).toEqual([
      '2029-30',
      '2030-31',
      '2031-32',
    ]);
    // WDC controls the host (demo); MFRS does not; MCC-RES is the host's own directorate, not controlling.
    const mfrs = indicator.organisations.find((o: { code: string }) => o.code === 'MFRS');
    expect(mfrs.controlling).toBe(false);
    expect(indicator.othersPence).toBeGreaterThan(0);
    expect(indicator.shareBasisPoints).toBe(
      Math.round((indicator.othersPence * 10000) / indicator.turnoverPence),
    );
    expect((await get('wdc', '/api/v1/teckal')).statusCode).toBe(403);
    expect(
      (await apiCall(t.app, tokens.admin!, 'PUT', '/api/v1/teckal/controlling/MFRS', { controlling: true }))
        .statusCode,
    ).toBe(204);
    const after = (await get('executive', '/api/v1/teckal?asOf=2031-07-31')).json();
    expect(after.organisations.find((o: { code: string }) => o.code === 'MFRS').controlling).toBe(true);
    expect(after.othersPence).toBeLessThan(indicator.othersPence);
    expect(
      (
        await apiCall(t.app, tokens.finance!, 'PUT', '/api/v1/teckal/controlling/MFRS', {
          controlling: false,
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('what partners see', () => {
  it('shows a partner’s managers their own issued statements, and no draft or other partner’s', async () => {
    const list = (await get('wdc', '/api/v1/statements')).json().data as Array<{
      organisation: string;
      number: string;
    }>;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((s) => s.organisation === 'WDC' && s.number)).toBe(true);
    const own = await get('wdc', `/api/v1/statements/${await numberOf('WDC')}`);
    expect(own.statusCode).toBe(200);
    expect(own.json().organisation.code).toBe('WDC');
    expect((await get('wdc', `/api/v1/statements/${await numberOf('MFRS')}`)).statusCode).toBe(404);
    expect((await get('wdc', `/api/v1/statements/${await numberOf('MFRS')}/pdf`)).statusCode).toBe(404);
    expect((await get('wdc', `/api/v1/recharge-runs/${draftRunId}/statements/WDC`)).statusCode).toBe(404);
    expect((await get('wdc', `/api/v1/recharge-runs/${draftRunId}/statements`)).statusCode).toBe(403);
    expect((await get('wdc', `/api/v1/recharge-runs/${draftRunId}`)).statusCode).toBe(403);
    expect((await get('wdcRequester', '/api/v1/statements')).statusCode).toBe(403);
    // The host sees the draft's statement.
    expect((await get('finance', `/api/v1/recharge-runs/${draftRunId}/statements/WDC`)).statusCode).toBe(200);
  });

  it('lets a partner drill from a line to the single request, and shows a pool share without others’ values', async () => {
    const number = await numberOf('WDC');
    const statement = (await get('wdc', `/api/v1/statements/${number}`)).json<StatementView>();
    const it = statement.serviceLines.find((g) => g.code === 'IT')!.lines[0]!;
    const events = await get('wdc', `/api/v1/statements/${number}/lines/${it.line}/events?limit=1`);
    expect(events.statusCode).toBe(200);
    expect(events.json().totals).toEqual({ events: 2, quantity: '2' });
    expect(events.json().events).toEqual([
      expect.objectContaining({ key: 'st-1', requestReference: 'WDC-000042' }),
    ]);
    const next = await get(
      'wdc',
      `/api/v1/statements/${number}/lines/${it.line}/events?limit=1&after=${events.json().next}`,
    );
    expect(next.json().events).toEqual([
      expect.objectContaining({ key: 'st-2', requestReference: 'WDC-000043' }),
    ]);
    expect(next.json().next).toBeNull();

    const hr = statement.serviceLines.find((g) => g.code === 'HR')!.lines[0]!;
    expect(hr.source).toMatchObject({ poolAmountPence: '120000', value: '300000', totalValue: '600000' });
    expect(JSON.stringify(hr.source)).not.toContain(orgs.MFRS!);
    const pool = await get('wdc', `/api/v1/statements/${number}/lines/${hr.line}/events`);
    expect(pool.json()).toMatchObject({ events: [], totals: null });
  });

  it('keeps drafts, runs, pools and other partners’ rows from a partner even through a query that forgets to filter', async () => {
    const wdc = await callerIn(t.db, 'manager@wyvern.example', 'WDC');
    const scope = { userId: wdc.principal.userId, orgIds: [orgs.WDC!] };
    const seen = await inScope(t.db, scope, async (tx) => ({
      runs: (await sql`select id from recharge_runs`.execute(tx)).rows.length,
      pools: (await sql`select id from cost_pools`.execute(tx)).rows.length,
      statements: (
        await sql<{
          org_id: string;
          number: string | null;
        }>`select org_id, number from recharge_statements`.execute(tx)
      ).rows,
      lines: (
        await sql<{ org_id: string; run_id: string }>`select org_id, run_id from recharge_lines`.execute(tx)
      ).rows,
      drivers: (await sql<{ org_id: string }>`select org_id from driver_values`.execute(tx)).rows,
      usage: (await sql<{ org_id: string }>`select distinct org_id from usage_events`.execute(tx)).rows,
      keys: (await sql<{ org_id: string }>`select distinct org_id from usage_keys`.execute(tx)).rows,
    }));
    expect(seen.runs).toBe(0);
    expect(seen.pools).toBe(0);
    expect(seen.statements.length).toBeGreaterThan(0);
    expect(seen.statements.every((s) => s.org_id === orgs.WDC && s.number !== null)).toBe(true);
    expect(seen.lines.length).toBeGreaterThan(0);
    expect(seen.lines.every((l) => l.org_id === orgs.WDC && l.run_id !== draftRunId)).toBe(true);
    expect(seen.drivers.every((d) => d.org_id === orgs.WDC)).toBe(true);
    expect(seen.usage).toEqual([{ org_id: orgs.WDC }]);
    expect(seen.keys).toEqual([{ org_id: orgs.WDC }]);
    // Nor can it write any of them.
    await expect(
      inScope(t.db, scope, (tx) =>
        sql`insert into cost_pools (org_id, host_org_id, service_line_id, period, period_from, period_until, amount_pence, driver)
            select ${orgs.MCC!}::uuid, ${orgs.MCC!}::uuid, id, '2031-09', '2031-09-01', '2031-10-01', 1, 'x' from service_lines limit 1`.execute(
          tx,
        ),
      ),
    ).rejects.toThrow();
  });
});

describe('statements as PDF', () => {
  it('is a tagged PDF in British English with a title, whose text shows the statement', async () => {
    const number = await numberOf('WDC');
    const response = await get('wdc', `/api/v1/statements/${number}/pdf`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const pdf = response.rawPayload;
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
    const raw = pdf.toString('latin1');
    expect(raw).toContain('/Lang (en-GB)');
    expect(raw).toMatch(/\/MarkInfo \d+ 0 R/);
    expect(raw).toContain('/Marked true');
    expect(raw).toContain('/StructTreeRoot');
    expect(raw).toContain('/DisplayDocTitle true');
    const text = pdfText(pdf);
    expect(text).toContain(`Statement ${number}`);
    expect(text).toContain('to Wyvern District Council (WDC)');
    expect(text).toContain('Period 2031-07: 1 July 2031 to 31 July 2031');
    expect(text).toContain('Report an IT fault (IT-FAULT)');
    expect(text).toContain('£22.00');
    expect(text).toContain('£44.00');
    const statement = (await get('wdc', `/api/v1/statements/${number}`)).json<StatementView>();
    const total = `Total: £${(statement.totalPence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2 })}`;
    expect(text).toContain(total);
  });

  it('draws the same statement into the same bytes, and can be read uncompressed', async () => {
    const finance = await financeCaller(t.db);
    const view = await services(t.db).statements.get(finance, { number: await numberOf('MFRS') });
    const first = await statementPdf(view, { compress: false });
    expect((await statementPdf(view, { compress: false })).equals(first)).toBe(true);
    expect(pdfText(first)).toContain('Mercia Fire and Rescue Service');
    expect(pdfText(await statementPdf({ ...view, totalPence: 123_456_789 }))).toContain(
      'Total: £1,234,567.89',
    );
  });
});
