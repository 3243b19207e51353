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

describe('catalogue pages for partners', () => {
  it("shows a partner its own variant of the catalogue, never another partner's", async () => {
    const wyvern = await signedInBrowser(t.app, 'requester@wyvern.example');
    const list = await wyvern.get('/catalogue');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('New starter IT setup (Wyvern)');
    expect(list.body).toContain('£3.60 per invoice');
    expect(list.body).toContain('£1,450.00 per matter');
    expect(list.body).not.toContain('Business cards');
    expect(list.body).toContain('href="/catalogue"');

    const offering = await wyvern.get('/catalogue/offerings/IT-NEW-STARTER');
    expect(offering.statusCode).toBe(200);
    expect(offering.body).toContain('Wyvern cost centre');
    expect(offering.body).toContain('Your organisation has its own version of this service.');

    const fire = await signedInBrowser(t.app, 'requester@merciafire.example');
    const fireList = await fire.get('/catalogue');
    expect(fireList.body).not.toContain('Wyvern');
    expect(fireList.body).toContain('£3.85 per invoice');
    expect(fireList.body).not.toContain('Litigation matter');
    for (const url of [
      '/catalogue/offerings/LEG-LITIGATION',
      '/catalogue/offerings/IT-FAULT/variants/WDC',
      '/catalogue/divergence',
      '/catalogue/calendars/WDC-OFFICE',
      '/catalogue/offerings/new',
      '/catalogue/sla-policies/IT-WDC',
    ]) {
      const response = await fire.get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toContain('3.60');
    }
    const calendars = await fire.get('/catalogue/calendars');
    expect(calendars.body).toContain('MCC-OFFICE');
    expect(calendars.body).not.toContain('WDC-OFFICE');
    expect(
      (await fire.post('/catalogue/offerings/IT-FAULT/variants/MFRS', { name: 'Mine' })).statusCode,
    ).toBe(404);
  });
});

