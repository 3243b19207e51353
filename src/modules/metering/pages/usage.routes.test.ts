import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type Browser,
  type TestApp,
} from '../../../../test/helpers/app.js';

const PEOPLE = {
  finance: 'finance@mercia.example',
  wdcManager: 'manager@wyvern.example',
  wdcRequester: 'requester@wyvern.example',
  mfrsManager: 'manager@merciafire.example',
} as const;

/** Events on days of their own, so that a filter by date shows only these. */
const WDC_EVENTS = [
  {
    key: 'page-wdc-1',
    organisation: 'WDC',
    offering: 'IT-FAULT',
    quantity: '1.5',
    occurredAt: '2027-01-05T10:30:00Z',
    note: 'Wyvern printer fault',
    requestReference: 'WDC-000777',
  },
  {
    key: 'page-wdc-2',
    organisation: 'WDC',
    offering: 'FIN-PAYSLIP',
    quantity: '1234.25',
    occurredAt: '2027-01-06T09:00:00Z',
    note: 'Wyvern payslips',
  },
];
const WDC_REVERSAL = {
  key: 'page-wdc-1-back',
  organisation: 'WDC',
  offering: 'IT-FAULT',
  quantity: '-1.5',
  occurredAt: '2027-01-05T10:30:00Z',
  note: 'Wyvern fault taken back',
  reverses: 'page-wdc-1',
};
const MFRS_EVENT = {
  key: 'page-mfrs-1',
  organisation: 'MFRS',
  offering: 'IT-FAULT',
  quantity: '2',
  occurredAt: '2027-01-07T12:00:00Z',
  note: 'Fire service laptop',
  requestReference: 'MFRS-000888',
};
/** One more than a page, on a day of its own. */
const MANY = Array.from({ length: 51 }, (_, i) => ({
  key: `page-many-${i}`,
  organisation: 'WDC',
  offering: 'IT-FAULT',
  quantity: '1',
  occurredAt: '2026-12-01T10:00:00Z',
  note: `Bulk event ${i}`,
}));

const JANUARY = 'from-day=1&from-month=1&from-year=2027&to-day=31&to-month=1&to-year=2027';
const FIRST_OF_DECEMBER = 'from-day=1&from-month=12&from-year=2026&to-day=1&to-month=12&to-year=2026';

let t: TestApp;
const browsers: Partial<Record<keyof typeof PEOPLE, Browser>> = {};
const as = async (who: keyof typeof PEOPLE) => (browsers[who] ??= await signedInBrowser(t.app, PEOPLE[who]));
const rowsOf = (html: string) => html.match(/data-qa="usage-row"/g)?.length ?? 0;
const linkOf = (html: string, qa: string) =>
  new RegExp(`href="([^"]+)"[^>]*data-qa="${qa}"`).exec(html)?.[1]?.replaceAll('&amp;', '&');

beforeAll(async () => {
  t = await buildTestApp();
  const finance = await apiTokenFor(t.db, PEOPLE.finance, 'MCC');
  const record = async (events: unknown[]) => {
    const response = await apiCall(t.app, finance, 'POST', '/api/v1/usage-events', { events });
    expect(response.statusCode, response.body).toBe(201);
  };
  await record([...WDC_EVENTS, MFRS_EVENT, ...MANY]);
  await record([WDC_REVERSAL]);
});
afterAll(() => t?.close());

