import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedInBrowser, type TestApp } from '../../../../test/helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

/** The text of the GOV.UK error summary, or '' when there is none. */
function errorSummary(html: string): string {
  const match = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html);
  return match ? match[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}

describe('calendar pages', () => {
  it('works out a due time on the calendar page, and explains bad input', async () => {
    const fire = await signedInBrowser(t.app, 'requester@merciafire.example');
    const from = 'from-day=27&from-month=3&from-year=2026&from-hour=16&from-minute=00';
    const due = await fire.get(`/catalogue/calendars/MCC-OFFICE?${from}&minutes=60`);
    expect(due.statusCode).toBe(200);
    // 4pm on Friday 27 March, the office's close; an hour of working time ends at 9am on Monday (BST).
    expect(due.body).toContain('30 March 2026 at 9:00am');
    const bad = await fire.get(`/catalogue/calendars/MCC-OFFICE?${from}&minutes=-5`);
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body)).toContain('Enter a whole number of minutes from 0 to 525,600');
    expect(bad.body).toContain('href="#minutes"');
    const badDate = await fire.get(
      '/catalogue/calendars/MCC-OFFICE?from-day=30&from-month=2&from-year=2026&from-hour=9&from-minute=00&minutes=60',
    );
    expect(badDate.statusCode).toBe(400);
    expect(errorSummary(badDate.body)).toContain('The start must be a real date');
    expect(badDate.body).not.toContain('data-qa="due"');
  });

  it('adds a calendar through its form, with errors shown', async () => {
    const manager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    await manager.get('/catalogue/calendars/new');
    const calendar = {
      code: 'PRINT-ROOM',
      name: 'Print room',
      organisation: '',
      timeZone: 'Europe/London',
      'hours-monday': '07:00-15:00',
      'hours-tuesday': '07:00-15:00',
      'hours-wednesday': '',
      'hours-thursday': '',
      'hours-friday': '',
      'hours-saturday': '',
      'hours-sunday': '',
      holidays: 'england-and-wales',
      'closure-day': '24',
      'closure-month': '12',
      'closure-year': '2026',
    };
    // Every problem at once: the hours, the code, the time zone and the closure date.
    const bad = await manager.post('/catalogue/calendars', {
      ...calendar,
      code: 'X',
      'hours-monday': '15:00-07:00',
      timeZone: 'Mars/Base',
      'closure-day': '30',
      'closure-month': '2',
    });
    expect(bad.statusCode).toBe(400);
    const summary = errorSummary(bad.body);
    expect(summary).toContain('with the end after the start');
    expect(summary).toContain('Code must be 2 to 32 capital letters');
    expect(summary).toContain('Enter a time zone name that exists');
    expect(summary).toContain('The closure date must be a real date');
    expect(bad.body).toContain('href="#closure-day"');
    const good = await manager.post('/catalogue/calendars', calendar);
    expect(good.statusCode).toBe(303);
    const shown = await manager.get('/catalogue/calendars/PRINT-ROOM');
    expect(shown.body).toContain('07:00-15:00');
    expect(shown.body).toContain('24 December 2026');
    // The closure is kept ticked; unticking it (sending no closures) takes it off, and a new one is added.
    const edit = await manager.get('/catalogue/calendars/PRINT-ROOM/edit');
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toMatch(/name="closures" type="checkbox" value="2026-12-24" checked/);
    const { 'closure-day': _d, 'closure-month': _m, 'closure-year': _y, code: _c, ...rest } = calendar;
    expect(
      (
        await manager.post('/catalogue/calendars/PRINT-ROOM', {
          ...rest,
          'closure-day': '31',
          'closure-month': '12',
          'closure-year': '2026',
        })
      ).statusCode,
    ).toBe(303);
    const after = await manager.get('/catalogue/calendars/PRINT-ROOM');
    expect(after.body).toContain('31 December 2026');
    expect(after.body).not.toContain('24 December 2026');
  });
});
