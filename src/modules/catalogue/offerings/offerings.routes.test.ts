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
      '/catalogue/tariffs',
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
      formFields: 'Building | text | required\nHow many | number | required | Up to 10',
      slaPolicy: 'PROP-STANDARD',
      approvalRequired: 'no',
      status: 'active',
    };
    const bad = await manager.post('/catalogue/offerings', {
      ...form,
      code: 'bad code!',
      formFields: 'Colour | paint',
      lgslId: 'x',
    });
    expect(bad.statusCode).toBe(400);
    const summary = errorSummary(bad.body);
    expect(summary).toContain('Code must be 2 to 40 capital letters');
    expect(summary).toContain('Local Government Service List id as a whole number');
    expect(summary).toContain('Each question type must be');
    expect(bad.body).toContain('value="bad code!"');

    const good = await manager.post('/catalogue/offerings', form);
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe('/catalogue/offerings/PRP-KEYS?added=1');
    const page = await manager.get('/catalogue/offerings/PRP-KEYS?added=1');
    expect(page.body).toContain('Offering added');
    expect(page.body).toContain('Brightwater Facilities Ltd');

    const edit = await manager.get('/catalogue/offerings/PRP-KEYS/edit');
    expect(edit.body).toContain('Building | text | required');
    const saved = await manager.post('/catalogue/offerings/PRP-KEYS', { ...form, name: 'Keys and fobs' });
    expect(saved.statusCode).toBe(303);
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
      extraFields: '',
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
      extraFields: 'Size | choice | required',
      slaPolicy: '',
    });
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body)).toContain('A choice question needs at least two choices');
    const divergence = await manager.get('/catalogue/divergence');
    expect(divergence.body).toContain('Brightwater Facilities Ltd');
  });
});