describe('GET /usage', () => {
  it('shows a partner’s manager its own usage, in words, and nothing of another partner', async () => {
    const page = await (await as('wdcManager')).get(`/usage?${JANUARY}`);
    expect(page.statusCode).toBe(200);
    expect(rowsOf(page.body)).toBe(3);
    expect(page.body).toContain('Wyvern printer fault');
    expect(page.body).toContain('Wyvern payslips');
    expect(page.body).not.toContain('Fire service laptop');
    expect(page.body).not.toContain('MFRS');
    // When, in England's words; the quantity exact; the source in words; the request linked.
    expect(page.body).toContain('5 January 2027 at 10:30am');
    expect(page.body).toMatch(/cell--numeric">\s*1\.5 requests\s*</);
    expect(page.body).toContain('Report an IT fault');
    expect(page.body).toContain('1,234.25');
    expect(page.body).toContain('Another system');
    expect(page.body).not.toMatch(/>\s*api\s*</);
    expect(page.body).toContain('href="/requests/WDC-000777"><span class="app-code">WDC-000777</span></a>');
    // The reversal reads as one.
    expect(page.body).toContain('\u22121.5');
    expect(page.body).toContain('data-qa="reversal"');
    // A partner is not asked which organisation: the list is its own.
    expect(page.body).not.toContain('id="organisation"');
  });

  it('keeps a partner to its own usage when the address asks for another’s', async () => {
    const page = await (await as('wdcManager')).get(`/usage?organisation=MFRS&${JANUARY}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Fire service laptop');
    expect(page.body).not.toContain('MFRS');
    expect(page.body).toContain('Wyvern printer fault');
    const csv = await (await as('wdcManager')).get(`/usage.csv?organisation=MFRS&${JANUARY}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).not.toContain('page-mfrs-1');
    expect(csv.body).not.toContain('MFRS');

    const mfrs = await (await as('mfrsManager')).get(`/usage?${JANUARY}`);
    expect(mfrs.statusCode).toBe(200);
    expect(mfrs.body).toContain('Fire service laptop');
    expect(mfrs.body).not.toContain('Wyvern');
  });

  it('refuses a requester with a 403 page, the list and the download alike', async () => {
    const requester = await as('wdcRequester');
    const page = await requester.get('/usage');
    expect(page.statusCode).toBe(403);
    expect(page.body).not.toContain('Wyvern printer fault');
    expect((await requester.get(`/usage?${JANUARY}`)).statusCode).toBe(403);
    expect((await requester.get('/usage?from-day=45&from-month=13&from-year=2026')).statusCode).toBe(403);
    const csv = await requester.get('/usage.csv');
    expect(csv.statusCode).toBe(403);
    expect(csv.body).not.toContain('page-wdc-1');
  });

  it('shows the host’s finance officer every partner’s usage, and filters by organisation', async () => {
    const finance = await as('finance');
    const all = await finance.get(`/usage?${JANUARY}`);
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Wyvern printer fault');
    expect(all.body).toContain('Fire service laptop');
    expect(all.body).toContain('id="organisation"');
    expect(all.body).toContain('Mercia Fire and Rescue Service');

    // Codes only where marked as codes: words everywhere else.
    const words = all.body
      .replace(/<span class="app-code">[^<]*<\/span>/g, '')
      .replace(/<script[\s\S]*?<\/script>/g, '')
      .replace(/<[^>]+>/g, ' ');
    expect(words).not.toMatch(/\b[A-Z]{2,}-[A-Z0-9-]+\b/);
    expect(all.body).not.toMatch(/>\s*(import|api|request|time)\s*</);

    const mfrs = await finance.get(`/usage?organisation=mfrs&${JANUARY}`);
    expect(mfrs.statusCode).toBe(200);
    expect(rowsOf(mfrs.body)).toBe(1);
    expect(mfrs.body).toContain('Fire service laptop');
    expect(mfrs.body).not.toContain('Wyvern');
    expect(mfrs.body).toContain('value="mfrs"');
    expect(mfrs.body).toContain('href="/requests/MFRS-000888"');

    const unknown = await finance.get('/usage?organisation=NOPE');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('govuk-error-summary');
    expect(unknown.body).toContain('href="#organisation"');
    expect(rowsOf(unknown.body)).toBe(0);
  });

  it('downloads the filtered list as CSV, holding the rows and only the caller’s', async () => {
    const wdc = await as('wdcManager');
    const page = await wdc.get(`/usage?${JANUARY}`);
    const href = linkOf(page.body, 'download');
    expect(href).toBe(`/usage.csv?${JANUARY}`);
    const csv = await wdc.get(href!);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="usage-from-2027-01-01-to-2027-01-31.csv"',
    );
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toMatch(/^id,organisation,/);
    expect(lines).toHaveLength(4);
    expect(csv.body).toContain('page-wdc-1');
    expect(csv.body).toContain('page-wdc-2');
    expect(csv.body).toContain('page-wdc-1-back');
    expect(csv.body).toContain('1234.25');
    expect(csv.body).not.toContain('page-mfrs-1');
    expect(csv.body).not.toContain('page-many-');

    const finance = await (await as('finance')).get(`/usage.csv?organisation=MFRS&${JANUARY}`);
    expect(finance.headers['content-disposition']).toContain('filename="usage-mfrs-from-2027-01-01');
    expect(finance.body).toContain('page-mfrs-1');
    expect(finance.body).not.toContain('page-wdc-');
  });

  it('answers a wrong date with 400, an error summary linking to the field, and the problem on it', async () => {
    const wdc = await as('wdcManager');
    const page = await wdc.get('/usage?from-day=45&from-month=13&from-year=2026');
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('govuk-error-summary');
    expect(page.body).toContain('href="#from-month"');
    expect(page.body).toContain('id="from-month"');
    expect(page.body).toContain('The first day must be a real date');
    expect(page.body).toContain('govuk-error-message');
    expect(page.body).toContain('value="45"');
    expect(rowsOf(page.body)).toBe(0);

    const backwards = await wdc.get(
      '/usage?from-day=2&from-month=1&from-year=2027&to-day=1&to-month=1&to-year=2027',
    );
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body).toContain('href="#to-day"');
    expect(backwards.body).toContain('The last day must be the same as or after the first day');

    const csv = await wdc.get('/usage.csv?from-day=45&from-month=13&from-year=2026');
    expect(csv.statusCode).toBe(303);
    expect(csv.headers.location).toBe('/usage?from-day=45&from-month=13&from-year=2026');
  });

  it('pages a list longer than a page with "Next", keeping the filters, and back with "Previous"', async () => {
    const wdc = await as('wdcManager');
    const first = await wdc.get(`/usage?${FIRST_OF_DECEMBER}`);
    expect(first.statusCode).toBe(200);
    expect(rowsOf(first.body)).toBe(50);
    expect(first.body).not.toContain('data-qa="previous"');
    const next = linkOf(first.body, 'next');
    expect(next).toContain(FIRST_OF_DECEMBER);
    expect(next).toMatch(/[?&]after=/);

    const second = await wdc.get(next!);
    expect(second.statusCode).toBe(200);
    expect(rowsOf(second.body)).toBe(1);
    expect(second.body).not.toContain('data-qa="next"');
    const notes = (html: string) => [...html.matchAll(/Bulk event \d+/g)].map((m) => m[0]);
    expect(new Set([...notes(first.body), ...notes(second.body)]).size).toBe(51);
    const previous = linkOf(second.body, 'previous');
    expect(previous).toBe(`/usage?${FIRST_OF_DECEMBER}`);

    const january = await wdc.get(`/usage?${JANUARY}`);
    expect(january.body).not.toContain('data-qa="next"');
  });
});
