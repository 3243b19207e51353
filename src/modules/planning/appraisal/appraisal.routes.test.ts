import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedInBrowser, type Browser, type TestApp } from '../../../../test/helpers/app.js';
import { PEOPLE, sampleCase } from '../planning.test-helpers.js';
import { readCase } from './appraisal.input.js';

let t: TestApp;
let finance: Browser;
let executive: Browser;

/** The text of the GOV.UK error summary's links. */
const summaryOf = (html: string) =>
  [...html.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)]
    .filter((m) => html.indexOf('govuk-error-summary') < m.index)
    .map((m) => ({
      href: m[1],
      text: m[2]!
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"')
        .trim(),
    }));

const newCaseForm = {
  title: 'Shared payroll',
  baseYear: '2026-27',
  horizonYears: '5',
  rows: '4',
  'options-0-code': 'BAU',
  'options-0-name': 'As now',
  'options-0-kind': 'business_as_usual',
  'options-1-code': 'MIN',
  'options-1-name': 'Shared system',
  'options-1-kind': 'do_minimum',
  'options-2-code': 'SHARE',
  'options-2-name': 'Shared service',
  'options-2-kind': 'other',
  'options-3-code': '',
  'options-3-kind': 'other',
  preferred: '2',
};

async function createByForm(form: Record<string, string> = newCaseForm): Promise<string> {
  await finance.get('/planning/business-cases/new');
  const response = await finance.post('/planning/business-cases', form);
  expect(response.statusCode).toBe(303);
  return /\/planning\/business-cases\/([0-9a-f-]{36})/.exec(response.headers.location as string)![1]!;
}

beforeAll(async () => {
  t = await buildTestApp();
  finance = await signedInBrowser(t.app, PEOPLE.finance);
  executive = await signedInBrowser(t.app, PEOPLE.executive);
});
afterAll(() => t?.close());

