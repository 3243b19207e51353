import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, signedInBrowser, type Browser, type TestApp } from '../../../../test/helpers/app.js';
import { PEOPLE } from '../planning.test-helpers.js';

let t: TestApp;
let executive: Browser;
let meetingUrl: string;

beforeAll(async () => {
  t = await buildTestApp();
  executive = await signedInBrowser(t.app, PEOPLE.executive);
});
afterAll(() => t?.close());

/** The words of the GOV.UK error summary, without markup. */
function errorSummary(html: string): string {
  const match = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html);
  return match ? match[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}

/** A date as a person types it into the GOV.UK date input named `name`. */
function typed(name: string, date: string): Record<string, string> {
  const [year = '', month = '', day = ''] = date ? date.split('-') : [];
  return { [`${name}-day`]: day, [`${name}-month`]: month, [`${name}-year`]: year };
}

const count = async (table: string) =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.db.kysely)).rows[0]!.n,
  );

function person(role: 'member' | 'substitute', name: string) {
  return { [`${role}Name`]: name, [`${role}JobTitle`]: 'Leader', [`${role}Email`]: '' };
}

describe('the committee’s pages, for its keepers', () => {
  it('starts empty, and refuses a bad seat with a summary naming each field, writing nothing', async () => {
    const page = await executive.get('/planning/governance');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Joint committee</h1>');
    expect(page.body).toContain('data-qa="no-seats"');
    expect(page.body).toContain('href="/planning/governance/seats/new"');

    const form = await executive.get('/planning/governance/seats/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<option value="WDC">Wyvern District Council</option>');
    expect(form.body).not.toContain('value="MCC-RES"');

    const empty = await executive.post('/planning/governance/seats', {
      organisation: '',
      ...typed('effectiveFrom', ''),
      ...person('member', ''),
      ...person('substitute', 'Sam Deputy'),
      memberEmail: 'not an address',
    });
    expect(empty.statusCode).toBe(400);
    const summary = errorSummary(empty.body);
    for (const words of [
      'Select an organisation',
      'Enter the date they take their seat',
      'Enter the member’s full name',
      'Enter the member’s email address in the correct format',
    ])
      expect(summary).toContain(words);
    expect(summary.indexOf('Select an organisation')).toBeLessThan(
      summary.indexOf('Enter the member’s full name'),
    );
    expect(empty.body).toContain('href="#effectiveFrom-day"');
    expect(empty.body).toContain('href="#memberName"');
    // What was typed stays.
    expect(empty.body).toContain('value="Sam Deputy"');
    expect(await count('committee_seats')).toBe(0);
  });

  it('seats a member and substitute, and lists them with the date they sit from', async () => {
    for (const code of ['MCC', 'WDC']) {
      const saved = await executive.post('/planning/governance/seats', {
        organisation: code,
        ...typed('effectiveFrom', '2026-01-05'),
        ...person('member', `${code} Councillor`),
        ...person('substitute', `${code} Deputy`),
      });
      expect(saved.statusCode).toBe(303);
      expect(saved.headers.location).toBe('/planning/governance?done=seat');
    }
    const page = await executive.get('/planning/governance?done=seat');
    expect(page.body).toContain('Member and substitute recorded');
    expect(page.body).toContain('<th scope="row" class="govuk-table__header">Wyvern District Council</th>');
    expect(page.body).toContain('WDC Councillor');
    expect(page.body).toContain('5 January 2026');

    // Changing a seat starts from who sits now.
    expect(page.body).toContain('href="/planning/governance/seats/new?organisation=WDC"');
    const change = await executive.get('/planning/governance/seats/new?organisation=WDC');
    expect(change.body).toContain('<option value="WDC" selected>');
    expect(change.body).toContain('value="WDC Deputy"');

    const again = await executive.post('/planning/governance/seats', {
      organisation: 'WDC',
      ...typed('effectiveFrom', '2026-01-05'),
      ...person('member', 'Someone'),
      ...person('substitute', 'Someone else'),
    });
    expect(again.statusCode).toBe(400);
    expect(errorSummary(again.body)).toContain('The date must be after 5 January 2026');
  });

  it('adds a meeting, explaining a wrong date and a missing title first', async () => {
    const form = await executive.get('/planning/governance/meetings/new');
    expect(form.statusCode).toBe(200);
    const wrong = await executive.post('/planning/governance/meetings', {
      ...typed('heldOn', '2026-02-30'),
      title: ' ',
      location: 'Room 1',
    });
    expect(wrong.statusCode).toBe(400);
    expect(errorSummary(wrong.body)).toContain('The date of the meeting must be a real date');
    expect(errorSummary(wrong.body)).toContain('Enter a title for the meeting');
    expect(wrong.body).toContain('href="#heldOn-day"');
    expect(wrong.body).toContain('href="#title"');
    expect(await count('committee_meetings')).toBe(0);

    const added = await executive.post('/planning/governance/meetings', {
      ...typed('heldOn', '2026-02-12'),
      title: 'Winter meeting',
      location: '',
    });
    expect(added.statusCode).toBe(303);
    meetingUrl = added.headers.location!.replace(/\?.*$/, '');
    const page = await executive.get(added.headers.location!);
    expect(page.body).toContain('Meeting added');
    expect(page.body).toContain('12 February 2026');
    expect(page.body).toContain('Not recorded');
    expect(page.body).toContain('data-qa="no-attendance"');
  });

  it('records attendance with the names of the day', async () => {
    const form = await executive.get(`${meetingUrl}/attendance`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Member: WDC Councillor');
    expect(form.body).toContain('Substitute: MCC Deputy');
    const saved = await executive.post(`${meetingUrl}/attendance`, {
      'attended-MCC': 'member',
      'attended-WDC': 'substitute',
    });
    expect(saved.statusCode).toBe(303);
    const page = await executive.get(saved.headers.location!);
    expect(page.body).toContain('Attendance recorded');
    expect(page.body).toContain('WDC Deputy, Leader');

    const tampered = await executive.post(`${meetingUrl}/attendance`, {
      'attended-MCC': 'chair',
      'attended-WDC': 'member',
    });
    expect(tampered.statusCode).toBe(400);
    expect(errorSummary(tampered.body)).toContain('Select member, substitute or absent');
    expect(tampered.body).toContain('href="#attended-MCC"');
  });

  it('adds a decision with votes, re-showing the form on a problem, and shows its outcome', async () => {
    const form = await executive.get(`${meetingUrl}/decisions/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Add decision 1');
    expect(form.body).toContain('name="vote-WDC"');

    const untitled = await executive.post(`${meetingUrl}/decisions`, {
      title: '',
      resolution: '',
      'vote-MCC': 'for',
    });
    expect(untitled.statusCode).toBe(400);
    expect(errorSummary(untitled.body)).toContain('Enter a title for the decision');
    expect(errorSummary(untitled.body)).toContain('Enter the text of the resolution');
    expect(untitled.body).toContain('href="#title"');
    expect(await count('committee_decisions')).toBe(0);

    const added = await executive.post(`${meetingUrl}/decisions`, {
      title: 'Shared printing',
      resolution: 'That printing be shared.\nFrom April 2027.',
      'vote-MCC': 'for',
      'vote-WDC': 'abstain',
    });
    expect(added.statusCode).toBe(303);
    const page = await executive.get(added.headers.location!);
    expect(page.body).toContain('1. Shared printing');
    expect(page.body).toContain('<p class="govuk-body">From April 2027.</p>');
    expect(page.body).toContain('Carried');
    expect(page.body).toContain('1 for, 0 against, 1 abstaining');
  });

  it('confirms the minutes, after which nothing on the meeting can change', async () => {
    const page = await executive.get(`${meetingUrl}/confirm`);
    expect(page.body).toContain('can never be changed');
    const confirmed = await executive.post(`${meetingUrl}/confirm`, {});
    expect(confirmed.statusCode).toBe(303);
    const meeting = await executive.get(confirmed.headers.location!);
    expect(meeting.body).toContain('Minutes confirmed');
    expect(meeting.body).toContain('Agreed');
    expect(meeting.body).not.toContain(`${meetingUrl}/attendance"`);
    expect((await executive.get(`${meetingUrl}/attendance`)).statusCode).toBe(409);
    expect(
      (await executive.post(`${meetingUrl}/decisions`, { title: 'x', resolution: 'y' })).statusCode,
    ).toBe(409);
  });
});

describe('the committee’s pages, for others', () => {
  it('shows finance officers and seated partners the records with no forms', async () => {
    for (const email of [PEOPLE.finance, PEOPLE.wdcManager]) {
      const browser = await signedInBrowser(t.app, email);
      const page = await browser.get('/planning/governance');
      expect(page.statusCode, email).toBe(200);
      expect(page.body, email).toContain('href="/planning/governance"');
      expect(page.body, email).toContain('Winter meeting');
      expect(page.body, email).not.toContain('/planning/governance/meetings/new');
      expect((await browser.get(meetingUrl)).body, email).toContain('Shared printing');
      expect((await browser.get('/planning/governance/meetings/new')).statusCode, email).toBe(403);
    }
  });

  it('refuses the manager of a partner without a seat, and a requester', async () => {
    for (const email of [PEOPLE.mfrsManager, PEOPLE.wdcRequester]) {
      const browser = await signedInBrowser(t.app, email);
      expect((await browser.get('/planning/governance')).statusCode, email).toBe(403);
      expect((await browser.get(meetingUrl)).statusCode, email).toBe(404);
    }
  });
});