describe('catalogue pages for service managers', () => {
  it('adds an offering, re-showing the form with an error summary when something is wrong', async () => {
    const manager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    const home = await manager.get('/catalogue');
    expect(home.body).toContain('Where partners diverge');
    await manager.get('/catalogue/offerings/new');
    const form = {
      serviceLine: 'PROP',
      code: 'PRP-KEYS',
      name: 'Replacement keys',
      description: 'Cut a key.',
      lgslId: '',
      unit: 'item',
      'formFields-0-label': 'Building',
      'formFields-0-type': 'text',
      'formFields-0-required': 'yes',
      'formFields-1-label': 'How many',
      'formFields-1-type': 'number',
      'formFields-1-required': 'yes',
      'formFields-1-hint': 'Up to 10',
      slaPolicy: 'PROP-STANDARD',
      approvalRequired: 'no',
      status: 'active',
    };
    const bad = await manager.post('/catalogue/offerings', {
      ...form,
      code: 'bad code!',
      price: '12.5.0',
      'formFields-1-type': 'paint',
      'formFields-2-label': 'Colour',
      'formFields-2-type': 'choice',
      'formFields-2-options': 'Red',
      lgslId: 'x',
    });
    expect(bad.statusCode).toBe(400);
    const summary = errorSummary(bad.body);
    expect(summary).toContain('Code must be 2 to 40 capital letters');
    expect(summary).toContain('Local Government Service List id as a whole number');
    expect(summary).toContain('Select the type of answer for question 2');
    expect(summary).toContain('Enter the unit price in pounds');
    expect(bad.body).toContain('href="#price"');
    expect(summary).toContain('Question 3 is a choice: enter at least two choices');
    expect(bad.body).toContain('href="#formFields-1-type"');
    expect(bad.body).toContain('href="#formFields-2-options"');
    expect(bad.body).toContain('value="bad code!"');
    expect(bad.body).toContain('value="Colour"');

    const good = await manager.post('/catalogue/offerings', { ...form, price: '£12.50' });
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe('/catalogue/offerings/PRP-KEYS?added=1');
    const page = await manager.get('/catalogue/offerings/PRP-KEYS?added=1');
    expect(page.body).toContain('Offering added');
    // Its standard price, from today, until further notice.
    expect(page.body).toMatch(/£12\.50[\s\S]*?Until further notice[\s\S]*?In force/);
    expect((await manager.get('/catalogue/offerings/PRP-KEYS/edit')).body).not.toContain('name="price"');
    expect(page.body).toContain('Brightwater Facilities Ltd');

    const edit = await manager.get('/catalogue/offerings/PRP-KEYS/edit');
    expect(edit.body).toContain('name="formFields-0-key" value="building"');
    expect(edit.body).toMatch(/name="formFields-1-hint"[^>]*value="Up to 10"/);
    const saved = await manager.post('/catalogue/offerings/PRP-KEYS', { ...form, name: 'Keys and fobs' });
    expect(saved.statusCode).toBe(303);
  });

  it('adds, moves and removes questions without saving, then saves them in their new order', async () => {
    const manager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    const form = {
      serviceLine: 'PROP',
      code: 'PRP-SIGNS',
      name: 'Door signs',
      unit: 'item',
      slaPolicy: 'PROP-STANDARD',
      approvalRequired: 'no',
      status: 'active',
    };
    const questionLabels = (html: string) =>
      [...html.matchAll(/name="formFields-(\d+)-label"[^>]*value="([^"]*)"/g)].map((m) => m[2]);

    const first = await manager.post('/catalogue/offerings', { ...form, questionAction: 'add' });
    expect(first.statusCode).toBe(200);
    expect(errorSummary(first.body)).toBe('');
    expect(first.body).toMatch(/name="formFields-0-label"[^>]*autofocus/);
    expect(first.body).toContain('value="PRP-SIGNS"');

    const three = {
      ...form,
      'formFields-0-label': 'Room',
      'formFields-0-type': 'text',
      'formFields-1-label': 'Wording',
      'formFields-1-type': 'long_text',
      'formFields-2-label': 'Colour',
      'formFields-2-type': 'choice',
      'formFields-2-options': 'Blue\nGreen',
    };
    const moved = await manager.post('/catalogue/offerings', { ...three, questionAction: 'up-2' });
    expect(questionLabels(moved.body)).toEqual(['Room', 'Colour', 'Wording']);
    expect(moved.body).toMatch(/name="formFields-1-label"[^>]*value="Colour"[^>]*autofocus/);
    const removed = await manager.post('/catalogue/offerings', { ...three, questionAction: 'remove-0' });
    expect(questionLabels(removed.body)).toEqual(['Wording', 'Colour']);
    expect((await manager.get('/catalogue/offerings/PRP-SIGNS')).statusCode).toBe(404);

    const saved = await manager.post('/catalogue/offerings', {
      ...form,
      'formFields-0-label': 'Colour',
      'formFields-0-type': 'choice',
      'formFields-0-options': 'Blue\nGreen',
      'formFields-1-label': 'Room',
      'formFields-1-type': 'text',
      'formFields-1-required': 'yes',
    });
    expect(saved.statusCode).toBe(303);
    const page = await manager.get('/catalogue/offerings/PRP-SIGNS');
    expect(page.body.indexOf('Colour')).toBeLessThan(page.body.indexOf('Room'));
    expect(page.body).toContain('Blue, Green');
  });

  it('shows what a variant changes and saves a new one', async () => {
    const manager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    const page = await manager.get('/catalogue/offerings/IT-NEW-STARTER/variants/WDC');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-qa="differences"');
    expect(page.body).toContain('New starter IT setup (Wyvern)');
    const saved = await manager.post('/catalogue/offerings/PRP-REACTIVE/variants/BWF', {
      name: '',
      description: '',
      hidden: 'yes',
      slaPolicy: '',
    });
    expect(saved.statusCode).toBe(303);
    const after = await manager.get('/catalogue/offerings/PRP-REACTIVE/variants/BWF?saved=1');
    expect(after.body).toContain('Variant saved');
    expect(after.body).toMatch(
      /Visibility<\/th>\s*<td class="govuk-table__cell">Shown<\/td>\s*<td class="govuk-table__cell">Hidden<\/td>/,
    );
    const bad = await manager.post('/catalogue/offerings/PRP-REACTIVE/variants/BWF', {
      name: '',
      description: '',
      'extraFields-0-label': 'Size',
      'extraFields-0-type': 'choice',
      'extraFields-0-required': 'yes',
      slaPolicy: '',
    });
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body)).toContain('Question 1 is a choice: enter at least two choices');
    expect(bad.body).toContain('href="#extraFields-0-options"');
    const divergence = await manager.get('/catalogue/divergence');
    expect(divergence.body).toContain('Brightwater Facilities Ltd');
  });
});
