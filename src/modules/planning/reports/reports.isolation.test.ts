/**
 * A partner's manager sees their own organisation's pack and nothing of any other: asking for
 * another's answers exactly as an organisation that does not exist, on the page, the downloads and
 * the API; their own pack names no other organisation; and were a query to forget the partner (the
 * partnership's scope, say), row level security would still show them only their own rows.
 */
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
import { demoIds } from '../../../../test/helpers/database.js';
import { inScope } from '../../../platform/db/index.js';
import { financialYearOf } from '../../../kernel/periods.js';
import { PEOPLE } from '../planning.test-helpers.js';
import { reportsRepository } from './reports.repository.js';
import { pdfText, quietQuarter, readWorkbook, seedQuietQuarter } from './reports.test-helpers.js';

let t: TestApp;
let wdc: Browser;
let token: string;
let ids: Awaited<ReturnType<typeof demoIds>>;
/** Every organisation but WDC, by code and name: none may appear in WDC's pack. */
let others: Array<{ code: string; name: string }>;
const quiet = quietQuarter();
let recent: string;

beforeAll(async () => {
  t = await buildTestApp();
  ids = await demoIds(t.db);
  await seedQuietQuarter(t.db, quiet);
  wdc = await signedInBrowser(t.app, PEOPLE.wdcManager);
  token = await apiTokenFor(t.db, PEOPLE.wdcManager, 'WDC');
  others = (
    await sql<{
      code: string;
      name: string;
    }>`select code, name from organisations where code <> 'WDC'`.execute(t.db.kysely)
  ).rows;
  recent = (await wdc.get('/planning/reports')).body.match(
    /name="quarter" type="text" spellcheck="false" value="([^"]+)"/,
  )![1]!;
});
afterAll(() => t?.close());

describe('another partner’s pack', () => {
  it('is not found for WDC’s manager, on the page, the downloads and the API', async () => {
    for (const quarter of [quiet.code, recent]) {
      for (const url of [
        `/planning/reports/MFRS?quarter=${quarter}`,
        `/planning/reports/MFRS/pack.pdf?quarter=${quarter}`,
        `/planning/reports/MFRS/pack.xlsx?quarter=${quarter}`,
        `/planning/reports/mfrs?quarter=${quarter}`,
        `/planning/reports/MCC?quarter=${quarter}`,
      ]) {
        const response = await wdc.get(url);
        expect(response.statusCode, url).toBe(404);
        expect(response.body).not.toContain('Mercia Fire and Rescue Service');
      }
      const api = await apiCall(t.app, token, 'GET', `/api/v1/report-packs/${quarter}?organisation=MFRS`);
      expect(api.statusCode).toBe(404);
      expect(api.json().error.code).toBe('ERR_NOT_FOUND');
      // Exactly as an organisation that does not exist.
      const missing = await apiCall(
        t.app,
        token,
        'GET',
        `/api/v1/report-packs/${quarter}?organisation=NOSUCH`,
      );
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error).toEqual(api.json().error);
    }
  });
});

describe('WDC’s own pack', () => {
  const mentions = (text: string) =>
    others.filter((o) => text.includes(o.name) || new RegExp(`(?<![\\w-])${o.code}(?![\\w-])`).test(text));

  it('names no other organisation in the API, the page, the PDF or the workbook', async () => {
    for (const quarter of [quiet.code, recent]) {
      const json = await apiCall(t.app, token, 'GET', `/api/v1/report-packs/${quarter}`);
      expect(json.statusCode).toBe(200);
      expect(json.json().organisation.code).toBe('WDC');
      expect(json.json().sla.byPartner).toEqual([]);
      expect(json.json().charges.byPartner).toEqual([]);
      expect(mentions(json.body)).toEqual([]);

      const page = await wdc.get(`/planning/reports?quarter=${quarter}`);
      const main = page.body.slice(page.body.indexOf('<main'), page.body.indexOf('</main>'));
      expect(main).toContain('Wyvern District Council');
      expect(mentions(main)).toEqual([]);

      const pdf = await wdc.get(`/planning/reports/pack.pdf?quarter=${quarter}`);
      const text = pdfText(pdf.rawPayload);
      expect(text).toContain('Wyvern District Council');
      expect(mentions(text)).toEqual([]);

      const xlsx = await wdc.get(`/planning/reports/pack.xlsx?quarter=${quarter}`);
      const { sheets } = await readWorkbook(xlsx.rawPayload);
      const cells = [...sheets.values()]
        .flatMap((s) => s.rows.flat())
        .map(String)
        .join('\n');
      expect(cells).toContain('Wyvern District Council (WDC)');
      expect(mentions(cells)).toEqual([]);
    }
  });

  it('counts only WDC’s rows where MFRS has some in the same quarter', async () => {
    const pack = (await apiCall(t.app, token, 'GET', `/api/v1/report-packs/${quiet.code}`)).json();
    // MFRS's request (breached) and usage (4) were seeded in the same quarter on the same line.
    expect(pack.sla.total.resolved).toBe(4);
    expect(pack.volumes.usage).toMatchObject([{ offering: 'IT-FAULT', quantity: '3.25', events: 3 }]);
  });

  it('is kept to WDC by row level security even when a query asks for the whole partnership', async () => {
    const scope = { userId: ids.users[PEOPLE.wdcManager]!, orgIds: [ids.orgs.WDC!] };
    const partnership = { kind: 'partnership', hostOrgId: ids.orgs.MCC! } as const;
    const found = await inScope(t.db, scope, async (tx) => ({
      requests: await reportsRepository.requests(tx, partnership, quiet),
      usage: await reportsRepository.usage(tx, partnership, quiet),
      charges: await reportsRepository.charges(tx, partnership, quiet, financialYearOf(quiet.from)),
    }));
    expect(found.requests.map((r) => r.orgId)).toEqual([ids.orgs.WDC]);
    expect(found.requests[0]).toMatchObject({ resolved: 4, raised: 5 });
    expect(found.usage).toMatchObject([{ offering: 'IT-FAULT', quantityThousandths: 3250n }]);
    // And the same for the charges of the demo's issued month, as the host and as WDC.
    const host = { userId: ids.users[PEOPLE.finance]!, orgIds: [ids.orgs.MCC!] };
    const month = await sql<{ from: string }>`
      select min(period_from)::text as from from recharge_statements where number is not null`.execute(
      t.db.kysely,
    );
    const from = month.rows[0]!.from;
    const quarter = {
      code: '',
      kind: 'quarter' as const,
      from,
      until: `${from.slice(0, 4)}-12-31`,
      months: [],
    };
    const year = financialYearOf(from);
    const all = await inScope(t.db, host, (tx) => reportsRepository.charges(tx, partnership, quarter, year));
    const own = await inScope(t.db, scope, (tx) => reportsRepository.charges(tx, partnership, quarter, year));
    expect(new Set(all.map((c) => c.orgId)).size).toBeGreaterThan(1);
    expect(own.length).toBeGreaterThan(0);
    expect(own).toEqual(all.filter((c) => c.orgId === ids.orgs.WDC));
  });
});
