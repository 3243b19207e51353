import { periodInWords as inWords } from '../../../kernel/periods.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, signedInBrowser, type Browser, type TestApp } from '../../../../test/helpers/app.js';
import { PEOPLE } from '../../planning/planning.test-helpers.js';

let t: TestApp;

const POOLS = '/recharges/cost-pools';
const DRIVERS = '/recharges/drivers';
const POOLS_IMPORT = 'action="/recharges/cost-pools/import"';
const DRIVERS_IMPORT = 'action="/recharges/drivers/import"';
const POOLS_HEADER = 'service_line,period,amount,driver,description';
const DRIVERS_HEADER = 'organisation,service_line,driver,value,period';

/** The HTML of the table a page's region (by its data-qa) holds, or '' when there is none. */
function table(html: string, qa: string): string {
  const at = html.indexOf(`data-qa="${qa}"`);
  return at < 0 ? '' : html.slice(at, html.indexOf('</table>', at));
}

/** The text people read in some HTML, less what is marked as a code. */
function wordsOf(html: string): string {
  return html
    .replace(/<span class="app-code">[^<]*<\/span>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

async function periods(tableName: 'cost_pools' | 'driver_values'): Promise<string[]> {
  const result = await sql<{ period: string }>`
    select distinct period from ${sql.table(tableName)} order by period`.execute(t.db.kysely);
  return result.rows.map((row) => row.period);
}

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t?.close());

describe('cost pools page', () => {
  it('shows the finance officer the demo’s pools in words and pounds, with the import form and a way back', async () => {
    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    const page = await finance.get(POOLS);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Cost pools</h1>');
    expect(page.body).toMatch(/<a href="\/recharges" class="govuk-back-link">/);
    const pools = table(page.body, 'cost-pools');
    expect(page.body).toMatch(/class="app-scrolling-table"[^>]*data-qa="cost-pools"/);
    expect(pools).toContain('£41,850.00');
    expect(pools).toContain('Personnel (HR) Administration');
    expect(pools).toContain('Headcount');
    expect(pools).toContain('HR administration team');
    const months = await periods('cost_pools');
    expect(months).toHaveLength(3);
    for (const month of months) expect(pools).toContain(inWords(month));
    // Newest first.
    const at = months.map((month) => pools.indexOf(inWords(month)));
    expect([...at].sort((a, b) => b - a)).toEqual(at);
    // No period or driver code as words.
    expect(wordsOf(pools)).not.toMatch(/\d{4}-(\d{2}|Q\d)|headcount/);
    expect(page.body).toContain(POOLS_IMPORT);
    expect(page.body).toContain('name="_csrf"');
    expect(page.body).toContain(`<span class="app-code">${POOLS_HEADER}</span>`);
    expect(page.body).toContain(
      '<span class="app-code">HR,2026-10,41850.00,headcount,HR administration team</span>',
    );
  });

  it('imports a good file, then shows its pools newest period first', async () => {
    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    await finance.get(POOLS);
    const response = await finance.post(`${POOLS}/import`, {
      csv: [
        POOLS_HEADER,
        'IT,2031-Q1,12345.67,transactions,Service desk',
        'PROP,2031-05,"1,250",floor_area,Office cleaning',
      ].join('\n'),
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${POOLS}?done=imported&added=2&changed=0&unchanged=0`);
    const page = await finance.get(response.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-qa="notice"');
    expect(page.body).toContain('Cost pools imported: 2 added, 0 changed, 0 unchanged');
    const pools = table(page.body, 'cost-pools');
    expect(pools).toContain('£12,345.67');
    expect(pools).toContain('£1,250.00');
    expect(pools).toContain('Transactions');
    expect(pools).toContain('Floor area');
    const may = pools.indexOf('May 2031');
    const quarter = pools.indexOf('January to March 2031');
    const demo = pools.indexOf(inWords((await periods('cost_pools')).filter((p) => p < '2031').at(-1)!));
    expect(may).toBeGreaterThan(0);
    expect(quarter).toBeGreaterThan(may);
    expect(demo).toBeGreaterThan(quarter);
  });

  it('refuses a bad file with 400, naming each bad line in words, and records nothing', async () => {
    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    const before = table((await finance.get(POOLS)).body, 'cost-pools');
    const csv = [
      POOLS_HEADER,
      'HR,2032-01,100.00,headcount,Fine on its own',
      'NOPE,2032-02,100.00,headcount,Unknown line',
      'HR,2032-03,lots,headcount,Not an amount',
      'HR,2032/04,100.00,headcount,Not a period',
    ].join('\n');
    const response = await finance.post(`${POOLS}/import`, { csv });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('There is a problem');
    expect(response.body).toContain('<a href="#csv">Line 3: No service line has the code NOPE</a>');
    expect(response.body).toContain('<a href="#csv">Line 4: Amount must be pounds and pence');
    expect(response.body).toContain('<a href="#csv">Line 5: Period must be a month');
    expect(response.body).not.toContain('Line 2:');
    const problems = table(response.body, 'import-problems');
    expect(problems).toContain('Line 3: No service line has the code NOPE');
    expect(response.body).toContain('Correct the 3 problem(s) listed above; nothing was imported');
    expect(response.body).toContain('NOPE,2032-02,100.00');
    const after = await finance.get(POOLS);
    expect(table(after.body, 'cost-pools')).toBe(before);
    expect(after.body).not.toContain('January 2032');
  });
});

describe('driver values page', () => {
  it('shows the finance officer the demo’s headcounts in words, with the import form and a way back', async () => {
    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    const page = await finance.get(DRIVERS);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Driver values</h1>');
    expect(page.body).toMatch(/<a href="\/recharges" class="govuk-back-link">/);
    expect(page.body).toMatch(/class="app-scrolling-table"[^>]*data-qa="driver-values"/);
    const values = table(page.body, 'driver-values');
    const wdc = values.split('<tr').find((row) => row.includes('Wyvern District Council'));
    expect(wdc).toBeDefined();
    expect(wdc).toContain('382.5');
    expect(wdc).toContain('Headcount');
    expect(wdc).toContain('Estimate');
    expect(values).toContain('611');
    for (const year of await periods('driver_values')) expect(values).toContain(inWords(year));
    expect(wordsOf(values)).not.toMatch(/\d{4}-(\d{2}|Q\d)|headcount|estimate/);
    expect(page.body).toContain(DRIVERS_IMPORT);
    expect(page.body).toContain(`<span class="app-code">${DRIVERS_HEADER}</span>`);
  });

  it('imports a good file, then shows its values', async () => {
    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    await finance.get(DRIVERS);
    const response = await finance.post(`${DRIVERS}/import`, {
      basis: 'actual',
      csv: [DRIVERS_HEADER, 'MCC,IT,transactions,12500,2031-32', 'MCC,HR,headcount,120.25,2031-Q2'].join(
        '\n',
      ),
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${DRIVERS}?done=imported&added=2&changed=0&unchanged=0`);
    const page = await finance.get(response.headers.location as string);
    expect(page.body).toContain('Driver values imported: 2 added, 0 changed, 0 unchanged');
    const rows = table(page.body, 'driver-values').split('<tr');
    const itRow = rows.find((row) => row.includes('12,500'));
    expect(itRow).toContain('<td class="govuk-table__cell">IT</td>');
    expect(itRow).toContain('Transactions');
    expect(itRow).toContain('April 2031 to March 2032');
    expect(itRow).toContain('Actual');
    const quarter = rows.find((row) => row.includes('120.25'));
    expect(quarter).toContain('April to June 2031');
  });

  it('refuses a bad file with 400, naming each bad line in words, and records nothing', async () => {
    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    const before = table((await finance.get(DRIVERS)).body, 'driver-values');
    const csv = [
      DRIVERS_HEADER,
      'MCC,HR,headcount,10,2033-34',
      'NOPE,HR,headcount,10,2033-34',
      'MCC,HR,headcount,-1,2033-34',
    ].join('\n');
    const response = await finance.post(`${DRIVERS}/import`, { csv, basis: 'actual' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('<a href="#csv">Line 3: No organisation you serve has the code NOPE</a>');
    expect(response.body).toContain('<a href="#csv">Line 4: Value cannot be negative</a>');
    expect(table(response.body, 'import-problems')).toContain('Line 4: Value cannot be negative');
    expect(response.body).toMatch(/<input[^>]*value="actual" checked/);
    const after = await finance.get(DRIVERS);
    expect(table(after.body, 'driver-values')).toBe(before);
    expect(after.body).not.toContain('April 2033 to March 2034');
  });
});

describe('who may see and import', () => {
  async function refusedImports(who: Browser) {
    const pools = await who.post(`${POOLS}/import`, { csv: `${POOLS_HEADER}\nHR,2034-01,1.00,headcount,x` });
    const drivers = await who.post(`${DRIVERS}/import`, {
      csv: `${DRIVERS_HEADER}\nMCC,HR,headcount,1,2034-01`,
    });
    return [pools.statusCode, drivers.statusCode];
  }

  it('lets an executive and a service manager read both pages, with no import form, and refuses their imports', async () => {
    for (const email of [PEOPLE.executive, PEOPLE.serviceManager]) {
      const reader = await signedInBrowser(t.app, email);
      const pools = await reader.get(POOLS);
      expect(pools.statusCode).toBe(200);
      expect(table(pools.body, 'cost-pools')).toContain('£41,850.00');
      expect(pools.body).not.toContain(POOLS_IMPORT);
      expect(pools.body).not.toContain('name="csv"');
      const drivers = await reader.get(DRIVERS);
      expect(drivers.statusCode).toBe(200);
      expect(table(drivers.body, 'driver-values')).toContain('382.5');
      expect(drivers.body).not.toContain(DRIVERS_IMPORT);
      expect(drivers.body).not.toContain('name="csv"');
      expect(await refusedImports(reader)).toEqual([403, 403]);
    }
    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    expect((await finance.get(POOLS)).body).not.toContain('January 2034');
  });

  it('refuses a partner’s manager and a requester both pages and both imports', async () => {
    for (const email of [PEOPLE.wdcManager, PEOPLE.wdcRequester]) {
      const partner = await signedInBrowser(t.app, email);
      const pools = await partner.get(POOLS);
      expect(pools.statusCode).toBe(403);
      expect(pools.body).not.toContain('£41,850.00');
      const drivers = await partner.get(DRIVERS);
      expect(drivers.statusCode).toBe(403);
      expect(drivers.body).not.toContain('382.5');
      expect(await refusedImports(partner)).toEqual([403, 403]);
    }
  });
});