describe('building a case on pages, without JavaScript', () => {
  it('names each problem of the shortlist in words, linking to its field', async () => {
    await finance.get('/planning/business-cases/new');
    const response = await finance.post('/planning/business-cases', {
      ...newCaseForm,
      title: '',
      horizonYears: 'ten',
      'options-0-kind': 'other',
    });
    expect(response.statusCode).toBe(400);
    expect(summaryOf(response.body)).toEqual([
      { href: '#title', text: 'Enter a title for the business case' },
      { href: '#horizonYears', text: 'Enter a horizon of 1 to 100 years' },
    ]);
    const shortlist = await finance.post('/planning/business-cases', {
      ...newCaseForm,
      'options-0-kind': 'other',
    });
    expect(summaryOf(shortlist.body)).toEqual([
      { href: '#options-0-code', text: 'The shortlist needs exactly one business-as-usual option' },
    ]);
    expect(shortlist.body).toContain('value="Shared payroll"');
  });

  it('adds a row for another option without saving anything', async () => {
    await finance.get('/planning/business-cases/new');
    const response = await finance.post('/planning/business-cases', { ...newCaseForm, action: 'addRow' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('id="options-4-code"');
    expect(response.body).toContain('value="SHARE"');
  });

  it('creates a case, takes each option’s cash flows year by year and names a wrong amount in words', async () => {
    const id = await createByForm();
    const grid = await finance.get(`/planning/business-cases/${id}/options/SHARE`);
    expect(grid.statusCode).toBe(200);
    expect(grid.body).toContain('for="c-operating-3"');
    expect(grid.body).toContain('Year 3 operating cost for option SHARE, in pounds');
    const bad = await finance.post(`/planning/business-cases/${id}/options/SHARE`, {
      'c-operating-3': '12,00x',
      'c-one_off-0': '-5',
      'bias-one_off-upper': '50',
      'bias-one_off-mitigation': '150',
    });
    expect(bad.statusCode).toBe(400);
    expect(summaryOf(bad.body)).toEqual([
      {
        href: '#c-one_off-0',
        text: 'Year 0 one-off cost for option SHARE must not be negative: enter an amount of zero or more in pounds and pence',
      },
      {
        href: '#c-operating-3',
        text: 'Year 3 operating cost for option SHARE must be an amount in pounds and pence, such as 1200000.00',
      },
      {
        href: '#bias-one_off-mitigation',
        text: 'The mitigation of optimism bias for the one-off cost of option SHARE must be a percentage from 0 to 100, such as 50',
      },
    ]);
    expect(bad.body).toContain('value="12,00x"');
    const good = await finance.post(`/planning/business-cases/${id}/options/SHARE`, {
      'c-one_off-0': '£400,000',
      'c-operating-1': '900000',
      'c-cashable-1': '310500.00',
      'bias-one_off-upper': '50',
      'bias-one_off-mitigation': '50',
      'bias-one_off-reason': 'Outline design',
    });
    expect(good.statusCode).toBe(303);
    await finance.post(`/planning/business-cases/${id}/options/BAU`, {
      'c-operating-0': '1200000',
      'c-operating-1': '1200000',
    });
    const page = await finance.get(`/planning/business-cases/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<svg[^>]+role="img"[^>]+aria-labelledby="case-chart-title case-chart-desc"/);
    expect(page.body).toContain(
      '<title id="case-chart-title">Present value of costs and benefits by option</title>',
    );
    expect(page.body).toMatch(/<desc id="case-chart-desc">[^<]*preferred option is SHARE/);
    expect(page.body).toContain('data-qa="results"');
    // The same figures as the API's worked example.
    expect(page.body).toContain('£1,369,565.22');
    expect(page.body).toContain('£300,000.00');
    expect(page.body).toContain('data-qa="switching-values"');
    expect(page.body).toContain('data-qa="flows-SHARE"');
    expect(page.body).toContain('Outline design');
  });

  it('refuses a shorter horizon that would leave cash flows outside it, naming them', async () => {
    const id = await createByForm();
    await finance.post(`/planning/business-cases/${id}/options/BAU`, { 'c-operating-5': '1000' });
    await finance.get(`/planning/business-cases/${id}/edit`);
    const response = await finance.post(`/planning/business-cases/${id}/edit`, {
      ...newCaseForm,
      'options-0-was': 'BAU',
      'options-1-was': 'MIN',
      'options-2-was': 'SHARE',
      horizonYears: '3',
      version: '2',
    });
    expect(response.statusCode).toBe(400);
    expect(summaryOf(response.body)).toEqual([
      {
        href: '#horizonYears',
        text: 'Year 5 operating cost for option BAU must be in a whole year from 0 (the base year) to 3, the end of the horizon',
      },
    ]);
  });

  it('keeps the five sections and the planned savings, naming a bad CSV line by its number', async () => {
    const id = await createByForm();
    await finance.get(`/planning/business-cases/${id}/sections`);
    const sections = await finance.post(`/planning/business-cases/${id}/sections`, {
      strategic: 'Three councils.\n\nOne team.',
      economic: 'Option SHARE gives the best value.',
      commercial: '',
      financial: '',
      management: '',
    });
    expect(sections.statusCode).toBe(303);
    await finance.get(`/planning/business-cases/${id}/planned-savings`);
    const bad = await finance.post(`/planning/business-cases/${id}/planned-savings`, {
      csv: 'organisation,service_line,year,amount\nWDC,HR,2027-28,1000.00\nNOPE,HR,2027-28,5.00\nWDC,HR,2040-41,1.00',
    });
    expect(bad.statusCode).toBe(400);
    expect(summaryOf(bad.body).map((e) => e.text)).toEqual([
      'Line 4: Planned saving 3 must be in a financial year from 2026-27 to 2031-32, such as 2026-27',
    ]);
    const unknown = await finance.post(`/planning/business-cases/${id}/planned-savings`, {
      csv: 'organisation,service_line,year,amount\nWDC,HR,2027-28,1000.00\nNOPE,HR,2027-28,5.00',
    });
    expect(summaryOf(unknown.body).map((e) => e.text)).toEqual([
      'Line 3: Planned saving 2 names NOPE, which is not a partner of yours',
    ]);
    const good = await finance.post(`/planning/business-cases/${id}/planned-savings`, {
      csv: 'organisation,service_line,year,amount\nWDC,HR,2027-28,"1,000.00"\nMFRS,HR,2027-28,500',
    });
    expect(good.statusCode).toBe(303);
    const page = await finance.get(`/planning/business-cases/${id}`);
    expect(page.body).toContain('Three councils.');
    expect(page.body).toContain('data-qa="planned-savings"');
    expect(page.body).toContain('£1,500.00'); // the year's planned savings, against the preferred option's cashable benefits
  });

  it('takes a whole case pasted as JSON, naming each problem by its field', async () => {
    await finance.get('/planning/business-cases/upload');
    const bad = await finance.post('/planning/business-cases/upload', {
      json: JSON.stringify(sampleCase({ horizonYears: 0 })),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('horizonYears');
    expect(bad.body).toContain('Enter a horizon of 1 to 100 years');
    const notJson = await finance.post('/planning/business-cases/upload', { json: '{"title":' });
    expect(notJson.body).toContain('not valid JSON');
    const good = await finance.post('/planning/business-cases/upload', {
      json: JSON.stringify(sampleCase()),
    });
    expect(good.statusCode).toBe(303);
    const download = await finance.get(`${(good.headers.location as string).split('?')[0]}/case.json`);
    expect(download.headers['content-type']).toContain('application/json');
    expect(readCase(JSON.parse(download.body)).value).toEqual(readCase(sampleCase()).value);
  });
});

describe('approving on a page', () => {
  it('lets an executive approve after a confirmation; the case then cannot be edited', async () => {
    const id = await createByForm();
    const financeView = await finance.get(`/planning/business-cases/${id}/approve`);
    expect(financeView.body).toContain('Only an executive can approve');
    const confirm = await executive.get(`/planning/business-cases/${id}/approve`);
    expect(confirm.body).toContain('can never be changed');
    const approved = await executive.post(`/planning/business-cases/${id}/approve`, { version: '1' });
    expect(approved.statusCode).toBe(303);
    const page = await executive.get(approved.headers.location as string);
    expect(page.body).toContain('data-qa="notice"');
    expect(page.body).toMatch(/data-qa="case-status"[^>]*>\s*Approved/);
    expect(page.body).not.toContain(`/planning/business-cases/${id}/edit`);
    expect((await finance.get(`/planning/business-cases/${id}/edit`)).statusCode).toBe(409);
    expect((await finance.get(`/planning/business-cases/${id}/options/BAU`)).statusCode).toBe(409);
  });
});

describe('who sees the pages', () => {
  it('shows service managers cases to read, with nothing to change', async () => {
    const id = await createByForm();
    const manager = await signedInBrowser(t.app, PEOPLE.serviceManager);
    const page = await manager.get(`/planning/business-cases/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(`/planning/business-cases/${id}/edit`);
    expect((await manager.get('/planning/business-cases/new')).statusCode).toBe(403);
    expect((await manager.get(`/planning/business-cases/${id}/sections`)).statusCode).toBe(403);
  });

  it('never shows a partner a business case', async () => {
    const id = await createByForm();
    const partner = await signedInBrowser(t.app, PEOPLE.wdcManager);
    expect((await partner.get('/planning/business-cases')).statusCode).toBe(403);
    const page = await partner.get(`/planning/business-cases/${id}`);
    expect(page.statusCode).toBe(404);
    expect(page.body).not.toContain('Shared payroll');
    expect((await partner.get(`/planning/business-cases/${id}/case.json`)).statusCode).toBe(404);
    expect((await partner.post(`/planning/business-cases/${id}/approve`, {})).statusCode).toBe(404);
  });
});
